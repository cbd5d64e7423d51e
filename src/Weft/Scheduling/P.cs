using Weft.Timers;

namespace Weft.Scheduling;

/// <summary>
/// Ownership state of a P. The one rule every transition follows: <b>a P has exactly one owner at a time</b> — the
/// idle list, one M, a thread handing it over, or nobody (Dead) — and only its owner moves it on. Status Idle means
/// "in the idle list" and nothing else: it is set and cleared only under the scheduler lock, together with the list
/// (<c>PIdlePut</c>/<c>PIdleGet</c>). Whoever takes a P out of Syscall (the returning M, sysmon's retake, an immediate
/// hand-off at the start of a blocking call) does it with one CAS to Running and owns it from then on, so a P in
/// transit to an M or to the idle list is Running with no M, never an unlisted Idle. SetMaxProcs retires at once only
/// Ps in the idle list; any other P is marked <see cref="P.Retiring"/>, and its owner retires it at its next
/// scheduling point, or when it would put it in the idle list (docs/ARCHITECTURE.md, "P states").
/// </summary>
internal enum PStatus
{
    /// <summary>In the idle list (and only then): no M, empty run queue (timers allowed). Under the scheduler lock.</summary>
    Idle,

    /// <summary>Held by an M that runs goroutines or looks for them, or in transit between owners (no M yet).</summary>
    Running,

    /// <summary>Beyond MaxProcs: not used until SetMaxProcs brings it back.</summary>
    Dead,

    /// <summary>Its M is inside a declared blocking call (<see cref="Go.Blocking(Action)"/>); sysmon may retake it.</summary>
    Syscall,
}

/// <summary>
/// A processor slot (Go's <c>p</c>): the right to run goroutines. An M must hold a P to run Go code; MaxProcs Ps
/// exist, so MaxProcs bounds parallelism and nothing else.
/// </summary>
internal sealed class P : IIdleLinked<P>
{
    internal readonly int Id;

    /// <summary>Local run queue and runnext.</summary>
    internal readonly LocalRunQueue RunQueue = new();

    /// <summary>Timers created by goroutines running on this P.</summary>
    internal readonly TimerHeap Timers = new();

    private int _status = (int)PStatus.Idle;

    /// <summary>
    /// Written under the scheduler lock, or by CAS from Syscall to Running (a blocking call returning vs sysmon
    /// retaking: the CAS decides the new owner); read racily by thieves (to skip idle Ps), sysmon and diagnostics.
    /// </summary>
    internal PStatus Status
    {
        get => (PStatus)Volatile.Read(ref _status);
        set => Volatile.Write(ref _status, (int)value);
    }

    internal bool TryTransition(PStatus from, PStatus to) =>
        Interlocked.CompareExchange(ref _status, (int)to, (int)from) == (int)from;

    /// <summary>
    /// The M that owns this P, or null. Ownership is the right to push to and pop from the run queue as owner. An M
    /// running goroutine code checks it in every scheduler section (see <see cref="Scheduler.EnterOwnP"/>); sysmon
    /// takes it away from an M stuck in one step (<see cref="Sysmon"/>), passing through <see cref="Scheduling.M.Retaking"/>.
    /// </summary>
    internal M? M;

    /// <summary>Incremented at every declared blocking call. Owner only (read racily by sysmon).</summary>
    internal uint SyscallTick;

    /// <summary>Set by SetMaxProcs when this P is beyond the new count; its M retires it at the next schedule.</summary>
    internal volatile bool Retiring;

    /// <summary>Incremented at every schedule that does not inherit a time slice. Owner only (read racily by sysmon).</summary>
    internal uint SchedTick;

    /// <summary>Link in the scheduler's idle-P set (<see cref="IdleSet{T}"/>). Under the scheduler lock.</summary>
    P? IIdleLinked<P>.IdleLink { get; set; }

    /// <summary>Goroutine ids handed out from a batch reserved by this P: next and end (exclusive). Owner only.</summary>
    internal long GoIdNext, GoIdEnd;

    /// <summary>Channel operations and selects made on this P (the <c>Weft</c> meter sums them). Owner writes.</summary>
    internal Diagnostics.PCounters Counters;


    internal P(int id) => Id = id;

    public override string ToString() => $"P{Id} [{Status}]";
}
