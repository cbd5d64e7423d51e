using Weft.Scheduling;
using Weft.Tasks;

namespace Weft.Channels;

/// <summary>
/// One select in progress (Go's <c>selectgo</c>): its cases as waiters, the poll and lock orders, the one word that
/// says how it ended (<see cref="End"/>), and who to wake. Reused: each goroutine (and each thread outside goroutines) keeps one, so a select with
/// up to eight cases allocates nothing per call.
/// </summary>
/// <remarks>
/// <para>The algorithm, as in Go:</para>
/// <list type="number">
/// <item>Lock every distinct channel in one global order (<see cref="ISelectableChan.Id"/>).</item>
/// <item>Poll the cases in a fresh random order; the first ready one runs (uniform choice among ready cases).</item>
/// <item>None ready: enqueue a waiter on every channel, unlock, park. The first waker to claim a case
///   (<see cref="TryEnd"/>: the only way a select ends) records it in <see cref="Winner"/> and wakes the select.</item>
/// <item>On wake-up: lock again and withdraw the waiters of every other case.</item>
/// </list>
/// A case may name the same channel as another (locked once) or a nil channel (skipped; never ready).
/// </remarks>
internal sealed class SelectState
{
    [ThreadStatic] private static SelectState? t_cached;
    private static long s_seed;

    /// <summary>The poll-order generator; the state belongs to one goroutine or thread at a time, so it needs no TLS.</summary>
    private FastRandom _random = new((ulong)Interlocked.Increment(ref s_seed) * 0x9E3779B97F4A7C15UL ^ (ulong)Environment.TickCount64);

    internal SelectWaiter[] Nodes = [];
    private int[] _pollOrder = [];
    private int[] _lockOrder = [];
    private int _lockCount;

    /// <summary>Number of cases loaded.</summary>
    internal int Count;

    /// <summary>How the select ended (<see cref="SelectEnd"/>); Pending while it waits. Moved on only by <see cref="TryEnd"/>.</summary>
    private int _end;

    /// <summary>The winning case (or -1), written by the winner of <see cref="TryEnd"/> right after winning.</summary>
    internal int Winner = -1;

    /// <summary>True while a select uses this state (from Load to GetResult).</summary>
    internal volatile bool InUse;

    /// <summary>With <see cref="SelectEnd.ReadyAtPark"/>: the outcome of the case the final poll completed.</summary>
    internal SelectOutcome ImmediateOutcome;

    /// <summary>How the select ended, or Pending. Any thread (racy until the wake-up; exact after it).</summary>
    internal SelectEnd End => (SelectEnd)Volatile.Read(ref _end);

    /// <summary>
    /// The single "who won" rule (Go's <c>selectDone</c>): the first of the wakers, the final poll at park time and a
    /// cancellation to move the select out of Pending wins; everyone else loses and leaves it alone (a case of a
    /// select that has ended is a stale entry that wakers skip). The winner then records <see cref="Winner"/>.
    /// </summary>
    internal bool TryEnd(SelectEnd how, int winner)
    {
        if (Interlocked.CompareExchange(ref _end, (int)how, (int)SelectEnd.Pending) != (int)SelectEnd.Pending) return false;
        Winner = winner;
        return true;
    }

    /// <summary>True when the select ended during <see cref="Park"/> (no case was left enqueued anywhere).</summary>
    private bool EndedWhileParking => End is SelectEnd.ReadyAtPark or SelectEnd.ClosedSendAtPark;

    internal CancellationTokenRegistration Registration;

    /// <summary>The runtime counting this parked select as wakeable from outside (a cancellable token), or null.</summary>
    private Scheduling.Scheduler? _countedWait;

    /// <summary>
    /// 1 once <see cref="Registration"/> is assigned. The registration is made only after every case is enqueued
    /// (so a cancellation can only race with wakers, through <see cref="TryEnd"/>), which means the goroutine can
    /// wake before the parking thread has stored it; <see cref="Finish"/> waits for this flag before disposing it,
    /// so no callback of this select can run once the state is reused.
    /// </summary>
    private int _registered;

    // Who to wake.
    private Resumption _resumption;

    /// <summary>Takes the calling goroutine's (or thread's) state, or a fresh one if that is in use, for <paramref name="count"/> cases.</summary>
    internal static SelectState Acquire(int count)
    {
        Diagnostics.ChanMetrics.Select();
        SelectState? state;
        if (G.Current is { } g)
        {
            var extras = g.Extras;
            state = extras.SelectState;
            if (state is null || state.InUse) extras.SelectState = state = new SelectState();
        }
        else
        {
            state = t_cached;
            if (state is null || state.InUse) t_cached = state = new SelectState();
        }

        state.Prepare(count);
        return state;
    }

    private void Prepare(int count)
    {
        if (Nodes.Length < count)
        {
            var nodes = new SelectWaiter[count];
            Array.Copy(Nodes, nodes, Nodes.Length);
            for (int i = Nodes.Length; i < count; i++) nodes[i] = new SelectWaiter(this, i);
            Nodes = nodes;
            _pollOrder = new int[count];
            _lockOrder = new int[count];
        }

        Count = count;
        _end = (int)SelectEnd.Pending;
        Winner = -1;
        ImmediateOutcome = default;
        _registered = 0;
        _resumption = default;
        InUse = true;
    }

    /// <summary>Returns the state to its owner for reuse, dropping every value and reference it holds.</summary>
    internal void Release()
    {
        for (int i = 0; i < Count; i++)
        {
            var node = Nodes[i];
            if (node.IsSend) node.Channel?.SelectClear(node);
            node.Channel = null;
            node.Frame = null;
        }

        Registration = default;
        _resumption = default;
        InUse = false;
    }

    // ---- pass 1: poll ---------------------------------------------------------------------------------

    /// <summary>
    /// Locks the channels, polls the cases in random order and runs the first ready one. Returns its index, or -1.
    /// With <paramref name="keepLocked"/> the channels stay locked when nothing was ready (the caller enqueues).
    /// </summary>
    internal int Poll(ref SelectOutcome outcome, bool keepLocked)
    {
        for (int i = 0; i < Count; i++)
        {
            var node = Nodes[i];
            if (node.IsTimer && !node.IsSend) node.Channel!.BeforeSelectReceive();
        }

        PrepareOrders();
        LockAll();
        int winner = -1;
        Waiter? wake = null;
        bool closedSend = false;
        try
        {
            for (int k = 0; k < Count; k++)
            {
                int i = _pollOrder[k];
                var node = Nodes[i];
                var chan = node.Channel;
                if (chan is null) continue;
                if (node.IsSend)
                {
                    var r = chan.SelectTrySend(node, out wake);
                    if (r == OpResult.WouldBlock) continue;
                    closedSend = r == OpResult.Closed;
                    outcome.Ok = true;
                }
                else if (!chan.SelectTryReceive(ref outcome, out wake))
                {
                    continue;
                }

                winner = i;
                break;
            }
        }
        finally
        {
            if (winner >= 0 || !keepLocked) UnlockAll();
        }

        wake?.Wake();
        if (closedSend) throw new ChannelClosedException();
        return winner;
    }

    // ---- pass 2: park -----------------------------------------------------------------------------------

    /// <summary>
    /// Parks the select: who to wake, then (channels locked again) a final poll, then a waiter on every channel.
    /// When the final poll finds a ready case the select completes at once and wakes itself.
    /// </summary>
    internal void Park(GoFrame? frame, Action continuation, CancellationToken token)
    {
        _resumption = Resumption.Begin(G.Current, frame, continuation, Count == 0 ? WaitReason.SelectNoCases : WaitReason.Select);

        if (Count == 0)
        {
            // select {}: parked forever, or until canceled.
            Register(token);
            return;
        }

        var outcome = default(SelectOutcome);
        int winner;
        try
        {
            winner = Poll(ref outcome, keepLocked: true);
        }
        catch (ChannelClosedException)
        {
            // A send case's channel was closed since the first poll (IsCompleted). Poll has unlocked everything.
            // Complete through GetResult, like any other outcome: an exception thrown out of OnCompleted would escape
            // into the awaiting builder (for Task-based callers, an unhandled exception on the ThreadPool).
            TryEnd(SelectEnd.ClosedSendAtPark, -1); // nothing is enqueued and no token registered yet: nobody races
            Wake();
            return;
        }

        if (winner >= 0)
        {
            // Ready after all: complete as if a waker had claimed the case.
            ImmediateOutcome = outcome;
            if (TryEnd(SelectEnd.ReadyAtPark, winner)) Wake();

            return;
        }

        // Enqueue in the poll order just shuffled, not in case order: when two cases name the same channel, the
        // waker takes whichever entry comes first in that channel's queue, so case order would always favour the
        // lower case (Go enqueues in lock order, which it builds from the shuffled poll order, with the same effect).
        for (int k = 0; k < Count; k++)
        {
            var node = Nodes[_pollOrder[k]];
            if (node.Channel is null) continue;
            node.Success = false;
            node.Channel.SelectEnqueue(node, node.IsSend);
        }

        UnlockAll();
        for (int i = 0; i < Count; i++)
        {
            var node = Nodes[i];
            if (node.IsTimer && !node.IsSend) node.Channel!.AfterSelectEnqueueReceive();
        }

        Register(token);
    }

    private void Register(CancellationToken token)
    {
        if (!token.CanBeCanceled) return;
        _countedWait = Scheduler.EnterCancellableWait(_resumption.Goroutine);
        Registration = token.UnsafeRegister(static s => ((SelectState)s!).Cancel(), this);
        Volatile.Write(ref _registered, 1);
    }

    /// <summary>Resumes whoever waits on the select. Any thread, after the channel lock is released.</summary>
    internal void Wake() => _resumption.Resume();

    private void Cancel()
    {
        if (TryEnd(SelectEnd.Canceled, -1)) Wake();
    }

    // ---- pass 3: wake-up --------------------------------------------------------------------------------

    /// <summary>After the wake-up: withdraws the other cases and produces the result.</summary>
    internal SelectResult Finish(CancellationToken token)
    {
        var end = End;
        if (token.CanBeCanceled && !EndedWhileParking)
        {
            var spin = new SpinWait();
            while (Volatile.Read(ref _registered) == 0) spin.SpinOnce(sleep1Threshold: -1);
        }

        Registration.Dispose(); // waits for a running callback; none can start afterwards
        _countedWait?.ExitCancellableWait();
        _countedWait = null;
        if (!EndedWhileParking && Count > 0)
        {
            PrepareLockOrder();
            LockAll();
            for (int i = 0; i < Count; i++)
            {
                if (i == Winner) continue;
                var node = Nodes[i];
                // Remember which receives withdrew (a loser's Success is otherwise unused).
                node.Success = node.Channel is not null && node.Enqueued && node.Channel.SelectDequeue(node, node.IsSend) && !node.IsSend;
            }

            UnlockAll();
            for (int i = 0; i < Count; i++)
            {
                var node = Nodes[i];
                if (i != Winner && node.Success && node.IsTimer) node.Channel!.AfterSelectWithdrawReceive();
            }
        }

        try
        {
            int winner = Winner;
            switch (end)
            {
                case SelectEnd.Canceled: throw new OperationCanceledException(token);
                case SelectEnd.ClosedSendAtPark: throw new ChannelClosedException();
                case SelectEnd.ReadyAtPark: return new SelectResult(winner, ImmediateOutcome);
            }

            var node = Nodes[winner];
            var outcome = default(SelectOutcome);
            if (node.IsSend)
            {
                if (!node.Success) throw new ChannelClosedException();
                outcome.Ok = true;
            }
            else
            {
                node.Channel!.SelectTakeReceived(node, ref outcome);
            }

            return new SelectResult(winner, outcome);
        }
        finally
        {
            Release();
        }
    }

    // ---- orders and locks -------------------------------------------------------------------------------

    private void PrepareOrders()
    {
        // Poll order: a Fisher-Yates shuffle.
        for (int i = 0; i < Count; i++)
        {
            int j = SimHooks.NextBelow(ref _random, i + 1, SimChoice.SelectOrder); // a simulation chooses its own order
            _pollOrder[i] = _pollOrder[j];
            _pollOrder[j] = i;
        }

        PrepareLockOrder();
    }

    /// <summary>Distinct non-nil channels sorted by id (insertion sort: a handful of cases).</summary>
    private void PrepareLockOrder()
    {
        int n = 0;
        for (int i = 0; i < Count; i++)
        {
            var node = Nodes[i];
            if (node.Channel is null) continue;
            long id = node.ChannelId;
            int j = n;
            bool duplicate = false;
            while (j > 0)
            {
                long other = Nodes[_lockOrder[j - 1]].ChannelId;
                if (other == id)
                {
                    duplicate = true;
                    break;
                }

                if (other < id) break;
                j--;
            }

            if (duplicate) continue;
            for (int k = n; k > j; k--) _lockOrder[k] = _lockOrder[k - 1];
            _lockOrder[j] = i;
            n++;
        }

        _lockCount = n;
    }

    private void LockAll()
    {
        for (int k = 0; k < _lockCount; k++) Nodes[_lockOrder[k]].Channel!.Lock();
    }

    private void UnlockAll()
    {
        for (int k = _lockCount - 1; k >= 0; k--) Nodes[_lockOrder[k]].Channel!.Unlock();
    }
}
