using Weft.Lab.Http;
using Weft.Lab.Measurement;

namespace Weft.Lab.Workloads;

/// <summary>
/// <c>http</c>: TechEmpower's plaintext test. Each model's server (<see cref="HelloServer"/>, or Go's net/http) runs
/// in its own process and is driven by <c>wrk</c> (2 threads, keep-alive, <c>--latency</c>) with N connections
/// (<c>--size</c>, default 256): a warm-up, then a measured run of <see cref="Duration"/>. Figures: <c>req_per_s</c>,
/// <c>p50_ms</c>, <c>p99_ms</c>, <c>peak_mb</c> (the server's peak resident memory) and <c>threads</c> (its peak OS
/// threads). wrk shares the machine's cores with the server.
/// </summary>
public sealed class HttpWorkload : Workload
{
    /// <inheritdoc />
    public override string Name => "http";

    /// <inheritdoc />
    public override string Description => "HTTP plaintext under wrk: N keep-alive connections, a server per model in its own process";

    /// <inheritdoc />
    public override IReadOnlyList<FigureSpec> Figures { get; } =
    [
        new("req_per_s", "req/s", false, "requests per second"),
        new("p50_ms", "ms", true, "p50 latency"),
        new("p99_ms", "ms", true, "p99 latency"),
        new("peak_mb", "MB", true, "server peak RSS"),
        new("threads", "threads", true, "server OS threads"),
    ];

    /// <inheritdoc />
    public override IReadOnlyList<string> Models { get; } = [Lab.Workloads.Models.Weft, Lab.Workloads.Models.Kestrel, Lab.Workloads.Models.Tasks, "go"];

    /// <summary>Models that <c>bench http</c> runs without <c>--models</c>: all of them.</summary>
    public override IReadOnlyList<string> ExtraDefaultModels => [Lab.Workloads.Models.Kestrel, "go"];

    /// <inheritdoc />
    public override int Repeats => 1;

    /// <inheritdoc />
    public override long DefaultSize => 256;

    /// <inheritdoc />
    public override long QuickSize => 64;

    /// <inheritdoc />
    public override string SizeUnit => "connections";

    /// <inheritdoc />
    public override long WarmupSize(long size) => 0; // the warm-up is part of each run (same server process)

    /// <summary>The measured wrk run (TechEmpower: 10 s... 15 s; the issue's bars: 10 s).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The warm-up wrk run against the same server process.</summary>
    public TimeSpan WarmupDuration { get; init; } = TimeSpan.FromSeconds(3);

    /// <inheritdoc />
    public override string? Unavailable(string model) => Wrk.Path is null ? Wrk.InstallHint : null;

    /// <inheritdoc />
    protected override Outcome RunModel(string model, long size)
    {
        using var server = ServerProcess.Start(model, TimeSpan.FromMinutes(3));
        string url = server.Url + "/plaintext";
        Wrk.Run(url, (int)size, WarmupDuration);
        server.ResetThreadPeak();
        var report = Wrk.Run(url, (int)size, Duration);
        if (report.Requests == 0) throw new InvalidOperationException($"no request answered{(report.Errors is null ? "" : ": " + report.Errors)}");
        return new Outcome(new Dictionary<string, double>
        {
            ["req_per_s"] = report.RequestsPerSecond,
            ["p50_ms"] = report.P50Ms,
            ["p99_ms"] = report.P99Ms,
            ["peak_mb"] = server.PeakResidentBytes / 1e6,
            ["threads"] = server.PeakThreads,
        }, report.Errors);
    }
}
