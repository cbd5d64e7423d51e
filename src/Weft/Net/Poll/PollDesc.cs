using System.Runtime.CompilerServices;
using Weft.Scheduling;
using Weft.Timers;

namespace Weft.Netpoll;

/// <summary>Which side of a descriptor an operation waits on.</summary>
internal enum IoMode : byte
{
    Read,
    Write,
}

/// <summary>
/// Poll state of one registered descriptor (Go's <c>pollDesc</c>): one reader slot, one writer slot, the read and
/// write deadlines, and the closing flag. Registered once with the epoll instance, edge-triggered; the poller finds
/// it by table index and ignores an event whose sequence tag is not <see cref="Seq"/> (a stale event for a slot that
/// has been reused by a newer descriptor).
/// </summary>
/// <remarks>
/// <para><b>Slot protocol</b> (<see cref="_rg"/>, <see cref="_wg"/>): a slot holds null (nothing pending),
/// <see cref="ReadySignal"/> (readiness arrived while nobody waited), or a waiter object (see <see cref="IoPark"/>).
/// Every transition is one CAS:</para>
/// <list type="bullet">
/// <item>An operation that got EAGAIN consumes a pending signal (Ready → null) and retries its system call, or
///   publishes its waiter (null → waiter) and parks. After publishing it re-reads the closing flag and its deadline:
///   a close or an expiry that raced the publication is seen either by the closer's wake pass or by this re-check,
///   since both sides write with a full fence before they read.</item>
/// <item>The poller, on readiness: null → Ready, or waiter → null and resumes the waiter (which retries its call,
///   so the readiness is consumed by that retry).</item>
/// <item>A deadline, a close or a cancellation: waiter → null and resumes it; the operation then reports why.</item>
/// </list>
/// <para>At most one operation per direction may be in flight (<see cref="EnterOp"/>), as each slot has one waiter.</para>
/// </remarks>
internal sealed class PollDesc
{
    /// <summary>Readiness pending with nobody waiting.</summary>
    internal static readonly object ReadySignal = new();

    internal readonly Netpoller Poller;
    internal readonly FdHandle Handle;

    /// <summary>Index in the poller's table, and the tag stamped into this descriptor's epoll events.</summary>
    internal readonly int Index, Seq;

    private object? _rg, _wg;

    /// <summary>1 while an operation of that direction is in flight (Interlocked): one waiter per slot.</summary>
    private int _readBusy, _writeBusy;

    private volatile bool _closing;

    /// <summary>
    /// Deadlines in <see cref="Clock"/> nanoseconds: 0 none, <see cref="Expired"/> passed (until moved), else when.
    /// Under lock(this), read racily by operations.
    /// </summary>
    private long _rd, _wd;

    internal const long Expired = -1;

    /// <summary>The pending deadline timers (a new one per setting: a stale fire is recognized by identity).</summary>
    private DeadlineTimer? _rt, _wt;

    internal PollDesc(Netpoller poller, FdHandle handle, int index, int seq)
    {
        Poller = poller;
        Handle = handle;
        Index = index;
        Seq = seq;
    }

    internal bool IsClosing => _closing;

    /// <summary>The deadline of one direction (for messages): Clock nanoseconds, <see cref="Expired"/> or 0.</summary>
    internal long DeadlineOf(IoMode mode) => Volatile.Read(ref mode == IoMode.Read ? ref _rd : ref _wd);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref object? Slot(IoMode mode) => ref mode == IoMode.Read ? ref _rg : ref _wg;

    // ---- operations ---------------------------------------------------------------------------------

    /// <summary>Starts an operation of one direction; false when another one is in flight.</summary>
    internal bool EnterOp(IoMode mode) =>
        Interlocked.CompareExchange(ref mode == IoMode.Read ? ref _readBusy : ref _writeBusy, 1, 0) == 0;

    internal void ExitOp(IoMode mode) => Volatile.Write(ref mode == IoMode.Read ? ref _readBusy : ref _writeBusy, 0);

    /// <summary>Why an operation cannot proceed: 0 ok, 1 closed, 2 deadline passed (Go's <c>netpollcheckerr</c>).</summary>
    internal int CheckError(IoMode mode)
    {
        if (_closing) return 1;
        return DeadlineOf(mode) == Expired ? 2 : 0;
    }

    /// <summary>The awaitable an operation awaits after EAGAIN.</summary>
    internal IoWaitAwaitable WaitAsync(IoMode mode) => new(this, mode);

    /// <summary>Consumes a pending readiness signal (the await completes without parking).</summary>
    internal bool TryConsumeReady(IoMode mode)
    {
        ref var slot = ref Slot(mode);
        return Volatile.Read(ref slot) == ReadySignal && Interlocked.CompareExchange(ref slot, null, ReadySignal) == ReadySignal;
    }

    /// <summary>Parks the caller on a slot (the await pattern's OnCompleted). See the slot protocol.</summary>
    internal void Park(IoMode mode, Action continuation)
    {
        var waiter = IoPark.Prepare(continuation);
        ref var slot = ref Slot(mode);
        Interlocked.Increment(ref Poller.Waiters);
        var previous = Interlocked.CompareExchange(ref slot, waiter, null);
        if (previous is null)
        {
            // Published. A close or deadline that raced us may have done its wake pass already: look again.
            if (CheckError(mode) != 0) WakeWaiter(mode);
            else if (IoPark.NeedsPollerWakeup(waiter, Poller.Scheduler)) Poller.Scheduler.EnsureNetpollerRuns();
            return;
        }

        Interlocked.Decrement(ref Poller.Waiters);
        // Readiness arrived between the system call and here (only the operation itself clears a signal).
        Interlocked.CompareExchange(ref slot, null, ReadySignal);
        IoPark.Resume(waiter);
    }

    // ---- wakers -------------------------------------------------------------------------------------

    /// <summary>The poller saw readiness for <paramref name="mode"/> (Go's <c>netpollready</c>).</summary>
    internal void OnReady(IoMode mode, List<G> batch)
    {
        ref var slot = ref Slot(mode);
        while (true)
        {
            var old = Volatile.Read(ref slot);
            if (old == ReadySignal) return;
            var next = old is null ? ReadySignal : null;
            if (Interlocked.CompareExchange(ref slot, next, old) != old) continue;
            if (old is not null)
            {
                Interlocked.Decrement(ref Poller.Waiters);
                IoPark.ResumeInto(old, Poller.Scheduler, batch);
            }

            return;
        }
    }

    /// <summary>Resumes the waiter of <paramref name="mode"/>, if any, without readiness (close, deadline, cancel).</summary>
    internal void WakeWaiter(IoMode mode)
    {
        ref var slot = ref Slot(mode);
        var old = Volatile.Read(ref slot);
        if (old is null || old == ReadySignal) return;
        if (Interlocked.CompareExchange(ref slot, null, old) != old) return; // someone else resumed it
        Interlocked.Decrement(ref Poller.Waiters);
        IoPark.Resume(old);
    }

    // ---- deadlines ----------------------------------------------------------------------------------

    /// <summary>
    /// Sets the deadline of the given directions (Go's <c>poll_runtime_pollSetDeadline</c>): <paramref name="when"/>
    /// in Clock nanoseconds, 0 for none, at or before now for "already passed" (pending and later operations fail
    /// until the deadline is moved).
    /// </summary>
    internal void SetDeadline(long when, bool read, bool write)
    {
        bool expireRead = false, expireWrite = false;
        lock (this)
        {
            if (_closing) return;
            long now = when > 0 ? Clock.Now : 0;
            if (read) expireRead = Set(ref _rd, ref _rt, when, now, IoMode.Read);
            if (write) expireWrite = Set(ref _wd, ref _wt, when, now, IoMode.Write);
        }

        if (expireRead) WakeWaiter(IoMode.Read);
        if (expireWrite) WakeWaiter(IoMode.Write);
    }

    /// <summary>
    /// Caller holds lock(this). True when the deadline has already passed. A pending timer due no later than the new
    /// deadline is kept (it re-arms itself for the later deadline when it fires, see <see cref="OnDeadline"/>): a
    /// server that pushes its deadline forward on every request touches no timer heap (Go modifies its timer in place
    /// for the same reason).
    /// </summary>
    private bool Set(ref long deadline, ref DeadlineTimer? timer, long when, long now, IoMode mode)
    {
        if (when <= 0)
        {
            Volatile.Write(ref deadline, 0); // a pending timer finds no deadline when it fires and does nothing
            return false;
        }

        if (when <= now)
        {
            Volatile.Write(ref deadline, Expired);
            return true;
        }

        Volatile.Write(ref deadline, when);
        if (timer is not null && timer.When <= when && timer.Heap is not null) return false; // fires first, re-arms
        if (timer is not null) Scheduler.RemoveTimer(timer);
        timer = new DeadlineTimer(this, mode);
        Poller.Scheduler.AddTimer(timer, when);
        return false;
    }

    /// <summary>
    /// A deadline timer fired (on an M, outside the heap lock). A replaced timer is ignored; a timer that fired before
    /// a deadline that was moved later re-arms for it; otherwise the deadline has passed.
    /// </summary>
    private void OnDeadline(DeadlineTimer fired)
    {
        lock (this)
        {
            ref var timer = ref fired.Mode == IoMode.Read ? ref _rt : ref _wt;
            ref long deadline = ref fired.Mode == IoMode.Read ? ref _rd : ref _wd;
            if (timer != fired) return;
            timer = null;
            long when = Volatile.Read(ref deadline);
            if (when == 0 || when == Expired) return; // cleared meanwhile (or already expired)
            if (when > Clock.Now)
            {
                timer = new DeadlineTimer(this, fired.Mode);
                Poller.Scheduler.AddTimer(timer, when);
                return;
            }

            Volatile.Write(ref deadline, Expired);
        }

        Interlocked.MemoryBarrier(); // the expiry is visible before we look at the slot (pairs with Park's re-check)
        WakeWaiter(fired.Mode);
    }

    private sealed class DeadlineTimer(PollDesc pd, IoMode mode) : RuntimeTimer
    {
        internal readonly IoMode Mode = mode;

        internal override void Fire(long now) => pd.OnDeadline(this);
    }

    // ---- closing ------------------------------------------------------------------------------------

    /// <summary>
    /// Marks the descriptor closing and resumes both waiters, which fail with "use of closed network connection"
    /// (Go's <c>poll_runtime_pollUnblock</c>). The caller then closes the handle. Idempotent; false if already closing.
    /// </summary>
    internal bool Unblock()
    {
        lock (this)
        {
            if (_closing) return false;
            _closing = true;
            if (_rt is not null) Scheduler.RemoveTimer(_rt);
            if (_wt is not null) Scheduler.RemoveTimer(_wt);
            _rt = _wt = null;
        }

        Interlocked.MemoryBarrier(); // closing is visible before we look at the slots (pairs with Park's re-check)
        WakeWaiter(IoMode.Read);
        WakeWaiter(IoMode.Write);
        return true;
    }
}

/// <summary>Awaitable of a wait for readiness on a <see cref="PollDesc"/>.</summary>
internal readonly struct IoWaitAwaitable(PollDesc pd, IoMode mode) : ICriticalNotifyCompletion, Tasks.IGoAwaiter
{
    public IoWaitAwaitable GetAwaiter() => this;

    public bool IsCompleted => pd.TryConsumeReady(mode);

    public void GetResult()
    {
    }

    public void OnCompleted(Action continuation) => pd.Park(mode, continuation);

    public void UnsafeOnCompleted(Action continuation) => pd.Park(mode, continuation);
}
