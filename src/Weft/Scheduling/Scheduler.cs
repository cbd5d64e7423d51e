using System.Runtime.CompilerServices;
using System.Diagnostics;
using Weft.Netpoll;
using Weft.Timers;

namespace Weft.Scheduling;

/// <summary>
/// The G/M/P scheduler of one runtime (Go's <c>sched</c> and the functions around it): idle P and M lists, the
/// spinning count, the global run queue, and the wake-up rules. The run loop is in
/// <c>Scheduler.FindRunnable.cs</c>, resizing in <c>Scheduler.Procs.cs</c>. docs/ARCHITECTURE.md ("Spinning and
/// parking") explains the protocol these fields implement.
/// </summary>
/// <remarks>
/// <para><b>Spinning and parking, in short.</b> A submitter publishes work (a full fence), then calls
/// <see cref="WakeP"/>, which wakes an M only if no M is spinning and a P is idle. A spinning M that finds work
/// stops spinning and calls <see cref="WakeP"/> itself, so work fans out one M at a time. A spinning M that finds
/// nothing releases its P, decrements the spinning count (a full fence), and re-checks every run queue before it
/// parks. Either the submitter sees the spinner, or the spinner sees the work: no wake-up is lost, and at most one
/// M is woken per submission.</para>
/// </remarks>
internal sealed partial class Scheduler : IRunQueueOverflow
{
    // Every field of the scheduler is declared here, grouped by who may touch it. "Lock" is _lock (Go's sched.lock);
    // "racy" means read without it, as a hint that a later locked step re-checks.

    internal readonly GoRuntime Runtime;

    /// <summary>The scheduler lock (Go's <c>sched.lock</c>): idle sets, global queue, M registry, resizing.</summary>
    private readonly object _lock = new();

    // ---- Ps and the global queue -------------------------------------------------------------------------

    /// <summary>Runnable goroutines not on any P. Mutated under the lock (asserted); <c>Count</c> read racily.</summary>
    internal readonly GlobalRunQueue GlobalQueue;

    /// <summary>Every P ever created (index = id). Replaced (never shrunk) under the lock; read racily.</summary>
    private volatile P[] _allp;

    /// <summary>Current MaxProcs: Ps 0..n-1 are live. Written under the lock; read racily.</summary>
    private volatile int _maxProcs;

    /// <summary>Random visiting order over the live Ps, replaced on resize. Read racily (a stale order only visits a retired P, which has nothing).</summary>
    private volatile RandomOrder _stealOrder;

    /// <summary>Idle Ps (Go's <c>pidle</c>/<c>npidle</c>): a P is Idle exactly while it is in this set (docs/ARCHITECTURE.md "P states").</summary>
    private readonly IdleSet<P> _idlePs;

    /// <summary>Pushes to the global queue (goroutines readied from outside the runtime's threads land there). Under the lock; read racily by the deadlock check.</summary>
    private long _globalPushes;

    // ---- Ms ------------------------------------------------------------------------------------------------

    /// <summary>Ms parked in <c>StopM</c> waiting for a P (Go's <c>midle</c>/<c>nmidle</c>).</summary>
    private readonly IdleSet<M> _idleMs;

    /// <summary>Number of spinning Ms (Go's <c>nmspinning</c>). Interlocked; moved only by StartSpinning/StopSpinning (and the handoff that spins an M on its behalf).</summary>
    private int _spinning;

    /// <summary>Every M created (diagnostics, shutdown). Under the lock.</summary>
    private readonly List<M> _allMs = new();

    /// <summary>The next M's id. Under the lock.</summary>
    private int _nextMId;

    /// <summary>OS threads of this runtime that have not exited. Under the lock; read racily.</summary>
    private int _liveThreads;

    /// <summary>Ms parked while their locked goroutine waits (Go's <c>nmidlelocked</c>). Interlocked.</summary>
    private int _lockedIdleMs;

    /// <summary>Ms inside a declared blocking call. Interlocked.</summary>
    private int _blockingMs;

    /// <summary>The M parked until the next timer (Go's netpoll sleeper), or null. Under the lock; read racily.</summary>
    private M? _timerSleeper;

    /// <summary>The deadline the timer sleeper is parked until; 0 while it is still deciding. Under the lock.</summary>
    private long _timerSleeperUntil;

    // ---- the runtime's other machinery ----------------------------------------------------------------------

    /// <summary>The monitor thread, started with the first M (under the lock); never replaced.</summary>
    private Sysmon? _sysmon;

    /// <summary>The scheduling quantum sysmon preempts after, in clock ticks; set once with sysmon.</summary>
    private long _timeSliceNs = Clock.ToNanoseconds(TimeSpan.FromMilliseconds(10));

    /// <summary>The epoll instance, created with the first socket. Never reset while the runtime runs.</summary>
    private Netpoller? _netpoller;

    /// <summary>
    /// The simulation driving this runtime (Weft.Testing; Scheduler.Sim.cs), or null (every real runtime). Set once,
    /// before the first goroutine; the hooks at the scheduler's decision points read it (Ready, WakeP, joins, blocking calls).
    /// </summary>
    internal ISimulation? Sim;

    /// <summary>Set once at shutdown (under the lock); every loop checks it.</summary>
    private volatile bool _shutdown;

    /// <summary>Completed when the last M's thread has left its loop.</summary>
    private readonly TaskCompletionSource _allThreadsExited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // ---- goroutines ------------------------------------------------------------------------------------------

    /// <summary>Goroutine ids for goroutines started from outside the runtime, and id batches for Ps. Interlocked.</summary>
    private long _goIdGenerator;

    /// <summary>Every live goroutine. Its own lock-free protocol (GoroutineRegistry).</summary>
    internal readonly GoroutineRegistry Registry = new();

    /// <summary>
    /// Goroutines of this runtime parked in a wait that a cancellation token can end (a channel operation or select
    /// with a cancellable token). A token can be canceled from anywhere — a timer of the ThreadPool, another thread —
    /// so such a goroutine is not deadlocked, whatever the rest of the runtime does. Interlocked.
    /// </summary>
    private int _cancellableWaits;

    // ---- counters (racy increments are fine: diagnostics only) --------------------------------------------------

    internal long StealCount;
    internal long GlobalRunQueueGets;

    /// <summary>Ps handed off at once on entering a blocking call because work was waiting (for the metrics).</summary>
    internal long ImmediateHandoffs;

    internal Scheduler(GoRuntime runtime, int maxProcs)
    {
        Runtime = runtime;
        GlobalQueue = new GlobalRunQueue(_lock);
        _idlePs = new IdleSet<P>(_lock);
        _idleMs = new IdleSet<M>(_lock);
        _allp = new P[maxProcs];
        lock (_lock)
        {
            for (int i = 0; i < maxProcs; i++)
            {
                _allp[i] = new P(i);
                PIdlePut(_allp[i]);
            }
        }

        _maxProcs = maxProcs;
        _stealOrder = new RandomOrder(maxProcs);
    }

    internal int MaxProcs => _maxProcs;

    internal bool IsShutdown => _shutdown;

    internal int IdlePCount => _idlePs.Count;

    internal int SpinningCount => Volatile.Read(ref _spinning);

    internal int ThreadCount => Volatile.Read(ref _liveThreads);

    internal int IdleMCount => _idleMs.Count;

    internal P[] AllP => _allp;

    // ---- submitting work ----------------------------------------------------------------------------

    /// <summary>
    /// A goroutine became runnable (its status is already Runnable): put it in the current P's runnext when the
    /// caller is an M of this runtime holding a P (Go's <c>ready</c>), else in the global queue; then wake a P.
    /// </summary>
    internal void Ready(G g)
    {
        if (Sim is { } sim) { sim.OnReady(g); return; } // Weft.Testing queues it and picks who runs
        var m = M.Current;
        if (m is not null && m.Scheduler == this && EnterOwnP(m, out int section) is { } p)
        {
            p.RunQueue.Push(g, next: true, this); // runnext is an Interlocked.Exchange: the fence WakeP needs
            LeaveOwnP(m, section);
        }
        else
        {
            lock (_lock)
            {
                GlobalQueue.Push(g);
                _globalPushes++; // progress seen by the deadlock check
            }

            Interlocked.MemoryBarrier(); // publish before reading the spinning count (see the remarks)
        }

        WakeP();
    }

    /// <summary>Creates and queues a goroutine (Go's <c>newproc</c>). Any thread.</summary>
    internal G NewGoroutine(object body)
    {
        if (_shutdown) throw new ObjectDisposedException(nameof(GoRuntime), "Cannot start a goroutine on a disposed GoRuntime.");
        var m = M.Current;
        if (m is not null && m.Scheduler != this) m = null;
        int section = 0;
        var p = m is null ? null : EnterOwnP(m, out section);
        long id;
        if (p is not null)
        {
            if (p.GoIdNext == p.GoIdEnd)
            {
                const int batch = 16;
                p.GoIdEnd = Interlocked.Add(ref _goIdGenerator, batch) + 1;
                p.GoIdNext = p.GoIdEnd - batch;
            }

            id = p.GoIdNext++;
        }
        else
        {
            id = Interlocked.Increment(ref _goIdGenerator);
        }

        var g = new G(Runtime, id, body);
        if (((body as G.ContextualStart)?.Body ?? body) is ISpawnedBody spawned) spawned.Goroutine = g;
        if (Runtime.Options.TrackCreationSites) Runtime.RecordCreation(g);
        Registry.Add(g, p);
        if (m is not null) LeaveOwnP(m, section);
        Tracing.Tracer.GoCreate(g);
        Ready(g);
        return g;
    }

    /// <summary>Counts a goroutine out. Runs on the goroutine's strand.</summary>
    internal void OnGoroutineExit(G g) => Registry.Remove(g);

    /// <summary>Goroutines started and not yet exited (exact when quiescent).</summary>
    internal long LiveGoroutines => Registry.Count;

    /// <summary>
    /// Join handoff: the current goroutine is about to park until <paramref name="joinee"/> finishes. If the joinee
    /// is runnable (typically just spawned and still queued), claim it and run it next on this M, with the
    /// joiner's time slice — the way a channel rendezvous readies its partner into runnext. Fork-join code then
    /// runs depth-first, as the work it waits for, instead of breadth-first through the FIFO queues.
    /// </summary>
    internal void HandOffTo(G joinee)
    {
        var m = M.Current;
        if (Sim is not null) return; // a simulation leaves the joinee queued: who runs next is its choice
        if (m is null || m.Scheduler != this || m.HandoffG is not null || joinee.Runtime != Runtime) return;
        // A locked M runs only its goroutine; a locked joinee runs only on its own M.
        if (m.LockedG is not null || joinee.HasLockedM) return; // runs only on its own M: leave it to the queue that leads there
        if (EnterOwnP(m, out int section) is not { } p) return;
        if (ClaimUnlocked(joinee))
        {
            m.HandoffG = joinee;
            p.RunQueue.Forget(joinee, maxScan: 32);
        }

        LeaveOwnP(m, section);
    }

    /// <summary>
    /// Claims a runnable goroutine to run it out of turn on the current M (a join), unless it is locked to an M: a
    /// LockOSThread goroutine, or one still on its own thread's stack, returning from a blocking call and waiting for
    /// a P (<see cref="WaitForPLocked"/>). Such a goroutine may run only on its own M. The lock flag is checked before
    /// the claim, and again after it in case the goroutine ran, locked itself and became runnable in between; then
    /// the claim is handed back with a fresh queue entry (run-queue entries are claim tickets: an entry whose claim
    /// fails is skipped, so a re-queued G needs a new one).
    /// </summary>
    private bool ClaimUnlocked(G joinee)
    {
        if (joinee.HasLockedM || !joinee.TryClaimToRun()) return false;
        if (!joinee.HasLockedM) return true;
        RequeueClaimed(joinee);
        return false;
    }

    /// <summary>
    /// A goroutine claimed by this thread (Running) that it will not run after all goes back to the global queue as
    /// runnable, with a fresh entry (run-queue entries are claim tickets), and a P is woken to look there.
    /// </summary>
    private void RequeueClaimed(G g)
    {
        g.SetRunnableForQueue();
        lock (_lock) GlobalQueue.Push(g);
        Interlocked.MemoryBarrier(); // publish before WakeP reads the spinning count
        WakeP();
    }

    /// <summary>A goroutine claimed by a join hand-off for <paramref name="m"/> to run next, which it will not now run, is re-queued.</summary>
    private void RequeueHandoff(M m)
    {
        if (m.HandoffG is not { } orphan) return;
        m.HandoffG = null;
        RequeueClaimed(orphan);
    }

    /// <summary>Deepest nesting of inline joins on one M (each level is a few stack frames).</summary>
    private const int MaxInlineJoinDepth = 16;

    /// <summary>
    /// Inline join: the current goroutine awaits <paramref name="joinee"/>, which has not run yet. Claim it and run
    /// its first step right here, nested on this M (like .NET's Task.Wait inlining an unstarted task), so a joinee
    /// that finishes without blocking costs the joiner no park and no wake-up. The joinee is a goroutine of its own
    /// throughout: its own id, strand and context. Returns false when it cannot be run inline.
    /// </summary>
    internal bool TryRunInline(G joinee)
    {
        var m = M.Current;
        if (Sim is not null) return false; // as in HandOffTo
        if (m is null || m.Scheduler != this || m.InlineDepth >= MaxInlineJoinDepth) return false;
        if (m.LockedG is not null) return false; // a locked M runs only its own goroutine (ClaimUnlocked: the joinee's side)
        if (joinee.Runtime != Runtime || joinee.Status != GStatus.Runnable) return false;
        if (!System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack()) return false;
        if (EnterOwnP(m, out int section) is not { } own) return false;
        bool claimed = ClaimUnlocked(joinee);
        if (claimed) own.RunQueue.Forget(joinee, maxScan: LocalRunQueue.Capacity);
        LeaveOwnP(m, section);
        if (!claimed) return false;
        var joiner = m.CurG;
        var context = ExecutionContext.Capture();
        // A joiner with a Task-based body runs under its own SynchronizationContext: the joinee must not see it.
        var joinerSync = joiner?.ExtrasOrNull?.SynchronizationContext;
        if (joinerSync is not null) SynchronizationContext.SetSynchronizationContext(null);
        m.InlineDepth++;
        m.CurG = joinee;
        try
        {
            if (joinee.Execute(m))
            {
                // It yielded: to the global queue, and make sure someone will look there (this M may lose its P
                // before its own next schedule).
                lock (_lock) GlobalQueue.Push(joinee);
                Interlocked.MemoryBarrier();
                WakeP();
            }
        }
        finally
        {
            m.CurG = joiner;
            m.InlineDepth--;
            if (joinerSync is not null) SynchronizationContext.SetSynchronizationContext(joinerSync);
            if (!ReferenceEquals(ExecutionContext.Capture(), context) && context is not null) ExecutionContext.Restore(context);
        }

        return true;
    }

    /// <summary>Local-queue overflow lands here. Called by the P's owner.</summary>
    void IRunQueueOverflow.PushBatch(G[] batch, int count)
    {
        lock (_lock) GlobalQueue.PushBatch(batch, count);
    }

    /// <summary>
    /// Go's <c>wakep</c>: if a P is idle and no M is spinning, start one spinning M. Callers have published their
    /// work with a full fence before calling.
    /// </summary>
    internal void WakeP()
    {
        if (Sim is not null) return; // a simulation has no threads to wake: its driver runs every P
        if (_idlePs.Count == 0) return;
        if (Volatile.Read(ref _spinning) != 0 || Interlocked.CompareExchange(ref _spinning, 1, 0) != 0) return;
        StartM(null, spinning: true);
    }

    /// <summary>
    /// Go's <c>startm</c>: runs <paramref name="p"/> (or any idle P) on an idle M, or on a new one. With
    /// <paramref name="spinning"/> the caller has already counted the M as spinning; if there is no idle P the
    /// count is given back.
    /// </summary>
    /// <remarks>With <paramref name="forTimers"/> the M first fires every P's due timers (it is taking over a P from an M that was stuck).</remarks>
    internal void StartM(P? p, bool spinning, bool forTimers = false)
    {
        M? m;
        bool newThread = false;
        lock (_lock)
        {
            if (_shutdown)
            {
                if (spinning) DecrementSpinning();
                return;
            }

            if (p is null)
            {
                p = PIdleGet();
                if (p is null)
                {
                    if (spinning) DecrementSpinning();
                    return;
                }
            }

            m = MIdleGet();
            if (m is null)
            {
                m = NewM();
                newThread = true;
            }

            m.Spinning = spinning;
            m.WokeForTimers |= forTimers;
            m.NextP = p;
        }

        if (newThread) StartThread(m);
        else m.Parker.Unpark();
    }

    /// <summary>Creates an M. Caller holds the lock.</summary>
    private M NewM()
    {
        AssertLockHeld();
        int cap = Runtime.Options.MaxThreads;
        if (_liveThreads >= cap)
            Runtime.Fatal($"fatal error: thread exhaustion: the runtime needs more than {cap} threads (GoOptions.MaxThreads = {cap})");
        var m = new M(this, _nextMId++);
        // The thread object exists as soon as the M is listed (diagnostics and shutdown read it); it starts after
        // the lock is released.
        m.Thread = new Thread(m.ThreadMain) { IsBackground = true, Name = $"{Runtime.Options.Name}-m{m.Id}" };
        _allMs.Add(m);
        _liveThreads++;
        EnsureSysmon();
        return m;
    }

    private static void StartThread(M m) => m.Thread!.UnsafeStart();

    /// <summary>Go's <c>stopm</c>: parks the M (which holds no P) until a waker hands it a P. False on shutdown.</summary>
    private bool StopM(M m)
    {
        Debug.Assert(m.P is null, "Scheduler.StopM: M still holds a P");
        bool lastOneIdle;
        lock (_lock)
        {
            if (_shutdown) return false;
            _idleMs.Push(m);
            int sleeper = Volatile.Read(ref _timerSleeper) is null ? 0 : 1;
            lastOneIdle = _idleMs.Count + Volatile.Read(ref _lockedIdleMs) + sleeper >= _liveThreads;
        }

        // The last M went idle: nothing may ever run again. Let sysmon look (Go calls checkdead from stopm) — unless
        // a goroutine waits on I/O, which rules a deadlock out (a server between bursts would wake sysmon each time).
        if (lastOneIdle && !NetpollHasWaiters) _sysmon?.Poke();

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

    private void DecrementSpinning()
    {
        if (Interlocked.Decrement(ref _spinning) < 0)
            throw new InvalidOperationException("Scheduler: negative spinning count");
    }

    /// <summary>
    /// <paramref name="m"/> starts looking for work (counted in <see cref="_spinning"/>, which <see cref="WakeP"/> reads:
    /// while an M spins, submitters wake nobody).
    /// </summary>
    private void StartSpinning(M m)
    {
        Debug.Assert(!m.Spinning, "Scheduler.StartSpinning: M already spinning");
        m.Spinning = true;
        Interlocked.Increment(ref _spinning);
    }

    /// <summary>
    /// <paramref name="m"/> stops looking for work, found or not. The decrement is a full fence: an M that found nothing
    /// re-checks every queue after it (see the class remarks), so work submitted while it was counted is not lost.
    /// </summary>
    private void StopSpinning(M m)
    {
        Debug.Assert(m.Spinning, "Scheduler.StopSpinning: M not spinning");
        m.Spinning = false;
        DecrementSpinning();
    }

    // ---- the idle sets (caller holds the lock; IdleSet asserts it) ---------------------------------------

    /// <summary>Go's <c>pidleput</c>: <paramref name="p"/> becomes Idle, which means listed (one owner: the set).</summary>
    private void PIdlePut(P p)
    {
        Debug.Assert(p.RunQueue.IsEmpty, "Scheduler.PIdlePut: P with a non-empty run queue");
        p.Status = PStatus.Idle;
        p.M = null;
        _idlePs.Push(p);
    }

    /// <summary>Go's <c>pidleget</c>: takes an idle P, which leaves the set as Running (its taker now owns it).</summary>
    private P? PIdleGet()
    {
        var p = _idlePs.Pop();
        if (p is not null) p.Status = PStatus.Running;
        return p;
    }

    /// <summary>Go's <c>mget</c>: takes a parked M to hand a P to.</summary>
    private M? MIdleGet() => _idleMs.Pop();

    /// <summary>Asserts (DEBUG) what a "Caller holds the lock" comment promises.</summary>
    [Conditional("DEBUG")]
    private void AssertLockHeld() => Debug.Assert(Monitor.IsEntered(_lock), "Scheduler: the caller must hold the scheduler lock");

    private void AcquireP(M m, P p)
    {
        Debug.Assert(m.P is null, "Scheduler.AcquireP: M already holds a P");
        p.Status = PStatus.Running;
        Volatile.Write(ref p.M, m);
        m.P = p;
        Tracing.Tracer.ProcStart(m, p);
        _sysmon?.WakeIfSleeping();
    }

    private static void ReleaseP(M m)
    {
        var p = m.P!;
        Tracing.Tracer.ProcStop(m, p); // before the P can change hands
        Volatile.Write(ref p.M, null);
        m.P = null;
    }

    // ---- P ownership while goroutine code runs ------------------------------------------------------------

    /// <summary>
    /// Enters a scheduler section that uses the current M's own P (its run queue as owner). Returns the P, or null
    /// when sysmon has taken it away (the caller then uses the global paths). Pair with <see cref="LeaveOwnP"/>.
    /// </summary>
    /// <remarks>
    /// Ownership protocol (an asymmetric Dekker): the M stores <see cref="M.InUserCode"/> = 0, then reads
    /// <see cref="P.M"/>; sysmon stores <see cref="P.M"/> = <see cref="M.Retaking"/>, runs a process-wide memory
    /// barrier, then reads <see cref="M.InUserCode"/>. Either sysmon sees the M inside a section (and gives the P
    /// back), or the M sees the P is being retaken (and waits for the outcome). The hot side pays two plain stores
    /// and a load; the barrier is paid only by sysmon, and only when it retakes.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static P? EnterOwnP(M m, out int section)
    {
        section = m.InUserCode;
        if (section != 0) m.InUserCode = 0;
        var p = m.P;
        if (p is not null && OwnsP(m, p)) return p;
        if (section != 0) m.InUserCode = section;
        return null;
    }

    /// <summary>Leaves a section entered by <see cref="EnterOwnP"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void LeaveOwnP(M m, int section)
    {
        if (section != 0) m.InUserCode = section;
    }

    /// <summary>
    /// Whether <paramref name="m"/> still owns <paramref name="p"/>; waits out a retake in progress. Call only with
    /// <see cref="M.InUserCode"/> = 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool OwnsP(M m, P p)
    {
        var owner = Volatile.Read(ref p.M);
        if (owner == m) return true;
        if (owner != M.Retaking) return false;
        var spin = new SpinWait();
        while ((owner = Volatile.Read(ref p.M)) == M.Retaking) spin.SpinOnce(sleep1Threshold: -1);
        return owner == m;
    }

    // ---- timers -------------------------------------------------------------------------------------

    /// <summary>
    /// Adds a timer to the heap of the P the current M owns, or to P0's (never retired) when the caller owns none: a
    /// plain thread, or an M whose P sysmon retook during a stuck step. The M's <see cref="M.P"/> field alone is not
    /// proof of ownership (it goes stale at a retake), and a timer added to a P that SetMaxProcs has retired since
    /// would never fire. Owning the P for the duration of the add means its retirement, which moves its timers to
    /// P0, comes after. Then makes sure some M will fire it (Go's <c>addtimer</c> + <c>wakeNetPoller</c>).
    /// </summary>
    internal void AddTimer(RuntimeTimer timer, long when)
    {
        var m = M.Current;
        bool first;
        if (m is not null && m.Scheduler == this && EnterOwnP(m, out int section) is { } own)
        {
            first = own.Timers.Add(timer, when);
            LeaveOwnP(m, section);
        }
        else
        {
            first = _allp[0].Timers.Add(timer, when);
        }

        if (first) WakeTimerSleeper(when);
    }

    /// <summary>Removes a timer from whatever heap holds it. Returns true if it was pending.</summary>
    internal static bool RemoveTimer(RuntimeTimer timer)
    {
        while (timer.Heap is { } heap)
        {
            if (heap.Remove(timer)) return true;
        }

        return false;
    }

    /// <summary>
    /// A timer due at <paramref name="when"/> became some P's earliest: wake the M sleeping until the next timer
    /// if it would sleep past it; if no M sleeps on timers, make sure one runs (Go's <c>wakeNetPoller</c>).
    /// </summary>
    private void WakeTimerSleeper(long when)
    {
        Interlocked.MemoryBarrier(); // the heap update must be visible before we look at the sleeper
        var sleeper = Volatile.Read(ref _timerSleeper);
        if (sleeper is not null)
        {
            long until = Volatile.Read(ref _timerSleeperUntil);
            if (until == 0 || until > when)
            {
                sleeper.Parker.Unpark();
                NetpollBreak(); // netpoll hook: the sleeper may be in epoll_wait
            }

            return;
        }

        WakeP();
    }

    /// <summary>The earliest timer over the live Ps, or 0.</summary>
    internal long EarliestTimer()
    {
        long earliest = 0;
        var allp = _allp;
        int n = Math.Min(_maxProcs, allp.Length);
        for (int i = 0; i < n; i++)
        {
            long w = allp[i].Timers.NextWhen;
            if (w != 0 && (earliest == 0 || w < earliest)) earliest = w;
        }

        return earliest;
    }

    /// <summary>Fires the due timers of <paramref name="p"/> on the current M. Returns how many fired.</summary>
    private static int RunTimers(M m, P p, long now)
    {
        var due = m.DueTimers;
        int n = p.Timers.TakeDue(now, due);
        if (n == 0) return 0;
        Tracing.Tracer.TimersFired(m, p, n);
        try
        {
            foreach (var t in due) t.Fire(now);
        }
        finally
        {
            due.Clear();
        }

        return n;
    }

    // ---- shutdown -----------------------------------------------------------------------------------

    /// <summary>Stops every M at its next scheduling point and wakes the parked ones.</summary>
    internal Task ShutdownAsync()
    {
        List<M> all;
        lock (_lock)
        {
            _shutdown = true;
            all = new List<M>(_allMs);
            if (_liveThreads == 0)
            {
                DisposeNetpoller(); // netpoll hook
                _allThreadsExited.TrySetResult();
            }
        }

        foreach (var m in all) m.Parker.Unpark();
        NetpollBreak(); // netpoll hook: an M blocked in epoll_wait
        _sysmon?.Stop();
        return _allThreadsExited.Task;
    }

    internal void OnMExit(M m)
    {
        lock (_lock)
        {
            _allMs.Remove(m);
            _liveThreads--;
            if (_shutdown && _liveThreads == 0)
            {
                DisposeNetpoller(); // netpoll hook: no M polls any more
                _allThreadsExited.TrySetResult();
            }
        }

        // The parker is not disposed here: a late Unpark from another thread may still reach it; its finalizer
        // frees the word once the M is unreachable.
    }

    /// <summary>Snapshot of the Ms for diagnostics.</summary>
    internal M[] SnapshotMs()
    {
        lock (_lock) return _allMs.ToArray();
    }
}
