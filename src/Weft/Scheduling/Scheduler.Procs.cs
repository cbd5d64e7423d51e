using System.Diagnostics;

namespace Weft.Scheduling;

internal sealed partial class Scheduler
{
    /// <summary>
    /// Changes the number of Ps at run time (Go's <c>procresize</c>, without stopping the world). New Ps join the
    /// idle list at once. Ps beyond the new count are retired: an idle one immediately, a running one by its own M
    /// at its next scheduling point, which moves its queue to the global queue and its timers to P0. Returns the
    /// previous value.
    /// </summary>
    internal int SetMaxProcs(int n)
    {
        int previous;
        var retireNow = new List<P>();
        lock (_lock)
        {
            previous = _maxProcs;
            if (n == previous) return previous;
            if (n > _allp.Length)
            {
                var grown = new P[n];
                Array.Copy(_allp, grown, _allp.Length);
                for (int i = _allp.Length; i < n; i++)
                {
                    grown[i] = new P(i) { Status = PStatus.Dead };
                }

                _allp = grown;
            }

            var allp = _allp;
            for (int i = 0; i < allp.Length; i++)
            {
                var p = allp[i];
                if (i < n)
                {
                    p.Retiring = false;
                    if (p.Status == PStatus.Dead) PIdlePut(p);
                }
                else if (p.Status != PStatus.Dead)
                {
                    p.Retiring = true;
                    if (p.Status == PStatus.Idle)
                    {
                        RemoveIdleP(p);
                        retireNow.Add(p);
                    }
                }
            }

            _stealOrder = new RandomOrder(n);
            _maxProcs = n;
            foreach (var p in retireNow) MarkDead(p);
        }

        foreach (var p in retireNow) MoveTimersToP0(p);

        // New Ps may have work waiting for them.
        if (n > previous)
        {
            Interlocked.MemoryBarrier();
            for (int i = previous; i < n && GlobalQueue.Count > 0; i++) WakeP();
        }

        return previous;
    }

    /// <summary>
    /// Retires the P held by <paramref name="m"/> (SetMaxProcs went below its id): its goroutines go to the global
    /// queue, its timers to P0, and the M gives it up. Owner only. Also how an M leaving its loop at shutdown gives up
    /// its P (listed idle again unless it was retiring).
    /// </summary>
    private void RetireP(M m)
    {
        var p = m.P!;
        var orphans = new List<G>();
        p.RunQueue.Drain(orphans);
        lock (_lock)
        {
            foreach (var g in orphans) GlobalQueue.Push(g);
            ReleaseP(m);
            if (p.Retiring) MarkDead(p);
            else PIdlePut(p); // SetMaxProcs raised the count again meanwhile
        }

        MoveTimersToP0(p);
        // This M parks next without looking at the global queue again: goroutines there (its orphans, or one it just
        // queued, a yield or preemption at the end of its last step) need another M.
        Interlocked.MemoryBarrier();
        if (orphans.Count > 0 || GlobalQueue.Count > 0) WakeP();
    }

    /// <summary>Caller holds the lock.</summary>
    private void MarkDead(P p)
    {
        AssertLockHeld();
        p.Retiring = false;
        p.Status = PStatus.Dead;
        p.M = null;
    }

    private void MoveTimersToP0(P p)
    {
        if (p.Timers.Count == 0 || p == _allp[0]) return;
        long earliest = p.Timers.MoveAllTo(_allp[0].Timers);
        if (earliest != 0) WakeTimerSleeper(earliest);
    }

    /// <summary>Unlinks an idle P from the idle set. Caller holds the lock.</summary>
    private void RemoveIdleP(P target)
    {
        if (!_idlePs.Remove(target))
            throw new InvalidOperationException($"Scheduler.RemoveIdleP: {target} is not in the idle set");
    }
}
