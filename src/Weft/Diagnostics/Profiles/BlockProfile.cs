namespace Weft;

/// <summary>Time goroutines spent waiting under one wait reason in one method.</summary>
/// <param name="Reason">Go's wait reason: <c>chan receive</c>, <c>chan send</c>, <c>select</c>, <c>sync.Mutex.Lock</c>, <c>IO wait</c>, <c>sleep</c>, ...</param>
/// <param name="Site">The async method the goroutine waited in.</param>
/// <param name="Count">Waits.</param>
/// <param name="Waited">Their total duration.</param>
public sealed record BlockProfileRecord(string Reason, string Site, long Count, TimeSpan Waited);

/// <summary>The block profile (<see cref="Profiles.Block"/>), longest total wait first.</summary>
/// <param name="Records">Per reason and site.</param>
public sealed record BlockProfile(IReadOnlyList<BlockProfileRecord> Records)
{
    /// <summary>One line per reason and site: total wait, count, reason, site.</summary>
    public string ToText()
    {
        var sb = new System.Text.StringBuilder("block profile: time waiting, by reason and site\n");
        foreach (var r in Records)
            sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"{r.Waited.TotalMilliseconds,12:0.000} ms {r.Count,10} × [{r.Reason}] {r.Site}\n");
        return sb.ToString();
    }

    /// <summary>Writes the profile in pprof's protobuf format: samples <c>contentions/count</c> and <c>delay/nanoseconds</c>, as Go's block profile.</summary>
    public void WritePprof(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var samples = Records.Select(r => new Diagnostics.PprofWriter.Sample(
            [$"[{r.Reason}]", r.Site], [r.Count, (long)(r.Waited.Ticks * 100)], [("reason", r.Reason)]));
        Diagnostics.PprofWriter.Write(output, [("contentions", "count"), ("delay", "nanoseconds")], samples);
    }
}
