using System.Diagnostics;

namespace Weft.Scheduling;

internal sealed partial class Scheduler
{
    /// <summary>Every 61st schedule a non-empty global queue is served first (Go's fairness rule).</summary>
    private const int GlobalQueueFairnessTick = 61;

    /// <summary>Passes over all Ps when stealing; timers and runnext only on the last (Go: 4).</summary>
    private const int StealPasses = 4;

    /// <summary>
    /// The scheduling loop of an M (Go's <c>schedule</c>): find a goroutine, claim it, run one step, repeat. An M
    /// that lost its P during a step (sysmon retook it) parks; an M locked to a goroutine runs only that goroutine.
    /// </summary>
    internal void RunM(M m)
    {
        if (m.NextP is { } first)
        {
            m.NextP = null;
            AcquireP(m, first);
        }
        else if (!StopM(m))
        {
            return;
        }

        while (true)
        {
            if (m.P is null)
            {
                // Lost the P (sysmon retook it while a step was stuck). A goroutine claimed by a join handoff was
                // meant to run here next: give it back to the queues rather than strand it with a parked M.
                RequeueHandoff(m);

                // This M will not look at the global queue again before it parks: someone else must.
                Interlocked.MemoryBarrier();
                if (GlobalQueue.Count > 0) WakeP();
                if (!StopM(m)) break;
            }

            G? g;
            bool inheritTime;
            if (m.HandoffG is { } handoff)
            {
                m.HandoffG = null;
                g = handoff;
                inheritTime = true;
            }
            else
            {
                g = FindRunnable(m, out inheritTime);
                if (g is null) break; // shutdown
                if (!g.TryClaimToRun()) continue; // a stale entry: claimed out of turn by a join handoff
            }

            if (m.Spinning) ResetSpinning(m);

            if (g.HasLockedM && g.ExtrasOrNull?.LockedM is { } target && target != m)
            {
                // Go's startlockedm: that goroutine runs only on its own M; give it our P.
                StartLockedM(m, g);
                continue;
            }

            Execute(m, g, inheritTime);

            // An M locked to its goroutine runs nothing else (Go's stoplockedm).
            while (m.LockedG is { } locked)
            {
                if (locked.Exited)
                {
                    // The goroutine ended without unlocking: as Go does, the thread ends with it. The goroutine may
                    // have changed its thread's state (thread statics, culture, native state); no other goroutine
                    // must ever run on it.
                    m.LockedG = null;
                    ExitLockedM(m);
                    return;
                }

                if (!StopLockedM(m)) return;
                Execute(m, locked, inheritTime: false);
            }
        }

        // Shutdown: leave the P as SetMaxProcs and the diagnostics expect a P with no M (listed idle, or dead).
        if (m.P is not null) RetireP(m);
    }

    /// <summary>The M is leaving its loop for good: hand its P on (Go's <c>handoffp</c> from a terminating M).</summary>
    private void ExitLockedM(M m)
    {
        RequeueHandoff(m);
        if (m.P is { } p)
        {
            ReleaseP(m);
            HandOffP(p);
        }
    }


    /// <summary>Runs one step of <paramref name="g"/>: until it parks, yields or exits (Go's <c>execute</c>).</summary>
    private void Execute(M m, G g, bool inheritTime)
    {
        var p = m.P!;
        if (!inheritTime) p.SchedTick++;
        m.CurG = g;
        m.StepCount++;
        m.InUserCode = 1;
        bool requeue = g.Execute(m);
        m.InUserCode = 0;
        m.CurG = null;

        // The M may hold a different P now (a blocking call inside the step gave its P up and got another one
        // back), or none: sysmon may have retaken it while the step was stuck.
        if (m.P is { } current && !OwnsP(m, current)) m.P = null;
        if (requeue)
        {
            // Gosched or preemption: to the back of the global queue, where every P will see it.
            lock (_lock) GlobalQueue.Push(g);
            if (m.P is null)
            {
                Interlocked.MemoryBarrier();
                WakeP();
            }
        }
    }

    /// <summary>
    /// The spinning M found work: stop spinning and, since there may be more, wake another one (Go's
    /// <c>resetspinning</c>).
    /// </summary>
    private void ResetSpinning(M m)
    {
        StopSpinning(m);
        WakeP();
    }

    /// <summary>
    /// Finds a runnable goroutine for <paramref name="m"/>, which holds a P; blocks (releasing the P) until one
    /// exists. Returns null on shutdown. Go's <c>findRunnable</c>; the order is: due timers, every 61st tick the
    /// global queue, the local queue, a global batch, stealing, then release the P and park.
    /// </summary>
    private G? FindRunnable(M m, out bool inheritTime)
    {
    top:
        inheritTime = false;
        if (_shutdown) return null;
        var p = m.P!;
        if (p.Retiring)
        {
            // A spinning M (woken by StartM, or back here through "goto top") must drop its spinning count before
            // it parks: StopM does not, and a count leaked by a parked M makes every later WakeP think someone is
            // already looking for work, so runnable goroutines wait forever. Drop it before RetireP, whose WakeP
            // must be able to wake an M for the orphaned goroutines.
            if (m.Spinning)
            {
                StopSpinning(m);
            }

            RetireP(m);

            // This M may have been the one to run the timers (it woke from the timer sleep, WokeForTimers, and took
            // this P just before SetMaxProcs retired it). It parks now without running them, so make sure some M
            // still sleeps until the earliest timer; otherwise pending sleeps on P0 are never fired.
            long earliest = EarliestTimer();
            if (earliest != 0) WakeTimerSleeper(earliest);

            if (!StopM(m)) return null;
            goto top;
        }

        // Read the clock only when some timer could be due: it costs more than the rest of a schedule.
        long now = 0;
        if (m.WokeForTimers)
        {
            m.WokeForTimers = false;
            now = Clock.Now;
            CoarseClock.Update(now);
            RunAllTimers(m, now);
        }
        else if (p.Timers.NextWhen != 0)
        {
            now = Clock.Now;
            CoarseClock.Update(now);
            RunTimers(m, p, now);
        }

        G? g;
        if (p.SchedTick % GlobalQueueFairnessTick == 0 && GlobalQueue.Count > 0)
        {
            lock (_lock) g = GlobalRunQueueGet(p, 1);
            if (g is not null) return g;
        }

        g = p.RunQueue.Pop(out inheritTime);
        if (g is not null) return g;

        if (GlobalQueue.Count > 0)
        {
            lock (_lock) g = GlobalRunQueueGet(p, 0);
            if (g is not null) return g;
        }

        // Netpoll hook (Scheduler.Netpoll.cs): goroutines whose I/O is ready, without blocking.
        g = NetpollNonBlocking(p);
        if (g is not null) return g;

        // Steal, unless enough Ms are already spinning: at most half of the busy Ps get a spinning M.
        int procs = _maxProcs;
        if (m.Spinning || 2 * Volatile.Read(ref _spinning) < procs - _idlePs.Count)
        {
            if (!m.Spinning)
            {
                StartSpinning(m);
            }

            if (now == 0)
            {
                now = Clock.Now;
                CoarseClock.Update(now);
            }

            g = StealWork(m, p, now, out inheritTime, out bool newWork);
            if (g is not null) return g;
            if (newWork) goto top;

            // Before parking, stay spinning a little while. Work submitted meanwhile needs no futex wake-up (WakeP
            // sees this M spinning), which is what a submitter that readies goroutines in a tight rhythm (a ping-pong
            // pair next door) would otherwise pay on almost every submission; and a burst that arrives a few
            // microseconds later finds an M already awake. The .NET ThreadPool spins before blocking for the same
            // reason. Costs at most SpinBeforeParkNs of CPU per idle transition.
            if (SpinForWork(m, p)) goto top;
        }

        // Nothing to do: give the P back.
        lock (_lock)
        {
            if (_shutdown) return null;
            if (p.Retiring)
            {
                goto top;
            }

            if (GlobalQueue.Count > 0)
            {
                g = GlobalRunQueueGet(p, 0);
                if (g is not null) return g;
            }

            if (!p.RunQueue.IsEmpty) goto top; // a timer fired into our queue meanwhile
            ReleaseP(m);
            PIdlePut(p);
        }

        bool wasSpinning = m.Spinning;
        if (wasSpinning)
        {
            // Drop the spinning count, then look again: a submitter that saw us spinning did not wake anyone.
            StopSpinning(m); // full fence before the re-checks below
            var idle = CheckRunQueuesNoP();
            if (idle is not null)
            {
                AcquireP(m, idle);
                StartSpinning(m);
                goto top;
            }
        }

        if (GlobalQueue.Count > 0 && TryAcquireIdleP(m, wasSpinning)) goto top;

        // Sleep until the next timer if no other M does (Go: block in netpoll until the next timer). With operations
        // waiting on I/O, the sleeper blocks in epoll_wait, with or without a timer (netpoll hook).
        if ((EarliestTimer() != 0 || NetpollHasWaiters) && Interlocked.CompareExchange(ref _timerSleeper, m, null) is null)
        {
            long until = EarliestTimer(); // re-read after claiming the role: a later add wakes us (see WakeTimerSleeper)
            if (until != 0 || NetpollHasWaiters)
            {
                Volatile.Write(ref _timerSleeperUntil, until == 0 ? long.MaxValue : until);
                if (!NetpollSleep(m, until)) SleepUntilTimer(m, until);
            }

            Volatile.Write(ref _timerSleeperUntil, 0);
            Volatile.Write(ref _timerSleeper, null);
            bool gotP = TryAcquireIdleP(m, wasSpinning);
            InjectPolled(m); // netpoll hook: what the poll readied goes to our P, or to the global queue
            if (gotP)
            {
                m.WokeForTimers = true;
                goto top;
            }

            // Every P is busy: their Ms run their own timers at their next schedule.
        }

        if (!StopM(m)) return null;
        goto top;
    }

    /// <summary>
    /// Kernel wake-ups from a timed sleep arrive late (80 µs median, 300 µs p90 on the 2-core VMs we measure on),
    /// which alone would hold a 1 ms sleep loop under 900 wake-ups per second. So the timer sleeper parks until
    /// shortly before the deadline and spins the rest, checking for an unpark. Costs at most this much CPU per timer.
    /// </summary>
    private const long TimerSpinMarginNs = 150_000;

    /// <summary>Parks the timer-sleeping M until <paramref name="until"/> or an unpark, whichever comes first.</summary>
    private void SleepUntilTimer(M m, long until)
    {
        long delay = until - Clock.Now;
        if (delay <= 0 || _shutdown) return;
        if (delay > TimerSpinMarginNs && m.Parker.Park(delay - TimerSpinMarginNs)) return;
        while (Clock.Now < until && !_shutdown)
        {
            if (m.Parker.Park(0)) return;
            Thread.SpinWait(30);
        }
    }

    /// <summary>Takes an idle P for <paramref name="m"/>; resumes spinning if the M was spinning.</summary>
    private bool TryAcquireIdleP(M m, bool spin)
    {
        P? p;
        lock (_lock) p = PIdleGet();
        if (p is null) return false;
        AcquireP(m, p);
        if (spin)
        {
            StartSpinning(m);
        }

        return true;
    }

    /// <summary>
    /// After the last spinning M gave up: is there a live P with work? If so, take an idle P to go get it
    /// (Go's <c>checkRunqsNoP</c>).
    /// </summary>
    private P? CheckRunQueuesNoP()
    {
        var allp = _allp;
        int n = Math.Min(_maxProcs, allp.Length);
        for (int i = 0; i < n; i++)
        {
            var victim = allp[i];
            if (victim.Status != PStatus.Idle && !victim.RunQueue.IsEmpty)
            {
                lock (_lock) return PIdleGet();
            }
        }

        return null;
    }

    /// <summary>
    /// Go's <c>stealWork</c>: up to <see cref="StealPasses"/> passes over the live Ps in random order, stealing half
    /// of a victim's queue; the last pass also fires other Ps' due timers and may take a victim's runnext.
    /// </summary>
    private G? StealWork(M m, P p, long now, out bool inheritTime, out bool newWork)
    {
        inheritTime = false;
        newWork = false;
        // Read the order before allp: SetMaxProcs publishes a grown allp before the order that visits the new Ps,
        // so an order read first never names a P missing from the allp read after it (the other way round, a
        // resize between the reads made allp[e.Position] throw and kill the M).
        var order = _stealOrder;
        var allp = _allp;
        for (int pass = 0; pass < StealPasses; pass++)
        {
            bool lastPass = pass == StealPasses - 1;
            for (var e = order.Start(m.Random.Next()); !e.Done; e.MoveNext())
            {
                if (_shutdown) return null;
                var victim = allp[e.Position];
                if (victim == p) continue;

                if (lastPass && victim.Timers.NextWhen is long w && w != 0 && w <= now)
                {
                    if (RunTimers(m, victim, now) > 0)
                    {
                        // The fired timers readied their goroutines into our own queue.
                        var ready = p.RunQueue.Pop(out inheritTime);
                        if (ready is not null) return ready;
                        newWork = true;
                    }
                }

                if (victim.Status is PStatus.Running or PStatus.Syscall)
                {
                    var stolen = victim.RunQueue.StealInto(p.RunQueue);
                    if (stolen is null && lastPass) stolen = TryStealRunNext(victim);
                    if (stolen is not null)
                    {
                        Interlocked.Increment(ref StealCount);
                        Tracing.Tracer.Steal(m, p, victim);
                        return stolen;
                    }
                }
            }
        }

        return null;
    }

    /// <summary>How long a spinning M keeps looking before it gives its P back and parks.</summary>
    private const long SpinBeforeParkNs = 30_000;

    /// <summary>
    /// Spins for up to <see cref="SpinBeforeParkNs"/> watching the cheap signs of new work (the global queue, a ring of
    /// another P, due timers). True when some appeared (the caller looks again from the top).
    /// </summary>
    private bool SpinForWork(M m, P p)
    {
        long until = Clock.Now + SpinBeforeParkNs;
        var allp = _allp;
        int n = Math.Min(_maxProcs, allp.Length);
        do
        {
            Thread.SpinWait(30);
            if (_shutdown || p.Retiring) return true;
            if (GlobalQueue.Count > 0 || !p.RunQueue.IsEmpty) return true;
            long now = Clock.Now;
            long timer = EarliestTimer();
            if (timer != 0 && timer <= now) return true;
            for (int i = 0; i < n; i++)
            {
                var victim = allp[i];
                if (victim != p && victim.RunQueue.RingCount > 0) return true;
            }

            if (now >= until) return false;
        }
        while (true);
    }

    /// <summary>How long a thief watches a running victim before taking its runnext (Go: usleep(3)).</summary>
    private const long RunNextPauseNs = 3_000;

    /// <summary>
    /// A victim's runnext is the goroutine its running goroutine just readied: the victim runs it as soon as the
    /// current one parks, so taking it would tear apart a ping-pong pair. Take it only when the victim's M stays in
    /// the same step through a short pause (Go takes it after the pause regardless; we also watch for progress).
    /// </summary>
    private static G? TryStealRunNext(P victim)
    {
        var next = victim.RunQueue.PeekRunNext();
        if (next is null) return null;
        var m = Volatile.Read(ref victim.M);
        if (m is not null && m != M.Retaking)
        {
            long step = Volatile.Read(ref m.StepCount);
            long until = Clock.Now + RunNextPauseNs;
            while (Clock.Now < until)
            {
                Thread.SpinWait(20);
                if (Volatile.Read(ref m.StepCount) != step) return null; // the victim is switching goroutines: leave it
            }
        }

        return victim.RunQueue.TryStealRunNext(next) ? next : null;
    }

    /// <summary>Fires every live P's due timers (the M woke up for a timer on some P).</summary>
    private void RunAllTimers(M m, long now)
    {
        var allp = _allp;
        int n = Math.Min(_maxProcs, allp.Length);
        for (int i = 0; i < n; i++) RunTimers(m, allp[i], now);
    }

    /// <summary>
    /// Go's <c>globrunqget</c>: takes a fair share of the global queue (at most <paramref name="max"/> when
    /// positive, at most half a local ring): the first to run, the rest onto <paramref name="p"/>'s queue.
    /// Caller holds the lock.
    /// </summary>
    private G? GlobalRunQueueGet(P p, int max)
    {
        AssertLockHeld();
        int size = GlobalQueue.Count;
        if (size == 0) return null;
        int n = Math.Min(size, size / _maxProcs + 1);
        if (max > 0 && n > max) n = max;
        if (n > LocalRunQueue.Capacity / 2) n = LocalRunQueue.Capacity / 2;
        GlobalRunQueueGets++;
        var g = GlobalQueue.Pop();
        for (int i = 1; i < n; i++) p.RunQueue.Push(GlobalQueue.Pop()!, next: false, this);
        return g;
    }
}
