using Weft.Timers;

namespace Weft.Scheduling;

/// <summary>Ownership state of a P.</summary>
internal enum PStatus
{
    /// <summary>In the idle list: no M, empty run queue (timers allowed).</summary>
    Idle,

    /// <summary>Held by an M that runs goroutines or looks for them.</summary>
    Running,

    /// <summary>Beyond MaxProcs: not used until SetMaxProcs brings it back.</summary>
    Dead,
}

/// <summary>
/// A processor slot (Go's <c>p</c>): the right to run goroutines. An M must hold a P to run Go code; MaxProcs Ps
/// exist, so MaxProcs bounds parallelism and nothing else.
/// </summary>
internal sealed class P
{
    internal readonly int Id;

    /// <summary>Local run queue and runnext.</summary>
    internal readonly LocalRunQueue RunQueue = new();

    /// <summary>Timers created by goroutines running on this P.</summary>
    internal readonly TimerHeap Timers = new();

    /// <summary>Written under the scheduler lock; read racily by thieves (to skip idle Ps) and diagnostics.</summary>
    internal volatile PStatus Status = PStatus.Idle;

    /// <summary>The M holding this P, or null. Written by that M / under the scheduler lock.</summary>
    internal M? M;

    /// <summary>Set by SetMaxProcs when this P is beyond the new count; its M retires it at the next schedule.</summary>
    internal volatile bool Retiring;

    /// <summary>Incremented at every schedule that does not inherit a time slice. Owner only (read racily by sysmon).</summary>
    internal uint SchedTick;

    /// <summary>Link in the scheduler's idle-P stack. Under the scheduler lock.</summary>
    internal P? IdleLink;

    /// <summary>Goroutine ids handed out from a batch reserved by this P: next and end (exclusive). Owner only.</summary>
    internal long GoIdNext, GoIdEnd;

    /// <summary>Goroutines started minus goroutines exited on this P. Owner writes; summed racily.</summary>
    internal long GoroutineDelta;

    internal P(int id) => Id = id;

    public override string ToString() => $"P{Id} [{Status}]";
}
