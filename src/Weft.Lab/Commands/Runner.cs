using Weft.Lab.Measurement;
using Weft.Lab.Output;
using Weft.Lab.Peers;
using Weft.Lab.Workloads;

namespace Weft.Lab.Commands;

/// <summary>What to run: workloads, models, sizes, and bounds. Built from the command line by <see cref="Create"/> only.</summary>
public sealed record RunPlan
{
    /// <summary>The workloads, in order.</summary>
    public required IReadOnlyList<Workload> Workloads { get; init; }

    /// <summary>The models, in order (in-process names and peer names).</summary>
    public required IReadOnlyList<string> Models { get; init; }

    /// <summary>Explicit sizes (see <see cref="WorkloadRegistry.ParseSizes"/>).</summary>
    public IReadOnlyDictionary<string, long> Sizes { get; init; } = new Dictionary<string, long>();

    /// <summary>Use the quick sizes.</summary>
    public bool Quick { get; init; }

    /// <summary>Run a warm-up before the measured runs (in-process models and peers alike).</summary>
    public bool Warmup { get; init; } = true;

    /// <summary>
    /// Run each workload × in-process model in a fresh child process of the Lab (the default), so no model inherits
    /// a ThreadPool, a heap or JIT state from the one before; false runs them all in this process.
    /// </summary>
    public bool Isolated { get; init; } = true;

    /// <summary>Time bound of one child process: a peer's build or run, or one isolated in-process measurement.</summary>
    public TimeSpan PeerTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The plan of a <c>bench</c> or <c>compare</c> command line: the one place option values become a plan.
    /// </summary>
    /// <param name="workloads">Comma-separated workload names; null, empty or <c>all</c> for every workload.</param>
    /// <param name="models">The <c>--models</c> value (see <see cref="ParseModels"/>); null for <paramref name="defaultModels"/>.</param>
    /// <param name="defaultModels">The command's default models.</param>
    /// <param name="sizes">The <c>--size</c> value (see <see cref="WorkloadRegistry.ParseSizes"/>).</param>
    /// <param name="quick">The quick sizes.</param>
    /// <param name="warmup">Warm-up runs.</param>
    /// <param name="timeoutSeconds">The bound of one child process, in seconds.</param>
    /// <param name="inProcess">Run the in-process models in this process instead of one child process each.</param>
    /// <exception cref="ArgumentException">A name is unknown or the timeout is not positive.</exception>
    /// <exception cref="FormatException">A size is malformed.</exception>
    public static RunPlan Create(string? workloads, string? models, IReadOnlyList<string> defaultModels, string? sizes = null,
        bool quick = false, bool warmup = true, int timeoutSeconds = 600, bool inProcess = false)
    {
        if (timeoutSeconds <= 0) throw new ArgumentException($"--peer-timeout must be a positive number of seconds, got {timeoutSeconds}");
        return new RunPlan
        {
            Workloads = WorkloadRegistry.Select(workloads),
            Models = ParseModels(models, defaultModels),
            Sizes = WorkloadRegistry.ParseSizes(sizes),
            Quick = quick,
            Warmup = warmup,
            Isolated = !inProcess,
            PeerTimeout = TimeSpan.FromSeconds(timeoutSeconds),
        };
    }

    /// <summary>
    /// Parses a <c>--models</c> value: comma-separated model names; <c>all</c> for every model, <c>peers</c> for the
    /// three peers. A base model includes its variants: <c>weft</c> adds <c>weft-declared</c>, <c>tasks</c> adds
    /// <c>tasks-run</c>, <c>tasks-call</c> and <c>tasks-long</c> (each runs only in the workloads that have it).
    /// </summary>
    /// <exception cref="ArgumentException">A name is unknown.</exception>
    public static IReadOnlyList<string> ParseModels(string? text, IReadOnlyList<string> defaults)
    {
        if (string.IsNullOrWhiteSpace(text)) return Expand(defaults);
        var list = new List<string>();
        foreach (var name in WorkloadRegistry.Split(text.ToLowerInvariant()))
        {
            if (name == "all") list.AddRange(AllModels);
            else if (name == "peers") list.AddRange(Lab.Workloads.Models.Peers);
            else if (AllModels.Contains(name)) list.Add(name);
            else throw new ArgumentException($"unknown model '{name}'; known: {string.Join(", ", AllModels)}, peers, all");
        }

        return Expand(list);
    }

    /// <summary>Every model name.</summary>
    public static IReadOnlyList<string> AllModels { get; } = [.. Lab.Workloads.Models.InProcess, .. Lab.Workloads.Models.Peers];

    /// <summary>The models in order, each base model followed by its variants.</summary>
    private static IReadOnlyList<string> Expand(IEnumerable<string> models)
    {
        var list = new List<string>();
        foreach (var m in models)
        {
            if (!list.Contains(m)) list.Add(m);
            foreach (var variant in Lab.Workloads.Models.InProcess)
                if (variant != m && Lab.Workloads.Models.Family(variant) == m && !list.Contains(variant)) list.Add(variant);
        }

        return list;
    }

    /// <summary>The size <paramref name="w"/> runs at in this plan.</summary>
    public long SizeFor(Workload w) => WorkloadRegistry.SizeFor(w, Sizes, Quick);

    /// <summary>Every (workload, model) pair the plan runs, in order: workloads outer, models inner; only models the workload has.</summary>
    public IEnumerable<(Workload Workload, string Model)> Pairs() =>
        from w in Workloads
        from m in Models
        where w.Models.Contains(m) || (Peer.Find(m) is { } peer && peer.Workloads.Contains(w.Name))
        select (w, m);
}

/// <summary>
/// Runs a plan: every workload for every model that has it. In-process models run in a fresh child process of the
/// Lab each (<see cref="IsolatedRun"/>) unless the plan says otherwise; peers run as their own programs. Every model
/// follows the same protocol: a warm-up run, then <see cref="Workload.Repeats"/> measured runs, the median reported.
/// </summary>
public static class Runner
{
    /// <summary>Runs <paramref name="plan"/>; <paramref name="progress"/> hears what starts, <paramref name="onRun"/> each finished run.</summary>
    public static Report Run(RunPlan plan, Action<string>? progress = null, Action<ModelRun>? onRun = null)
    {
        var report = new Report();
        report.ModelOrder.AddRange(plan.Models);
        var ready = PreparePeers(plan, report, progress);
        foreach (var (w, model) in plan.Pairs())
        {
            long size = plan.SizeFor(w);
            ModelRun run;
            // A workload may drive a peer's model itself (http starts Go's server and drives it with wrk).
            if (!w.Models.Contains(model) && Peer.Find(model) is { } peer)
            {
                if (!ready.Contains(model)) continue;
                progress?.Invoke($"{w.Name} · {model} · size {size:N0}");
                run = peer.Run(w, size, plan.Warmup, plan.PeerTimeout);
            }
            else
            {
                progress?.Invoke($"{w.Name} · {model} · size {size:N0}{(plan.Isolated ? " · own process" : "")}");
                run = plan.Isolated ? IsolatedRun.Run(w, model, size, plan.Warmup, plan.PeerTimeout) : w.Run(model, size, plan.Warmup);
            }

            report.Runs.Add(run);
            onRun?.Invoke(run);
        }

        return report;
    }

    /// <summary>Builds the plan's peers; returns the names of those ready to run. Missing toolchains and build errors become notes.</summary>
    private static HashSet<string> PreparePeers(RunPlan plan, Report report, Action<string>? progress)
    {
        var ready = new HashSet<string>();
        foreach (var peerName in plan.Models.Where(Lab.Workloads.Models.Peers.Contains))
        {
            var peer = Peer.Find(peerName)!;
            if (peer.ToolPath is null)
            {
                report.Notes.Add($"{peerName}: `{peer.Tool}` is not on PATH; its runs are skipped");
                continue;
            }

            progress?.Invoke($"building the {peerName} peer");
            var error = peer.Prepare(plan.PeerTimeout);
            if (error is not null)
            {
                report.Notes.Add($"{peerName}: {error}");
                continue;
            }

            ready.Add(peerName);
            if (peer.Version() is { Length: > 0 } version) report.Notes.Add($"{peerName}: {version}");
        }

        return ready;
    }
}
