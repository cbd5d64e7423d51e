using Weft.Lab.Measurement;
using Weft.Lab.Output;
using Weft.Lab.Peers;
using Weft.Lab.Workloads;

namespace Weft.Lab.Commands;

/// <summary>What to run: workloads, models, sizes, and bounds.</summary>
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

    /// <summary>Run a warm-up before each measured in-process run.</summary>
    public bool Warmup { get; init; } = true;

    /// <summary>Time bound of one peer run (and of a peer's build).</summary>
    public TimeSpan PeerTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>
    /// Parses a <c>--models</c> value: comma-separated model names; <c>all</c> for every model, <c>peers</c> for the
    /// three peers. <c>weft</c> includes <c>weft-declared</c> (the blocking workload's second Weft run).
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

    private static IReadOnlyList<string> Expand(IEnumerable<string> models)
    {
        var list = new List<string>();
        foreach (var m in models)
        {
            if (!list.Contains(m)) list.Add(m);
            if (m == Lab.Workloads.Models.Weft && !list.Contains(Lab.Workloads.Models.WeftDeclared)) list.Add(Lab.Workloads.Models.WeftDeclared);
        }

        return list;
    }
}

/// <summary>Runs a plan: every workload for every model that has it, in-process models in this process, peers as child processes.</summary>
public static class Runner
{
    /// <summary>Runs <paramref name="plan"/>; <paramref name="progress"/> hears what starts, <paramref name="onRun"/> each finished run.</summary>
    public static Report Run(RunPlan plan, Action<string>? progress = null, Action<ModelRun>? onRun = null)
    {
        var report = new Report();
        report.ModelOrder.AddRange(plan.Models);
        var prepared = new Dictionary<string, string?>(); // peer → error (null: ready)
        foreach (var peerName in plan.Models.Where(Lab.Workloads.Models.Peers.Contains))
        {
            var peer = Peer.Find(peerName)!;
            if (peer.ToolPath is null)
            {
                prepared[peerName] = "not installed";
                report.Notes.Add($"{peerName}: `{peer.Tool}` is not on PATH; its runs are skipped");
                continue;
            }

            progress?.Invoke($"building the {peerName} peer");
            var error = peer.Prepare(plan.PeerTimeout);
            prepared[peerName] = error;
            if (error is not null) report.Notes.Add($"{peerName}: {error}");
            else if (peer.Version() is { Length: > 0 } version) report.Notes.Add($"{peerName}: {version}");
        }

        foreach (var w in plan.Workloads)
        {
            long size = WorkloadRegistry.SizeFor(w, plan.Sizes, plan.Quick);
            foreach (var model in plan.Models)
            {
                ModelRun? run = null;
                if (Lab.Workloads.Models.Peers.Contains(model) && !w.Models.Contains(model)) // a workload may drive a peer itself (http)
                {
                    var peer = Peer.Find(model)!;
                    if (prepared[model] is not null || !peer.Workloads.Contains(w.Name)) continue;
                    progress?.Invoke($"{w.Name} · {model} · size {size:N0}");
                    run = peer.Run(w.Name, size, plan.PeerTimeout);
                }
                else if (w.Models.Contains(model))
                {
                    progress?.Invoke($"{w.Name} · {model} · size {size:N0}");
                    run = w.Run(model, size, plan.Warmup);
                }

                if (run is null) continue;
                report.Runs.Add(run);
                onRun?.Invoke(run);
            }
        }

        return report;
    }
}
