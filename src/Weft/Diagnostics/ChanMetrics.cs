using System.Runtime.CompilerServices;
using Weft.Scheduling;

namespace Weft.Diagnostics;

/// <summary>
/// Channel operation and select counts for the <c>Weft</c> meter, without a shared counter on the hot path: each
/// operation adds to the counts of the P its thread holds (a plain increment: only the P's owner writes them), and a
/// reader sums the Ps. Operations from outside the runtime's threads go to a process-wide Interlocked counter.
/// </summary>
/// <remarks>
/// Racy by design, as Go's own scheduler statistics are: an increment may be lost in the rare moment sysmon hands a
/// P to another M while the old owner finishes an operation, and a reader may see a count one behind.
/// </remarks>
internal static class ChanMetrics
{
    private static long s_outsideSends, s_outsideReceives, s_outsideSelects;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Send()
    {
        if (M.Current is { P: { } p }) p.Counters.ChanSends++;
        else Interlocked.Increment(ref s_outsideSends);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Receive()
    {
        if (M.Current is { P: { } p }) p.Counters.ChanReceives++;
        else Interlocked.Increment(ref s_outsideReceives);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Select()
    {
        if (M.Current is { P: { } p }) p.Counters.Selects++;
        else Interlocked.Increment(ref s_outsideSelects);
    }

    /// <summary>The sums over the Ps of <paramref name="scheduler"/>.</summary>
    internal static PCounters Sum(Scheduler scheduler)
    {
        var sum = default(PCounters);
        foreach (var p in scheduler.AllP)
        {
            sum.ChanSends += Volatile.Read(ref p.Counters.ChanSends);
            sum.ChanReceives += Volatile.Read(ref p.Counters.ChanReceives);
            sum.Selects += Volatile.Read(ref p.Counters.Selects);
        }

        return sum;
    }

    /// <summary>Operations made outside every runtime's threads (process-wide).</summary>
    internal static PCounters Outside => new()
    {
        ChanSends = Volatile.Read(ref s_outsideSends),
        ChanReceives = Volatile.Read(ref s_outsideReceives),
        Selects = Volatile.Read(ref s_outsideSelects),
    };
}

/// <summary>Per-P operation counts (owner-written, summed on read by <see cref="ChanMetrics"/>).</summary>
internal struct PCounters
{
    public long ChanSends;
    public long ChanReceives;
    public long Selects;
}
