using Weft.Diagnostics;
using Weft.Scheduling;

namespace Weft.Lab.Commands;

/// <summary>One look at a runtime for <c>top</c>: its Ps, its Ms, its goroutines by state, and its event counters.</summary>
public sealed record TopSnapshot(
    string Runtime,
    IReadOnlyList<TopSnapshot.ProcRow> Procs,
    IReadOnlyList<TopSnapshot.ThreadRow> Threads,
    IReadOnlyList<(string State, int Count)> Goroutines,
    long Steals,
    long Handoffs,
    long Preemptions,
    long ChanOps,
    long At)
{
    /// <summary>One P: its status, the M holding it, the goroutine that M runs, and its run-queue length.</summary>
    public sealed record ProcRow(int Id, string Status, int? M, long? Goroutine, int RunQueue);

    /// <summary>One M and what it does: running a goroutine, in a blocking call, spinning, or idle.</summary>
    public sealed record ThreadRow(int Id, string Doing, int? P, long? Goroutine);

    /// <summary>Reads <paramref name="runtime"/> now (racy reads, as Go's schedtrace: a picture, not a transaction).</summary>
    internal static TopSnapshot Take(GoRuntime runtime)
    {
        var s = runtime.Scheduler;
        var procs = new List<ProcRow>();
        var allp = s.AllP;
        for (int i = 0; i < Math.Min(s.MaxProcs, allp.Length); i++)
        {
            var p = allp[i];
            var m = Volatile.Read(ref p.M);
            bool owned = m is not null && m != M.Retaking;
            procs.Add(new ProcRow(p.Id, p.Status.ToString().ToLowerInvariant(), owned ? m!.Id : null, owned ? m!.CurG?.Id : null, p.RunQueue.Count));
        }

        var threads = s.SnapshotMs()
            .OrderBy(m => m.Id)
            .Select(m =>
            {
                var g = m.CurG;
                string doing = m.InBlockingCall ? "blocking call" : g is not null ? "running" : m.Spinning ? "spinning" : m.P is not null ? "scheduling" : "idle";
                return new ThreadRow(m.Id, doing, m.P?.Id, g?.Id);
            })
            .ToList();

        var goroutines = Profiles.Goroutine(runtime).Records
            .GroupBy(r => r.State)
            .Select(g => (g.Key, g.Sum(r => r.Count)))
            .OrderByDescending(x => x.Item2)
            .ToList();

        var counts = CountsOf(runtime);
        return new TopSnapshot(runtime.Options.Name ?? "runtime", procs, threads, goroutines,
            counts.Steals, counts.Handoffs, counts.Preemptions, counts.ChanOps, System.Diagnostics.Stopwatch.GetTimestamp());
    }

    /// <summary>The runtime's own event counters (from zero at its start).</summary>
    internal static TopCounts CountsOf(GoRuntime runtime)
    {
        var s = runtime.Scheduler;
        var sysmon = s.SysmonOrNull;
        var ops = ChanMetrics.Sum(s);
        return new TopCounts(
            Volatile.Read(ref s.StealCount),
            Volatile.Read(ref s.ImmediateHandoffs) + (sysmon?.SyscallRetakes ?? 0),
            sysmon?.Preemptions ?? 0,
            ops.ChanSends + ops.ChanReceives + ops.Selects);
    }

    /// <summary>This snapshot with its counters replaced by <paramref name="totals"/> (counts over every run so far).</summary>
    public TopSnapshot WithCounts(TopCounts totals) =>
        this with { Steals = totals.Steals, Handoffs = totals.Handoffs, Preemptions = totals.Preemptions, ChanOps = totals.ChanOps };

    /// <summary>Events per second between <paramref name="earlier"/> and this snapshot.</summary>
    public (double Steals, double Handoffs, double Preemptions, double ChanOps) RatesSince(TopSnapshot? earlier)
    {
        if (earlier is null) return (0, 0, 0, 0);
        double seconds = (At - earlier.At) / (double)System.Diagnostics.Stopwatch.Frequency;
        if (seconds <= 0) return (0, 0, 0, 0);
        return (Math.Max(0, Steals - earlier.Steals) / seconds, Math.Max(0, Handoffs - earlier.Handoffs) / seconds,
            Math.Max(0, Preemptions - earlier.Preemptions) / seconds, Math.Max(0, ChanOps - earlier.ChanOps) / seconds);
    }
}
