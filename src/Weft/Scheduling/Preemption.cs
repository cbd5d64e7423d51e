namespace Weft.Scheduling;

/// <summary>
/// Cooperative preemption at await points. Sysmon marks a goroutine that has run past its time slice
/// (<see cref="Request"/>); every Weft await point asks <see cref="ShouldYield"/> and, even when the operation
/// completed at once, yields to the global run queue. The check costs one read of a static counter while no
/// goroutine is marked.
/// </summary>
internal static class Preemption
{
    /// <summary>Goroutines marked and not yet yielded, over every runtime.</summary>
    private static int s_pending;

    /// <summary>True while some goroutine somewhere is marked.</summary>
    public static bool AnyPending => Volatile.Read(ref s_pending) != 0;

    /// <summary>Marks <paramref name="g"/>; false if it already was.</summary>
    public static bool Request(G g)
    {
        if (Interlocked.CompareExchange(ref g.PreemptRequested, (byte)1, (byte)0) != 0) return false;
        Interlocked.Increment(ref s_pending);
        return true;
    }

    /// <summary>The goroutine is starting a new step: its mark is honoured.</summary>
    public static void Clear(G g)
    {
        if (Volatile.Read(ref g.PreemptRequested) != 0 && Interlocked.CompareExchange(ref g.PreemptRequested, (byte)0, (byte)1) == 1)
            Interlocked.Decrement(ref s_pending);
    }

    /// <summary>
    /// At an await point that could complete without suspending: should the current goroutine yield instead?
    /// Returns the goroutine to requeue.
    /// </summary>
    public static bool ShouldYield(out G? g)
    {
        if (Volatile.Read(ref s_pending) == 0)
        {
            g = null;
            return false;
        }

        g = G.Current;
        return g is not null && (Volatile.Read(ref g.PreemptRequested) != 0 || SimHooks.Preempts(g));
    }

    /// <summary>A simulation starts (+1) or ends (-1): while any runs, await points take the slow path above.</summary>
    internal static void HoldSlowPath(int delta) => Interlocked.Add(ref s_pending, delta);
}
