namespace Weft.Scheduling;

/// <summary>
/// The system monitor of one runtime (Go's <c>sysmon</c>): a thread without a P that wakes every 20 µs, backing
/// off to 10 ms when there is nothing to do, and sleeping when every P is idle. Each round it:
/// <list type="number">
/// <item>retakes the P of an M that has been inside a declared blocking call for a round while work waits, and
///   hands it to another M (Go's syscall retake);</item>
/// <item>marks for preemption a goroutine that has run longer than the time slice (the mark is checked at every
///   Weft await point, which then yields to the global queue);</item>
/// <item>retakes the P of an M stuck in one goroutine step that cannot be preempted: blocked in the kernel
///   (an undeclared blocking call, seen in <c>/proc</c>) or still running after being marked (a hog). The M keeps
///   running that step without a P; at its next await point it gives up and the goroutine continues under a
///   normal P;</item>
/// <item>refreshes the coarse clock, and runs the deadlock check when the runtime looks idle.</item>
/// </list>
/// </summary>
internal sealed class Sysmon
{
    private const long MinDelayNs = 20_000;
    private const long MaxDelayNs = 10_000_000;

    /// <summary>Idle rounds (nothing retaken or marked) before the delay starts doubling (Go: 50).</summary>
    private const int IdleRoundsBeforeBackoff = 50;

    /// <summary>A step shorter than this is never inspected for blocking.</summary>
    private const long BlockCheckStartNs = 50_000;

    /// <summary>
    /// A thread counts as blocked only when seen asleep in the kernel at two inspections at least this far apart.
    /// Short futex sleeps that are not blocking calls (waiting out the JIT compiling a method another thread called
    /// first, a contended lock whose holder the kernel descheduled, a GC suspension) otherwise had their Ps handed
    /// to new threads, which then met the same wait: the HTTP server under wrk on the loaded 2-core machine grew to
    /// 60-150 threads in its first seconds (20-30 with this rule). Go never hands off a P for its own runtime's
    /// short waits either, only for system calls.
    /// </summary>
    private const long BlockConfirmNs = 1_000_000;

    /// <summary>
    /// A timer this late, held up by a step that has run at least as long without an await, gets its P handed to
    /// another M even before the step's time slice ends: timers are latency-sensitive, and the stuck step keeps
    /// running on its own thread (it loses the P, not the CPU).
    /// </summary>
    private const long TimerLatenessLimitNs = 2_000_000;

    /// <summary>An all-idle sleep shorter than this resumes the back-off instead of restarting the fast tick.</summary>
    private const long ShortIdleNs = MaxDelayNs;

    /// <summary>A marked step whose thread ran less than this fraction (1/n) of the time since is starved, not a hog.</summary>
    private const int HogCpuShareDivisor = 8;

    /// <summary>
    /// After this many slices since marking, a starved step loses its P anyway: with more hogs than cores the hogs'
    /// own threads fall under the CPU share, and the goroutines queued behind them must not wait for them forever.
    /// </summary>
    private const int StarvedSlices = 5;

    /// <summary>When backed off, how soon to look again at a goroutine marked for preemption that has not yielded.</summary>
    private const long MarkedRecheckNs = 1_000_000;

    private readonly Scheduler _scheduler;
    private readonly long _timeSliceNs;
    private readonly Parker _parker = new();
    private readonly Thread _thread;
    private PState[] _states = [];
    private readonly ThreadStatCache _threadStats = new();

    /// <summary>GC pause total at the last round: a pause makes every running step look long.</summary>
    private TimeSpan _lastGcPause;
    private volatile bool _sleeping;
    private volatile bool _stopped;

    /// <summary>What sysmon remembers of each P between rounds (Go's <c>sysmontick</c>).</summary>
    private sealed class PState
    {
        public uint SchedTick;
        public long SchedWhen;
        public uint SyscallTick;
        public long SyscallWhen;
        public M? StepM;
        public long StepCount = -1;
        public long StepWhen;
        public long NextBlockCheck;
        /// <summary>When the current step's thread was first seen asleep (0: not seen, or seen running since).</summary>
        public long AsleepSince;
        public G? Marked;
        /// <summary>When <see cref="Marked"/> was set, and its thread's CPU time then (-1: unknown).</summary>
        public long MarkedWhen, MarkedRunNs = -1;
    }

    // Counters for diagnostics and metrics (racy increments: sysmon is the only writer).
    internal long SyscallRetakes;
    internal long BlockedRetakes;
    internal long HogRetakes;
    internal long Preemptions;

    internal Sysmon(Scheduler scheduler, TimeSpan timeSlice)
    {
        _scheduler = scheduler;
        _timeSliceNs = Clock.ToNanoseconds(timeSlice);
        _thread = new Thread(Run) { IsBackground = true, Name = $"{scheduler.Runtime.Options.Name}-sysmon" };
        _thread.UnsafeStart();
    }

    /// <summary>Wakes sysmon if it sleeps because every P was idle (an M just took a P).</summary>
    internal void WakeIfSleeping()
    {
        if (_sleeping)
        {
            _sleeping = false;
            _parker.Unpark();
        }
    }

    /// <summary>Wakes sysmon for a round now (the last M went idle: time for the deadlock check).</summary>
    internal void Poke()
    {
        _sleeping = false;
        _parker.Unpark();
    }

    internal void Stop()
    {
        _stopped = true;
        _parker.Unpark();
    }

    private void Run()
    {
        Parker.UsePreciseTimers();
        long delay = MinDelayNs;
        int idleRounds = 0;
        bool skipPark = false;
        while (!_stopped && !_scheduler.IsShutdown)
        {
            if (skipPark)
            {
                skipPark = false; // the round right after a short idle spell: the back-off stands as it was
            }
            else
            {
                if (idleRounds == 0) delay = MinDelayNs;
                else if (idleRounds > IdleRoundsBeforeBackoff) delay = Math.Min(delay * 2, MaxDelayNs);
                _parker.Park(delay > MinDelayNs ? UntilNextDeadline(delay) : delay);
            }

            if (_stopped || _scheduler.IsShutdown) break;

            long now = Clock.Now;
            CoarseClock.Update(now);
            _scheduler.SysmonNetpoll(now); // netpoll hook: poll if nobody has for 10 ms

            if (_scheduler.LooksIdle())
            {
                // Every P idle and no blocking call: nothing to retake until an M takes a P (AcquireP wakes us).
                if (_scheduler.DeadlockCandidate() is { } candidate)
                {
                    // The whole grace, even if the parker holds an earlier wake-up (a Poke, an M taking a P): those
                    // show as progress, which ConfirmDeadlock compares.
                    long graceEnd = Clock.Now + Clock.ToNanoseconds(Scheduler.DeadlockGrace);
                    for (long left; (left = graceEnd - Clock.Now) > 0 && !_stopped && !_scheduler.IsShutdown;) _parker.Park(left);
                    if (_stopped || _scheduler.IsShutdown) break;
                    _scheduler.ConfirmDeadlock(candidate.Progress);
                    continue;
                }

                _sleeping = true;
                // While a Run may deadlock, look again now and then: the condition can also begin without any M of
                // this runtime acting, when the last busy runtime of the process falls asleep.
                var runtime = _scheduler.Runtime;
                long sleep = runtime.Options.DetectDeadlocks && runtime.HasActiveRuns ? Clock.ToNanoseconds(Scheduler.DeadlockGrace) : -1;
                long asleepSince = Clock.Now;
                if (_scheduler.LooksIdle()) _parker.Park(sleep);
                _sleeping = false;
                if (Clock.Now - asleepSince < ShortIdleNs)
                {
                    // A short idle spell (a server between bursts goes idle and busy again a hundred times a second):
                    // look at once — the M that woke us starts its step now, and this round records when — then go
                    // on with the back-off the spell interrupted. Restarting the fast tick after every spell made
                    // sysmon's wake-ups (each a futex wait and a context switch) ~4% of an HTTP server's CPU at
                    // 4,096 connections. UntilNextDeadline still wakes us for the step's slice end.
                    skipPark = true;
                    continue;
                }

                // Back from a real idle period: back to the fast tick, through the doubling rather than a whole fast
                // phase (50 rounds of 20 us). A retake still restarts the full phase.
                idleRounds = IdleRoundsBeforeBackoff;
                delay = MinDelayNs;
                continue;
            }

            idleRounds = Retake(now) > 0 ? 0 : idleRounds + 1;
        }

        _threadStats.Dispose();
    }

    /// <summary>
    /// How long to sleep when backed off: <paramref name="delay"/>, unless a deadline comes sooner — a running P's time
    /// slice ending, a goroutine marked for preemption that has not yielded yet (its retake is due a round later), or,
    /// while some step has already run long, a timer falling <see cref="TimerLatenessLimitNs"/> late. Backed off to
    /// 10 ms, sysmon would otherwise notice each of these up to a whole delay late (a hog's neighbours waited up to
    /// ~30 ms: slice, then a delay to mark, then a delay to retake); waking at the deadlines instead of ticking fast
    /// keeps them on time for the price of one wake-up per deadline.
    /// </summary>
    private long UntilNextDeadline(long delay)
    {
        long now = Clock.Now;
        long next = long.MaxValue;
        bool longStep = false;
        var allp = _scheduler.AllP;
        var states = _states;
        int procs = Math.Min(Math.Min(_scheduler.MaxProcs, allp.Length), states.Length);
        for (int i = 0; i < procs; i++)
        {
            var p = allp[i];
            var s = states[i];
            if (p.Status != PStatus.Running || s.StepM is null) continue;
            Consider(ref next, s.SchedWhen + _timeSliceNs, now);
            if (s.AsleepSince != 0) Consider(ref next, s.NextBlockCheck, now); // seen asleep once: confirm on time
            // Marking restarts the slice (SchedWhen): the retake check is due once, a little after it.
            if (s.Marked is not null && s.SchedTick == Volatile.Read(ref p.SchedTick)) Consider(ref next, s.SchedWhen + MarkedRecheckNs, now);
            // A step is long only if it is the one sysmon last saw (same M, same step count), not a stale sighting.
            if (now - s.StepWhen >= TimerLatenessLimitNs / 2 && Volatile.Read(ref p.M) is { } m && m == s.StepM &&
                Volatile.Read(ref m.StepCount) == s.StepCount)
            {
                longStep = true;
            }
        }

        if (longStep && _scheduler.EarliestTimer() is var timer && timer != 0) Consider(ref next, timer + TimerLatenessLimitNs, now);
        return next == long.MaxValue ? delay : Math.Clamp(next - now, MinDelayNs, delay);
    }

    /// <summary>
    /// Only deadlines still ahead count: one that passed without action (the step was not in user code, nobody else
    /// needed the P) must not turn the back-off into a fast tick.
    /// </summary>
    private static void Consider(ref long next, long deadline, long now)
    {
        if (deadline > now && deadline < next) next = deadline;
    }

    /// <summary>
    /// A marked step is a hog only if its thread has been on a CPU for a fair part of the time since it was marked
    /// (the kernel's schedstat). A step that ran past its slice because the thread was waiting for a CPU — an
    /// overloaded machine: a load generator on the same two cores, other processes — is not hogging anything; handing
    /// its P to a new thread only adds one more thread competing for the same cores (the HTTP server at 4,096
    /// connections retook ~30 Ps a second that way, each a thread and a 1 ms burst of fast sysmon ticks). A real hog
    /// gets its share of the CPU even on a loaded machine, and is retaken; a starved step is retaken too once it has
    /// overrun by <see cref="StarvedSlices"/> slices. Without schedstat, wall time decides.
    /// </summary>
    private bool RanSinceMarked(PState s, M m, long now)
    {
        if (s.MarkedRunNs < 0) return true;
        long elapsed = now - s.MarkedWhen;
        if (elapsed < MarkedRecheckNs) return false; // too soon to judge: UntilNextDeadline brings sysmon back
        if (elapsed >= StarvedSlices * _timeSliceNs) return true; // starved that long: a new thread is the lesser evil
        if (_threadStats.RunNanoseconds(m.ThreadId) is not { } ranNs) return true;
        return (ranNs - s.MarkedRunNs) * HogCpuShareDivisor >= elapsed;
    }

    /// <summary>One pass over the Ps (Go's <c>retake</c>). Returns how many Ps needed attention.</summary>
    private int Retake(long now)
    {
        var allp = _scheduler.AllP;
        if (_states.Length < allp.Length)
        {
            var grown = new PState[allp.Length];
            Array.Copy(_states, grown, _states.Length);
            for (int i = _states.Length; i < grown.Length; i++) grown[i] = new PState();
            _states = grown;
        }

        // A stop-the-world GC froze every goroutine step for its duration: do not count that time against them
        // (it would look like hogs and blocked threads everywhere). Discount the pause, but keep the observation:
        // restarting it instead would let a goroutine that allocates enough to cause a GC every sysmon round run
        // forever without being preempted or retaken.
        var gcPause = GC.GetTotalPauseDuration();
        long paused = gcPause == _lastGcPause ? 0 : Clock.ToNanoseconds(gcPause - _lastGcPause);
        _lastGcPause = gcPause;

        int n = 0;
        int procs = Math.Min(_scheduler.MaxProcs, allp.Length);
        for (int i = 0; i < procs; i++)
        {
            var p = allp[i];
            var s = _states[i];
            if (paused > 0)
            {
                s.SchedWhen = Discount(s.SchedWhen, paused, now);
                s.StepWhen = Discount(s.StepWhen, paused, now);
                s.SyscallWhen = Discount(s.SyscallWhen, paused, now);
                s.AsleepSince = 0; // it may have been asleep waiting for the GC: confirm afresh
            }

            switch (p.Status)
            {
                case PStatus.Syscall:
                    if (RetakeSyscall(p, s, now)) n++;
                    break;
                case PStatus.Running:
                    n += WatchRunning(p, s, now);
                    break;
            }
        }

        return n;
    }

    /// <summary>
    /// Moves an observation's start <paramref name="since"/> later by the GC pause, so the pause does not count as
    /// running time; never past <paramref name="now"/> (an observation younger than the pause lost less).
    /// </summary>
    internal static long Discount(long since, long paused, long now) => Math.Min(since + paused, Math.Max(since, now));

    /// <summary>A P whose M is in a declared blocking call: hand it off after one round if anyone could use it.</summary>
    private bool RetakeSyscall(P p, PState s, long now)
    {
        uint tick = Volatile.Read(ref p.SyscallTick);
        if (s.SyscallTick != tick)
        {
            s.SyscallTick = tick;
            s.SyscallWhen = now;
            return false;
        }

        // Go: leave it if there is nothing to run, someone is already looking for work, and it is still short.
        if (p.RunQueue.IsEmpty && _scheduler.GlobalQueue.Count == 0 && p.Timers.NextWhen == 0 &&
            _scheduler.SpinningCount + _scheduler.IdlePCount > 0 && now - s.SyscallWhen < _timeSliceNs)
        {
            return false;
        }

        if (!p.TryTransition(PStatus.Syscall, PStatus.Running)) return false; // the call returned meanwhile; else ours, in transit
        SyscallRetakes++;
        _scheduler.HandOffP(p);
        return true;
    }

    /// <summary>A running P: mark long time slices for preemption; retake from Ms stuck in one step.</summary>
    private int WatchRunning(P p, PState s, long now)
    {
        var m = Volatile.Read(ref p.M);
        if (m is null || m == M.Retaking) return 0;
        int attention = 0;

        // Time slice (Go's forcePreemptNS): schedtick unchanged means the same slice, runnext chains included.
        uint tick = Volatile.Read(ref p.SchedTick);
        if (s.SchedTick != tick)
        {
            s.SchedTick = tick;
            s.SchedWhen = now;
        }
        else if (now - s.SchedWhen >= _timeSliceNs && m.CurG is { } running && m.InUserCode != 0)
        {
            if (Preemption.Request(running))
            {
                // Routine (every long slice gets one): not a reason to tick fast. Go resets its back-off here; we do
                // not, because a 20 us tick costs a context switch on a small machine and slices are 10 ms long.
                Preemptions++;
                Tracing.Tracer.Preempt(_scheduler, p, running);
                s.Marked = running;
                s.SchedWhen = now; // the next slice starts now
                s.MarkedWhen = now;
                s.MarkedRunNs = _threadStats.RunNanoseconds(m.ThreadId) ?? -1;
            }
        }

        // One step (the unit that cannot be interrupted): same M, step count unchanged.
        long step = Volatile.Read(ref m.StepCount);
        if (s.StepM != m || s.StepCount != step)
        {
            s.StepM = m;
            s.StepCount = step;
            s.StepWhen = now;
            s.NextBlockCheck = now + BlockCheckStartNs;
            s.AsleepSince = 0;
            return attention;
        }

        if (m.InUserCode == 0 || !_scheduler.HasWorkFor(p, now)) return attention;

        long stepTime = now - s.StepWhen;
        bool blocked = false;
        if (now >= s.NextBlockCheck)
        {
            if (!_threadStats.IsBlocked(m.ThreadId))
            {
                s.AsleepSince = 0;
                s.NextBlockCheck = now + Math.Max(BlockCheckStartNs, stepTime); // back off while it keeps running
            }
            else if (s.AsleepSince == 0)
            {
                s.AsleepSince = now; // asleep once: confirm before retaking
                s.NextBlockCheck = now + BlockConfirmNs;
            }
            else
            {
                blocked = now - s.AsleepSince >= BlockConfirmNs;
                s.NextBlockCheck = now + BlockConfirmNs;
            }
        }

        bool hog = stepTime >= _timeSliceNs && s.Marked is { } marked && marked == m.CurG && RanSinceMarked(s, m, now);
        bool timerLate = stepTime >= TimerLatenessLimitNs && _scheduler.TimerOverdue(p, now, TimerLatenessLimitNs);
        if (!blocked && !hog && !timerLate) return attention;

        var g = m.CurG;
        if (!_scheduler.TryRetakeFromM(p, m)) return attention;
        if (blocked) BlockedRetakes++;
        else HogRetakes++;
        _scheduler.Runtime.OnStuckStep(g, blocked, stepTime);
        s.StepM = null;
        return attention + 1;
    }
}
