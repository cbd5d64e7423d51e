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

    /// <summary>Pushes to the global queue (goroutines readied from outside the runtime's threads land there). Under the lock.</summary>
    private long _globalPushes;

    /// <summary>
    /// Go's <c>checkdead</c>, run by sysmon when the runtime looks idle: if no M runs goroutine code, no goroutine is
    /// runnable, no timer is pending, no blocking call or foreign await is outstanding, and yet goroutines exist, none of
    /// them can ever run again. Returns a progress snapshot when that is so (null otherwise); sysmon declares the
    /// deadlock if the condition still holds with the same snapshot after <see cref="DeadlockGrace"/>.
    /// </summary>
    internal (long Progress, List<G> Goroutines)? DeadlockCandidate()
    {
        if (!Runtime.Options.DetectDeadlocks || !Runtime.HasActiveRuns) return null;
        long progress;
        lock (_lock)
        {
            if (!LooksIdle()) return null;
            int sleeper = Volatile.Read(ref _timerSleeper) is null ? 0 : 1;
            int running = _liveThreads - _idleMCount - Volatile.Read(ref _lockedIdleMs) - sleeper;
            if (running > 0) return null;
            progress = Progress();
        }

        if (EarliestTimer() != 0) return null;

        var goroutines = Registry.Snapshot();
        goroutines.RemoveAll(g => g.Exited);
        if (goroutines.Count == 0) return null;
        foreach (var g in goroutines)
        {
            if (g.Status is GStatus.Runnable or GStatus.Running) return null; // still moving (or in a step we cannot see)
            if (g.Reason is WaitReason.BlockingCall or WaitReason.IOWait || g.ForeignAwaitsOutstanding > 0) return null;
        }

        return (progress, goroutines);
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
