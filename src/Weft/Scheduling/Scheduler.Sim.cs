using Weft.Tasks;

namespace Weft.Scheduling;

/// <summary>The kinds of choice a simulation makes; each decision in a run's log is one of them.</summary>
internal enum SimChoice : byte
{
    /// <summary>Which runnable goroutine runs next.</summary>
    Next,

    /// <summary>At a Weft await point that could complete at once: 0 continues, anything else yields.</summary>
    Preempt,

    /// <summary>Which P runs the chosen goroutine (another P than the one it was readied on is a steal).</summary>
    Proc,

    /// <summary>A step of a select's random poll order.</summary>
    SelectOrder,

    /// <summary>The order of timers due at the same virtual instant.</summary>
    TimerTie,
}

/// <summary>
/// A simulation driving a runtime (implemented by Weft.Testing): one thread runs every P in turn, and every
/// scheduling choice comes from the simulation's seeded generator. docs/TESTING.md describes the design.
/// </summary>
internal interface ISimulation
{
    /// <summary>A goroutine became runnable: the simulation queues it (instead of a P's run queue). Any thread.</summary>
    void OnReady(G g);

    /// <summary>At an await point that could complete without suspending: should <paramref name="g"/> yield?</summary>
    bool ShouldPreempt(G g);

    /// <summary>A choice in [0, <paramref name="count"/>) for <paramref name="kind"/>. Driver thread only.</summary>
    int Choose(SimChoice kind, int count);

    /// <summary><paramref name="g"/> suspends on an awaitable Weft does not control (a Task, a ValueTask).</summary>
    void OnForeignAwait(G g, GoFrame frame);

    /// <summary>The virtual clock, in <see cref="Clock"/> nanoseconds.</summary>
    long Now { get; }
}

/// <summary>
/// Process-wide entry to the simulation hooks that have no scheduler at hand (the clock, select's poll order,
/// preemption at await points). Each costs real runtimes one static read while no simulation runs.
/// </summary>
internal static class SimHooks
{
    /// <summary>Simulations running in the process.</summary>
    private static int s_active;

    /// <summary>The simulation the current thread drives (its goroutines run on it), or null.</summary>
    [ThreadStatic] private static ISimulation? t_current;

    internal static bool AnyActive => Volatile.Read(ref s_active) != 0;

    /// <summary>The simulation driven by this thread, or null.</summary>
    internal static ISimulation? Current => Volatile.Read(ref s_active) != 0 ? t_current : null;

    /// <summary>The current thread starts driving <paramref name="sim"/>.</summary>
    internal static void Enter(ISimulation sim)
    {
        t_current = sim;
        Interlocked.Increment(ref s_active);
        Preemption.HoldSlowPath(+1); // every await point asks ShouldYield's slow path, which asks the simulation
    }

    /// <summary>The current thread stops driving its simulation.</summary>
    internal static void Exit()
    {
        Preemption.HoldSlowPath(-1);
        Interlocked.Decrement(ref s_active);
        t_current = null;
    }

    /// <summary>A random value in [0, n): from the simulation this thread drives, else from <paramref name="random"/>.</summary>
    internal static int NextBelow(ref FastRandom random, int n, SimChoice kind) =>
        Current is { } sim ? sim.Choose(kind, n) : random.NextBelow(n);

    /// <summary>At an await point: does the simulation driving <paramref name="g"/> preempt it here?</summary>
    internal static bool Preempts(G g) => g.Runtime.Scheduler.Sim is { } sim && sim.ShouldPreempt(g);

    /// <summary>The virtual time when this thread drives a simulation (see <see cref="Clock.Now"/>).</summary>
    internal static bool TryNow(out long now)
    {
        if (t_current is { } sim)
        {
            now = sim.Now;
            return true;
        }

        now = 0;
        return false;
    }
}
