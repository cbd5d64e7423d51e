using Weft.Scheduling;
using Weft.Timers;

namespace Weft.Timers;

/// <summary>
/// The runtime side of <see cref="Time.Timer"/> and <see cref="Time.Ticker"/> (Go 1.23's channel timers). The channel
/// behaves as unbuffered (Len and Cap are 0) but holds at most one fired value internally. The timer sits in a P's
/// heap only while some receiver waits in the channel's queue; otherwise a receive checks whether it is due and runs
/// it on the spot. So a timer nobody waits on is referenced only by its owner and can be collected, and a ticker that
/// nobody reads does no work.
/// </summary>
/// <remarks>
/// Lock order: this timer's lock, then the channel's. Channel code calls into the timer only when it holds no
/// channel lock: <see cref="MaybeRun"/> before a receive, <see cref="EnsureScheduled"/> after a receiver enqueued,
/// <see cref="OnReceiverLeft"/> after one withdrew. The last two decide under the timer lock from the queue itself,
/// so a receiver that enqueues while another leaves always finds the timer in a heap.
/// Stop and Reset drain the channel under the timer lock, so no value from before them is received after.
/// </remarks>
internal sealed class ChanTimer : RuntimeTimer
{
    private readonly object _lock = new();
    private readonly Scheduler _scheduler;

    /// <summary>When the timer is due (<see cref="Clock"/> ns), or 0 when stopped or already fired. Under the lock.</summary>
    private long _due;

    /// <summary>Ticker period in ns; 0 for a one-shot timer.</summary>
    private long _period;

    internal ChanTimer(Scheduler scheduler, long due, long period)
    {
        _scheduler = scheduler;
        _due = due;
        _period = period;
        Channel = new Chan<DateTime>(1, this);
    }

    internal Chan<DateTime> Channel { get; }

    /// <summary>Before a receive: if the timer is due and not in a heap (nobody waited), fire it now.</summary>
    internal void MaybeRun()
    {
        if (Volatile.Read(ref _due) == 0) return;
        long now = Clock.Now;
        lock (_lock)
        {
            if (_due == 0 || _due > now || Heap is not null) return;
            FireLocked(now);
        }
    }

    /// <summary>A receiver enqueued on the channel: the timer must be in a heap to wake it.</summary>
    internal void EnsureScheduled()
    {
        lock (_lock)
        {
            if (_due != 0 && Heap is null) _scheduler.AddTimer(this, _due);
        }
    }

    /// <summary>A receiver withdrew without receiving. With nobody left waiting, leave the heap (see the remarks).</summary>
    internal void OnReceiverLeft()
    {
        lock (_lock)
        {
            if (!Channel.HasWaitingReceivers) Scheduler.RemoveTimer(this);
        }
    }

    internal override void Fire(long now)
    {
        lock (_lock)
        {
            if (_due == 0 || _due > now) return; // stopped or reset after it was taken from the heap
            FireLocked(now);
            if (_due != 0 && Heap is null && Channel.HasWaitingReceivers) _scheduler.AddTimer(this, _due);
        }
    }

    /// <summary>Sends the time (dropped if a value is already waiting: a slow ticker reader) and re-arms a ticker.</summary>
    private void FireLocked(long now)
    {
        Channel.TrySendTimer(DateTime.Now);
        if (_period == 0)
        {
            _due = 0;
            return;
        }

        // Skip the ticks a slow receiver missed: the next one is the first period boundary after now.
        long late = now - _due;
        _due += _period * (1 + late / _period);
    }

    /// <summary>Stops the timer; true if it had not fired yet (or had fired into a value nobody received).</summary>
    internal bool Stop()
    {
        lock (_lock)
        {
            bool pending = _due != 0 | Channel.DrainTimer();
            _due = 0;
            Scheduler.RemoveTimer(this);
            return pending;
        }
    }

    /// <summary>Re-arms the timer to fire after <paramref name="delay"/> ns (a ticker also takes a new period).</summary>
    internal bool Reset(long delay, bool ticker)
    {
        lock (_lock)
        {
            bool pending = _due != 0 | Channel.DrainTimer();
            Scheduler.RemoveTimer(this);
            if (ticker) _period = delay;
            _due = Math.Max(1, Clock.Now + delay);
            if (Channel.HasWaitingReceivers) _scheduler.AddTimer(this, _due);
            return pending;
        }
    }
}

/// <summary>The timer of <see cref="Time.AfterFunc(TimeSpan, Func{GoTask})"/>: always in a heap while armed; firing starts a goroutine.</summary>
internal sealed class FuncTimer : RuntimeTimer
{
    private readonly object _lock = new();
    private readonly GoRuntime _runtime;
    private readonly object _body;
    private long _due;

    internal FuncTimer(GoRuntime runtime, object body, long due)
    {
        _runtime = runtime;
        _body = body;
        _due = due;
        runtime.Scheduler.AddTimer(this, due);
    }

    internal override void Fire(long now)
    {
        lock (_lock)
        {
            if (_due == 0 || _due > now) return;
            _due = 0;
        }

        if (_runtime.IsDisposed) return;
        switch (_body)
        {
            case Func<GoTask> f:
                _runtime.Start(f);
                break;
            case Action a:
                _runtime.Start(a);
                break;
        }
    }

    internal bool Stop()
    {
        lock (_lock)
        {
            bool pending = _due != 0;
            _due = 0;
            Scheduler.RemoveTimer(this);
            return pending;
        }
    }

    internal bool Reset(long delay)
    {
        lock (_lock)
        {
            bool pending = _due != 0;
            Scheduler.RemoveTimer(this);
            _due = Math.Max(1, Clock.Now + delay);
            _runtime.Scheduler.AddTimer(this, _due);
            return pending;
        }
    }
}
