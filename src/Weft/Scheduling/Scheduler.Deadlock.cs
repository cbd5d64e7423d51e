using Weft.Diagnostics;

namespace Weft.Scheduling;

internal sealed partial class Scheduler
{
    /// <summary>
    /// How long the deadlock condition must hold, with no goroutine running or starting meanwhile, before it is
    /// declared. Go declares at once; a .NET process also has threads the runtime cannot see, and one of them may be
    /// about to send on a channel (a plain thread feeding a goroutine). This does not make that pattern safe (see
    /// <see cref="GoOptions.DetectDeadlocks"/>), only the common case where the outside code acts right away.
    /// </summary>
    internal static readonly TimeSpan DeadlockGrace = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Counts a wait of <paramref name="g"/> (null outside goroutines: not counted) that a cancellation can end;
    /// returns the scheduler to pass <see cref="ExitCancellableWait"/> when the wait is over.
    /// </summary>
    internal static Scheduler? EnterCancellableWait(G? g)
    {
        if (g is null) return null;
        var scheduler = g.Runtime.Scheduler;
        Interlocked.Increment(ref scheduler._cancellableWaits);
        return scheduler;
    }

    /// <summary>Ends a wait counted by <see cref="EnterCancellableWait"/>.</summary>
    internal void ExitCancellableWait() => Interlocked.Decrement(ref _cancellableWaits);

    /// <summary>
    /// Go's <c>checkdead</c>, run by sysmon when the runtime looks idle. A deadlock candidate needs every runtime of
    /// the process asleep (<see cref="AllAsleep"/>): this one, because nothing in it can run; the others, because a
    /// goroutine of another runtime may send on a channel this one waits on (channels are not tied to a runtime).
    /// Returns a progress snapshot of them all when that is so (null otherwise); sysmon declares the deadlock if the
    /// condition still holds with the same snapshot after <see cref="DeadlockGrace"/>.
    /// </summary>
    internal (long Progress, List<G> Goroutines)? DeadlockCandidate()
    {
        if (!Runtime.Options.DetectDeadlocks || !Runtime.HasActiveRuns) return null;
        var goroutines = new List<G>();
        if (!AllAsleep(out long progress, goroutines) || goroutines.Count == 0) return null;
        foreach (var other in LiveRuntimes.Snapshot())
        {
            if (other == Runtime) continue;
            if (!other.Scheduler.AllAsleep(out long otherProgress, null)) return null;
            progress += otherProgress;
        }

        return (progress, goroutines);
    }

    /// <summary>
    /// True when nothing in this runtime can ever run again by itself: no M runs goroutine code, no goroutine is
    /// runnable, no timer is pending, and no goroutine waits in a blocking call, on I/O, on a foreign awaitable or with
    /// a cancellable token. <paramref name="progress"/> changes whenever anything is scheduled; the parked goroutines
    /// are added to <paramref name="goroutines"/> when given.
    /// </summary>
    private bool AllAsleep(out long progress, List<G>? goroutines)
    {
        progress = 0;
        lock (_lock)
        {
            if (!LooksIdle()) return false;
            int sleeper = Volatile.Read(ref _timerSleeper) is null ? 0 : 1;
            int running = _liveThreads - _idleMs.Count - Volatile.Read(ref _lockedIdleMs) - sleeper;
            if (running > 0) return false;
            progress = Progress();
        }

        if (EarliestTimer() != 0 || Volatile.Read(ref _cancellableWaits) != 0) return false;
        foreach (var g in Registry.Snapshot())
        {
            if (g.Exited) continue;
            if (g.Status is GStatus.Runnable or GStatus.Running) return false; // still moving (or in a step we cannot see)
            if (g.Reason is WaitReason.BlockingCall or WaitReason.IOWait || g.ForeignAwaitsOutstanding > 0) return false;
            goroutines?.Add(g);
        }

        return true;
    }

    /// <summary>Sysmon, after the grace period: declare the deadlock if nothing moved.</summary>
    internal void ConfirmDeadlock(long progress)
    {
        var again = DeadlockCandidate();
        if (again is not { } candidate || candidate.Progress != progress) return;
        var dump = GoroutineDump.Format(candidate.Goroutines);
        Runtime.OnDeadlock(new DeadlockException(dump));
    }

    /// <summary>A number that changes whenever a goroutine is scheduled, started or readied from outside. Racy reads.</summary>
    private long Progress()
    {
        long sum = Volatile.Read(ref _goIdGenerator) + Volatile.Read(ref _globalPushes);
        foreach (var p in _allp) sum += Volatile.Read(ref p.SchedTick);
        return sum;
    }
}
