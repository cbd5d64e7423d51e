using System.CommandLine;
using Weft.Lab.Commands;
using Weft.Lab.Http;
using Weft.Lab.Workloads;

namespace Weft.Lab;

/// <summary>The Lab's entry point: the tour (no arguments), <c>bench</c>, and <c>compare</c>.</summary>
public static class Program
{
    /// <summary>Parses the command line and runs the command.</summary>
    public static int Main(string[] args)
    {
        var workloadNames = string.Join(", ", WorkloadRegistry.All.Select(w => w.Name));

        var json = new Option<bool>("--json") { Description = "print one JSON object per figure and line (DESIGN §1 format)" };
        var models = new Option<string?>("--models") { Description = "comma-separated models: weft, tasks, threads, go, erlang, node, peers, all" };
        var size = new Option<string?>("--size")
        {
            Description = "size for every workload (e.g. 100k, 1M) or per workload (skynet=100k,spawn=10k); timed workloads take ms",
        };
        var quick = new Option<bool>("--quick") { Description = "smaller sizes for a smoke run" };
        var noWarmup = new Option<bool>("--no-warmup") { Description = "skip the warm-up run before each measured run" };
        var peerTimeout = new Option<int>("--peer-timeout")
        {
            Description = "seconds a peer's build or run may take before it is killed",
            DefaultValueFactory = _ => 180,
        };

        var benchWorkload = new Argument<string>("workload") { Description = $"one of: {workloadNames}, or all" };
        var baseline = new Option<string>("--baseline") { Description = "model the ratios are taken to", DefaultValueFactory = _ => Models.Tasks };
        var bench = new Command("bench", "run one workload (or all) for each model in this process run; one line per model with its ratio to the baseline")
        {
            benchWorkload, json, models, size, quick, noWarmup, baseline, peerTimeout,
        };
        bench.SetAction(r => Guard(() =>
        {
            var plan = new RunPlan
            {
                Workloads = WorkloadRegistry.Select(r.GetValue(benchWorkload)),
                Models = RunPlan.ParseModels(r.GetValue(models), BenchCommand.DefaultModelsFor(WorkloadRegistry.Select(r.GetValue(benchWorkload)))),
                Sizes = WorkloadRegistry.ParseSizes(r.GetValue(size)),
                Quick = r.GetValue(quick),
                Warmup = !r.GetValue(noWarmup),
                PeerTimeout = TimeSpan.FromSeconds(r.GetValue(peerTimeout)),
            };
            return BenchCommand.Execute(plan, r.GetValue(json), r.GetValue(baseline)!, Console.Out, Console.Error);
        }));

        var workloads = new Option<string?>("--workloads") { Description = $"comma-separated workloads (default all): {workloadNames}" };
        var markdown = new Option<bool>("--markdown") { Description = "print the table as GitHub markdown" };
        var chart = new Option<string?>("--chart") { Description = "also write a grouped bar chart to this SVG file" };
        var input = new Option<string?>("--input")
        {
            Description = "render the table/markdown/chart from JSON lines saved by an earlier --json run instead of measuring",
        };
        var compare = new Command("compare", "every workload × every available model (weft, tasks, threads, go, erlang, node), with ratios to weft")
        {
            workloads, models, size, quick, noWarmup, json, markdown, chart, peerTimeout, input,
        };
        compare.SetAction(r => Guard(() =>
        {
            if (r.GetValue(input) is { } file)
            {
                var saved = CompareCommand.FromJsonLines(File.ReadLines(file));
                return CompareCommand.Render(saved, r.GetValue(json), r.GetValue(markdown), r.GetValue(chart), Console.Out, Console.Error);
            }

            var plan = new RunPlan
            {
                Workloads = WorkloadRegistry.Select(r.GetValue(workloads)),
                Models = RunPlan.ParseModels(r.GetValue(models), RunPlan.AllModels),
                Sizes = WorkloadRegistry.ParseSizes(r.GetValue(size)),
                Quick = r.GetValue(quick),
                Warmup = !r.GetValue(noWarmup),
                PeerTimeout = TimeSpan.FromSeconds(r.GetValue(peerTimeout)),
            };
            return CompareCommand.Execute(plan, r.GetValue(json), r.GetValue(markdown), r.GetValue(chart), Console.Out, Console.Error);
        }));

        var port = new Option<int>("--port") { Description = "TCP port", DefaultValueFactory = _ => 8080 };
        var serverModel = new Option<string>("--model")
        {
            Description = "which server: weft (Weft.Http on goroutines), kestrel (ASP.NET Core minimal API), tasks (raw Task-per-connection sockets)",
            DefaultValueFactory = _ => Models.Weft,
        };
        var anyAddress = new Option<bool>("--any") { Description = "listen on every interface instead of 127.0.0.1" };
        var serve = new Command("serve", "serve TechEmpower's /plaintext and /json until Ctrl+C")
        {
            port, serverModel, anyAddress,
        };
        serve.SetAction(r => Guard(() => ServeCommand.Execute(r.GetValue(serverModel)!, r.GetValue(port), r.GetValue(anyAddress), Console.Out)));

        var root = new RootCommand("Weft Lab: goroutines, Tasks, threads and peers measured side by side. Without a command: the tour.")
        {
            bench, compare, serve,
        };
        root.Options.Add(quick);
        root.SetAction(r => Guard(() => Tour.Run(quick: r.GetValue(quick))));
        return root.Parse(args).Invoke();
    }

    private static int Guard(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException)
        {
            Console.Error.WriteLine("error: " + e.Message);
            return 2;
        }
    }
}
