using Weft.Diagnostics;

namespace Weft.Scheduling;

internal sealed partial class Scheduler
{
    /// <summary>
    /// Go's <c>checkdead</c>, run by sysmon when the runtime looks idle: if no M runs goroutine code, no goroutine is
    /// runnable, no timer is pending, no blocking call, foreign await or outside waiter is outstanding, and yet
    /// goroutines exist, none of them can ever run again. The runtime fails its running <c>Run</c> calls with a
    /// <see cref="DeadlockException"/>.
    /// </summary>
    internal void CheckDeadlock()
    {
        if (!Runtime.Options.DetectDeadlocks || !Runtime.HasActiveRuns) return;
        lock (_lock)
        {
            if (!LooksIdle()) return;
            int sleeper = Volatile.Read(ref _timerSleeper) is null ? 0 : 1;
            int running = _liveThreads - _idleMCount - Volatile.Read(ref _lockedIdleMs) - sleeper;
            if (running > 0) return;
        }

        if (EarliestTimer() != 0) return;
        if (Channels.ExternalWaiters.Count > 0) return;

        var goroutines = Registry.Snapshot();
        if (goroutines.Count == 0) return;
        foreach (var g in goroutines)
        {
            if (g.Exited) continue;
            var status = g.Status;
            if (status is GStatus.Runnable or GStatus.Running) return; // still moving (or in a step we cannot see)
            if (g.Reason is WaitReason.ForeignAwait or WaitReason.BlockingCall or WaitReason.IOWait) return;
        }

        // Re-check the cheap conditions: a foreign thread may have readied something while we looked.
        if (!LooksIdle() || EarliestTimer() != 0) return;
        var dump = GoroutineDump.Format(goroutines.Where(g => !g.Exited));
        Runtime.OnDeadlock(new DeadlockException(dump));
    }
}
