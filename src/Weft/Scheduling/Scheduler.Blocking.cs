namespace Weft.Scheduling;

internal sealed partial class Scheduler
{
    internal Sysmon? SysmonOrNull => _sysmon;

    internal int BlockingCount => Volatile.Read(ref _blockingMs);

    /// <summary>Starts sysmon with the first M. Caller holds the lock.</summary>
    private void EnsureSysmon()
    {
        AssertLockHeld();
        if (_sysmon is not null) return;
        _timeSliceNs = Clock.ToNanoseconds(Runtime.Options.TimeSlice);
        _sysmon = new Sysmon(this, Runtime.Options.TimeSlice);
    }

    // ---- handing Ps over ----------------------------------------------------------------------------------

    /// <summary>
    /// Go's <c>handoffp</c>: <paramref name="p"/> (owned by nobody) goes to a new M if it has work or if nobody is
    /// looking for work; otherwise to the idle list.
    /// </summary>
    internal void HandOffP(P p)
    {
        Tracing.Tracer.HandOff(this, p);
        if (!p.RunQueue.IsEmpty || GlobalQueue.Count > 0 || p.Timers.NextWhen != 0)
        {
            StartM(p, spinning: false, forTimers: true);
            return;
        }

        if (Volatile.Read(ref _spinning) + _idlePs.Count == 0 && Interlocked.CompareExchange(ref _spinning, 1, 0) == 0)
        {
            StartM(p, spinning: true);
            return;
        }

        bool start, retired = false;
        lock (_lock)
        {
            start = GlobalQueue.Count > 0 && !p.Retiring;
            if (!start)
            {
                // SetMaxProcs went below this P while it was in transit (it could not retire a P nobody held): do it now.
                if (p.Retiring) { MarkDead(p); retired = true; }
                else PIdlePut(p);
            }
        }

        if (retired) MoveTimersToP0(p);
        else if (start) StartM(p, spinning: false);
        else if (p.Timers.NextWhen is long when && when != 0) WakeTimerSleeper(when);
    }

    /// <summary>
    /// Sysmon: takes <paramref name="p"/> away from <paramref name="m"/>, which is stuck in one goroutine step, and
    /// hands it to another M. See <see cref="EnterOwnP"/> for the protocol. False when the M entered a scheduler
    /// section meanwhile (its P stays with it).
    /// </summary>
    internal bool TryRetakeFromM(P p, M m)
    {
        if (m.InUserCode == 0) return false;
        if (Interlocked.CompareExchange(ref p.M, M.Retaking, m) != m) return false;
        Interlocked.MemoryBarrierProcessWide();
        if (m.InUserCode == 0 || m.P != p)
        {
            Volatile.Write(ref p.M, m); // it is in the scheduler after all: give the P back
            return false;
        }

        Volatile.Write(ref p.M, null);
        StartM(p, spinning: false, forTimers: true);
        return true;
    }

    /// <summary>
    /// Whether giving <paramref name="p"/> to another M would let something else run: goroutines queued, or a timer
    /// due within a time slice. <paramref name="now"/> may be 0 (read the clock only if needed).
    /// </summary>
    internal bool HasWorkFor(P p, long now)
    {
        if (!p.RunQueue.IsEmpty || GlobalQueue.Count > 0) return true;
        long when = p.Timers.NextWhen;
        if (when == 0 && _idlePs.Count != 0) return false;
        if (now == 0) now = Clock.Now;
        if (when != 0 && when <= now + _timeSliceNs) return true;
        // A timer overdue on any P while no P is idle: the timer sleeper cannot get a P to run it.
        if (_idlePs.Count == 0)
        {
            long earliest = EarliestTimer();
            if (earliest != 0 && earliest <= now) return true;
        }

        return false;
    }

    /// <summary>
    /// Whether a timer is overdue by <paramref name="lateness"/> on <paramref name="p"/>, or on any P while no P is
    /// idle to run it.
    /// </summary>
    internal bool TimerOverdue(P p, long now, long lateness)
    {
        long when = p.Timers.NextWhen;
        if (when != 0 && when <= now - lateness) return true;
        if (_idlePs.Count != 0) return false;
        long earliest = EarliestTimer();
        return earliest != 0 && earliest <= now - lateness;
    }

    /// <summary>Every P idle, nothing queued, no blocking call: sysmon may sleep.</summary>
    internal bool LooksIdle() =>
        _idlePs.Count == _maxProcs && GlobalQueue.Count == 0 && Volatile.Read(ref _blockingMs) == 0;

    // ---- declared blocking calls (entersyscall / exitsyscall) -------------------------------------------------

    /// <summary>
    /// Go's <c>entersyscall</c>: the M releases its P into the Syscall state, where sysmon may retake it; returns the
    /// P to try to get back, or null when the M had none.
    /// </summary>
    internal P? EnterBlocking(M m, G g)
    {
        if (Sim is not null) return null; // a simulation runs the call in place: virtual time stands still meanwhile
        var p = EnterOwnP(m, out int section);
        if (p is null)
        {
            LeaveOwnP(m, section);
            return null;
        }

        g.Reason = WaitReason.BlockingCall;
        g.MarkWaitStart();
        m.InBlockingCall = true;
        Interlocked.Increment(ref _blockingMs);
        m.OldP = p;
        Tracing.Tracer.BlockingBegin(m, g); // while the P is still ours: its track ends the step first
        p.SyscallTick++;
        Volatile.Write(ref p.M, null);
        m.P = null;
        p.Status = PStatus.Syscall; // from here sysmon may retake it
        LeaveOwnP(m, section);

        // Work is already waiting for this P: hand it off now instead of after a sysmon round (Go's
        // entersyscallblock). Otherwise keep it, so a short call gets it straight back.
        if (HasWorkFor(p, 0) && p.TryTransition(PStatus.Syscall, PStatus.Running)) // ours, in transit (see PStatus)
        {
            Interlocked.Increment(ref ImmediateHandoffs);
            HandOffP(p);
        }
        return p;
    }

    /// <summary>
    /// Go's <c>exitsyscall</c>: take back the old P if sysmon left it (a CAS racing sysmon's), else any idle P, else
    /// queue the goroutine globally, locked to this M, and park until some M hands over a P for it.
    /// </summary>
    internal void ExitBlocking(M m, G g, P? oldP)
    {
        if (oldP is null) return;
        m.OldP = null;
        m.InBlockingCall = false;
        g.Reason = WaitReason.None;
        Interlocked.Decrement(ref _blockingMs);
        int section = m.InUserCode;
        m.InUserCode = 0;
        try
        {
            if (oldP.TryTransition(PStatus.Syscall, PStatus.Running))
            {
                Volatile.Write(ref oldP.M, m);
                m.P = oldP;
                return;
            }

            P? idle;
            lock (_lock) idle = PIdleGet();
            if (idle is not null)
            {
                AcquireP(m, idle);
                return;
            }

            // Slow path: wait as a runnable goroutine pinned to this M (its code continues on this thread).
            WaitForPLocked(m, g, temporary: true);
        }
        finally
        {
            m.InUserCode = section;
            Tracing.Tracer.BlockingEnd(m, g);
        }
    }

    // ---- locked goroutines (LockOSThread, and blocking calls waiting for a P) ------------------------------

    /// <summary>Locks the current goroutine to its M: the G runs only there, and the M runs only it.</summary>
    internal void LockOSThread(M m, G g)
    {
        var extras = g.Extras;
        extras.LockedM = m;
        extras.LockCount++;
        g.HasLockedM = true;
        m.LockedG = g;
    }

    /// <summary>Undoes one <see cref="LockOSThread"/>; false if the goroutine was not locked.</summary>
    internal bool UnlockOSThread(M m, G g)
    {
        var extras = g.ExtrasOrNull;
        if (extras is null || extras.LockCount == 0) return false;
        if (--extras.LockCount > 0) return true;
        extras.LockedM = null;
        g.HasLockedM = false;
        m.LockedG = null;
        return true;
    }

    /// <summary>
    /// The current goroutine <paramref name="g"/>, locked to <paramref name="m"/>, needs a P: queue it globally as
    /// runnable and park the M until the M that dequeues it hands over its P (<see cref="StartLockedM"/>). Returns
    /// with a P acquired and the G running.
    /// </summary>
    private void WaitForPLocked(M m, G g, bool temporary)
    {
        if (temporary)
        {
            g.Extras.LockedM = m;
            g.HasLockedM = true;
        }

        RequeueClaimed(g);
        ParkUntilHandedP(m, g);
        if (temporary)
        {
            g.Extras.LockedM = null;
            g.HasLockedM = g.Extras.LockCount > 0;
        }
    }

    /// <summary>
    /// Parks a P-less M, whose goroutine <paramref name="g"/> is queued as runnable, until an M hands it a P through
    /// <see cref="M.NextP"/>; then acquires it. On shutdown nobody will: the M takes its goroutine back (the same
    /// claim a dequeuer makes, so exactly one side wins) and returns without a P; the goroutine runs on to its next
    /// scheduling point, where the M exits. If a dequeuer won the claim, its P is on the way: keep waiting for it.
    /// </summary>
    private void ParkUntilHandedP(M m, G g)
    {
        Interlocked.Increment(ref _lockedIdleMs);
        try
        {
            while (true)
            {
                if (Volatile.Read(ref m.NextP) is { } next)
                {
                    m.NextP = null;
                    AcquireP(m, next);
                    return;
                }

                if (_shutdown && g.TryClaimToRun()) return;
                m.Parker.Park();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _lockedIdleMs);
        }
    }

    /// <summary>
    /// Go's <c>startlockedm</c>: the current M dequeued a goroutine locked to another M: give that M our P and the
    /// goroutine (already claimed, so Running), then stop.
    /// </summary>
    private void StartLockedM(M self, G g)
    {
        var target = g.Extras.LockedM!;
        var p = self.P!;
        ReleaseP(self);
        target.NextP = p;
        target.Parker.Unpark();
    }

    /// <summary>
    /// Go's <c>stoplockedm</c>: the locked goroutine of <paramref name="m"/> parked; the M gives its P away and parks
    /// until the goroutine is runnable again and some M hands over a P. Returns false on shutdown.
    /// </summary>
    private bool StopLockedM(M m)
    {
        if (m.P is { } p)
        {
            ReleaseP(m);
            HandOffP(p);
        }

        Interlocked.Increment(ref _lockedIdleMs);
        try
        {
            while (true)
            {
                m.Parker.Park();
                if (Volatile.Read(ref m.NextP) is { } next)
                {
                    m.NextP = null;
                    AcquireP(m, next);
                    return true;
                }

                if (_shutdown) return false;
            }
        }
        finally
        {
            Interlocked.Decrement(ref _lockedIdleMs);
        }
    }
}
