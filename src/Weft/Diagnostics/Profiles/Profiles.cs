using Weft.Diagnostics;
using Weft.Scheduling;

namespace Weft;

/// <summary>
/// Go's runtime profiles for Weft: the goroutine profile (every goroutine grouped by where it was created, what it
/// waits on and the frames it is suspended in, with counts: <c>pprof.Lookup("goroutine")</c> at debug=1) and the
/// block profile (time goroutines spent waiting, by wait reason and site, while enabled). Both print as text and
/// write pprof's protobuf format, which <c>go tool pprof</c> reads.
/// </summary>
public static class Profiles
{
    /// <summary>A snapshot of the goroutines of <paramref name="runtime"/> (the current or default runtime when null).</summary>
    /// <remarks>Creation sites appear only when the runtime runs with <see cref="GoOptions.TrackCreationSites"/>.</remarks>
    public static GoroutineProfile Goroutine(GoRuntime? runtime = null)
    {
        runtime ??= GoRuntime.CurrentOrDefault;
        var groups = new Dictionary<string, (string State, string? Site, IReadOnlyList<string> Frames, int Count)>();
        int total = 0;
        foreach (var g in runtime.Scheduler.Registry.Snapshot())
        {
            if (g.Exited) continue;
            total++;
            var state = GoroutineDump.StateOf(g);
            var site = g.ExtrasOrNull?.CreationSite;
            var frames = GoroutineDump.FramesOf(g);
            var key = $"{state}\n{site}\n{string.Join('\n', frames)}";
            groups[key] = groups.TryGetValue(key, out var existing) ? existing with { Count = existing.Count + 1 } : (state, site, frames, 1);
        }

        var records = groups.Values
            .Select(v => new GoroutineProfileRecord(v.Count, v.State, v.Site, v.Frames))
            .OrderByDescending(r => r.Count).ThenBy(r => r.State, StringComparer.Ordinal).ThenBy(r => r.CreationSite, StringComparer.Ordinal)
            .ToList();
        return new GoroutineProfile(total, records);
    }

    /// <summary>
    /// Starts or stops recording the block profile (Go's <c>runtime.SetBlockProfileRate(1)</c>): while on, every
    /// park records how long the goroutine waited (until it ran again), under its wait reason and the method it waited
    /// in. Costs the scheduler's trace hooks (on while it records) and a dictionary update per park.
    /// </summary>
    public static bool BlockProfileEnabled
    {
        get => BlockProfiler.Enabled;
        set => BlockProfiler.SetEnabled(value);
    }

    /// <summary>What the block profile has recorded since it was enabled (or last reset).</summary>
    public static BlockProfile Block() => BlockProfiler.Snapshot();

    /// <summary>Forgets what the block profile has recorded.</summary>
    public static void ResetBlockProfile() => BlockProfiler.Reset();
}

/// <summary>One group of goroutines in a <see cref="GoroutineProfile"/>.</summary>
/// <param name="Count">Goroutines in the group.</param>
/// <param name="State">Go's state text: a wait reason (<c>chan receive</c>, <c>select</c>, ...), <c>runnable</c>, <c>running</c>.</param>
/// <param name="CreationSite">Where they were started (with <see cref="GoOptions.TrackCreationSites"/>), or null.</param>
/// <param name="Frames">The async frames they are suspended in, innermost first.</param>
public sealed record GoroutineProfileRecord(int Count, string State, string? CreationSite, IReadOnlyList<string> Frames);

/// <summary>The goroutine profile: every live goroutine, grouped.</summary>
/// <param name="Total">Live goroutines.</param>
/// <param name="Records">The groups, largest first.</param>
public sealed record GoroutineProfile(int Total, IReadOnlyList<GoroutineProfileRecord> Records)
{
    /// <summary>Go's debug=1 text: <c>goroutine profile: total N</c>, then per group its count, state, frames and creator.</summary>
    public string ToText()
    {
        var sb = new System.Text.StringBuilder();
        sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"goroutine profile: total {Total}\n");
        foreach (var r in Records)
        {
            sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"{r.Count} @ [{r.State}]\n");
            foreach (var f in r.Frames) sb.Append("#\t").Append(f).Append('\n');
            if (r.CreationSite is not null) sb.Append("#\tcreated by ").Append(r.CreationSite).Append('\n');
            sb.Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>
    /// Writes the profile in pprof's protobuf format (uncompressed; <c>go tool pprof</c> reads it): one sample per
    /// group with the goroutine count, its frames as the stack (the wait reason as the innermost frame, the creation
    /// site as the outermost) and labels <c>state</c> and <c>created_by</c>.
    /// </summary>
    public void WritePprof(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var samples = Records.Select(r => new PprofWriter.Sample(
            Stack(r.State, r.Frames, r.CreationSite), [r.Count],
            r.CreationSite is null ? [("state", r.State)] : [("state", r.State), ("created_by", r.CreationSite)]));
        PprofWriter.Write(output, [("goroutine", "count")], samples);
    }

    internal static List<string> Stack(string state, IReadOnlyList<string> frames, string? site)
    {
        var stack = new List<string> { $"[{state}]" };
        stack.AddRange(frames);
        if (site is not null) stack.Add($"created by {site}");
        return stack;
    }
}
