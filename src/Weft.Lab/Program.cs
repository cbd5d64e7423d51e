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
        var models = new Option<string?>("--models") { Description = $"comma-separated models: {string.Join(", ", RunPlan.AllModels)}, peers, all" };
        var size = new Option<string?>("--size")
        {
            Description = "size for every workload (e.g. 100k, 1M) or per workload (skynet=100k,spawn=10k); timed workloads take ms",
        };
        var quick = new Option<bool>("--quick") { Description = "smaller sizes for a smoke run" };
        var noWarmup = new Option<bool>("--no-warmup") { Description = "skip the warm-up run before each measured run" };
        var peerTimeout = new Option<int>("--peer-timeout")
        {
            Description = "seconds a child process (a peer's build or run, or one isolated measurement) may take before it is killed",
            DefaultValueFactory = _ => 600,
        };

        var inProcess = new Option<bool>("--in-process")
        {
            Description = "run the in-process models in this process instead of one fresh process per workload × model",
        };
        var benchWorkload = new Argument<string>("workload") { Description = $"one of: {workloadNames}, or all" };
        var baseline = new Option<string>("--baseline") { Description = "model the ratios are taken to", DefaultValueFactory = _ => Models.Tasks };
        var bench = new Command("bench", "run one workload (or all) for each model, each in its own process; one line per model with its ratio to the baseline")
        {
            benchWorkload, json, models, size, quick, noWarmup, baseline, peerTimeout, inProcess,
        };
        bench.SetAction(r => Guard(() => r.GetValue(benchWorkload) == "explore"
            ? Explore.ExploreCommand.Bench(r.GetValue(json), (r.GetValue(models) ?? "weft,coyote").Split(','), Console.Out, Console.Error)
            : BenchCommand.Execute(Plan(r, r.GetValue(benchWorkload), BenchCommand.DefaultModelsFor(WorkloadRegistry.Select(r.GetValue(benchWorkload)))),
                r.GetValue(json), Baseline(r.GetValue(baseline)), Console.Out, Console.Error)));

        var workloads = new Option<string?>("--workloads") { Description = $"comma-separated workloads (default all): {workloadNames}" };
        var markdown = new Option<bool>("--markdown") { Description = "print the table as GitHub markdown" };
        var chart = new Option<string?>("--chart") { Description = "also write a grouped bar chart to this SVG file" };
        var input = new Option<string?>("--input")
        {
            Description = "render the table/markdown/chart from JSON lines saved by an earlier --json run instead of measuring",
        };
        var compareBaseline = new Option<string>("--baseline") { Description = "model the ratios are taken to", DefaultValueFactory = _ => Models.Weft };
        var compare = new Command("compare", "every workload × every available model (in-process models and go, erlang, node), with ratios to the baseline")
        {
            workloads, models, size, quick, noWarmup, json, markdown, chart, peerTimeout, input, compareBaseline, inProcess,
        };
        compare.SetAction(r => Guard(() =>
        {
            var ratiosTo = Baseline(r.GetValue(compareBaseline));
            if (r.GetValue(input) is { } file)
            {
                var saved = CompareCommand.FromJsonLines(File.ReadLines(file));
                return CompareCommand.Render(saved, r.GetValue(json), r.GetValue(markdown), r.GetValue(chart), Console.Out, Console.Error, baseline: ratiosTo);
            }

            return CompareCommand.Execute(Plan(r, r.GetValue(workloads), RunPlan.AllModels), r.GetValue(json), r.GetValue(markdown), r.GetValue(chart),
                Console.Out, Console.Error, ratiosTo);
        }));

        var tableModels = new Option<string?>("--models") { Description = "models to measure (default: all that are installed)" };
        var table = new Command("table", "the seed's comparison of concurrency models, with every cell this machine can measure measured")
        {
            tableModels, size, quick, noWarmup, markdown, input, peerTimeout, inProcess,
        };
        table.SetAction(r => Guard(() =>
        {
            if (r.GetValue(input) is { } file)
            {
                Console.Out.Write(TableCommand.Render(CompareCommand.FromJsonLines(File.ReadLines(file)), r.GetValue(markdown)));
                return 0;
            }

            var plan = RunPlan.Create(null, r.GetValue(tableModels), RunPlan.AllModels, r.GetValue(size), r.GetValue(quick), !r.GetValue(noWarmup),
                r.GetValue(peerTimeout), r.GetValue(inProcess));
            return TableCommand.Execute(plan, r.GetValue(markdown), Console.Out, Console.Error);
        }));

        // The child side of an isolated run (see IsolatedRun): one workload × in-process model, printed as one JSON line.
        var measureWorkload = new Argument<string>("workload");
        var measureModel = new Argument<string>("model");
        var measure = new Command(IsolatedRun.CommandName, "measure one workload × in-process model here and print it as one JSON line (used by bench and compare)")
        {
            measureWorkload, measureModel, size, noWarmup,
        };
        measure.Hidden = true;
        measure.SetAction(r => Guard(() =>
        {
            var sizes = WorkloadRegistry.ParseSizes(r.GetValue(size));
            long? n = sizes.TryGetValue("*", out var s) ? s : null;
            return IsolatedRun.Measure(r.GetValue(measureWorkload)!, r.GetValue(measureModel)!, n, !r.GetValue(noWarmup), Console.Out);
        }));

        RunPlan Plan(ParseResult r, string? workloadNames, IReadOnlyList<string> defaultModels) => RunPlan.Create(
            workloadNames, r.GetValue(models), defaultModels, r.GetValue(size), r.GetValue(quick), !r.GetValue(noWarmup),
            r.GetValue(peerTimeout), r.GetValue(inProcess));

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

        var exploreBugs = new Argument<string>("bug") { Description = "a planted bug (lost_update, check_then_act, missed_wakeup, aba, select_deadlock, close_race) or all", DefaultValueFactory = _ => "all" };
        var exploreStrategy = new Option<string>("--strategy") { Description = "random, pct, or both comma-separated", DefaultValueFactory = _ => "random,pct" };
        var exploreIterations = new Option<int>("--iterations") { Description = "most schedules per exploration", DefaultValueFactory = _ => 1000 };
        var exploreProcs = new Option<int>("--procs") { Description = "logical Ps of the simulation", DefaultValueFactory = _ => 2 };
        var explore = new Command("explore", "run the planted-bug sample programs under Sim.Explore and print what was found (seed, decision log, replay)")
        {
            exploreBugs, exploreStrategy, exploreIterations, exploreProcs,
        };
        explore.SetAction(r => Guard(() => Explore.ExploreCommand.Execute(r.GetValue(exploreBugs), r.GetValue(exploreStrategy)!,
            r.GetValue(exploreIterations), r.GetValue(exploreProcs), Console.Out)));

        var soakDuration = new Option<TimeSpan>("--duration") { Description = "how long to soak (e.g. 01:00:00 for an hour)", DefaultValueFactory = _ => TimeSpan.FromMinutes(1) };
        var soakReport = new Option<TimeSpan>("--report-every") { Description = "period of the summary line", DefaultValueFactory = _ => TimeSpan.FromMinutes(1) };
        var soakProcs = new Option<int>("--procs") { Description = "largest MaxProcs (rounds cycle 1..procs)", DefaultValueFactory = _ => 4 };
        var soak = new Command("soak", "mixed workloads (channels, select, timers, sleep, blocking calls, hogs, SetMaxProcs changes) with invariant checks, a summary line per minute")
        {
            soakDuration, soakReport, soakProcs,
        };
        soak.SetAction(r => Guard(() => Soak.SoakCommand.Execute(r.GetValue(soakDuration), r.GetValue(soakReport), r.GetValue(soakProcs), Console.Out)));

        var traceWorkload = new Argument<string>("workload") { Description = $"one of: {workloadNames}" };
        var traceOut = new Option<string>("--out") { Description = "the Perfetto trace file to write", Required = true };
        var tracePairs = new Option<int>("--pairs") { Description = "untraced and traced runs each, alternating (default 3)", DefaultValueFactory = _ => TraceCommand.Pairs };
        var traceCoarse = new Option<bool>("--coarse-instants") { Description = "record with Trace.PreciseInstants off (creations and unblocks take their step's time)" };
        var traceCommand = new Command("trace", "record a Perfetto trace of a workload's weft model and print the tracing overhead measured in the same run")
        {
            traceWorkload, traceOut, size, quick, json, traceCoarse, tracePairs,
        };
        traceCommand.SetAction(r => Guard(() =>
        {
            var sizes = WorkloadRegistry.ParseSizes(r.GetValue(size));
            long? n = sizes.TryGetValue("*", out var s) ? s : null;
            return TraceCommand.Execute(r.GetValue(traceWorkload)!, r.GetValue(traceOut)!, n, r.GetValue(quick), r.GetValue(json), Console.Out, Console.Error,
                coarseInstants: r.GetValue(traceCoarse), pairs: r.GetValue(tracePairs));
        }));

        var topWorkload = new Argument<string?>("workload") { Description = $"the workload to run (default {TopCommand.DefaultWorkload}): {workloadNames}", Arity = ArgumentArity.ZeroOrOne };
        var topSeconds = new Option<double?>("--seconds") { Description = "stop after this many seconds (default: until Ctrl+C)" };
        var topRefresh = new Option<int>("--refresh") { Description = "milliseconds between screen updates", DefaultValueFactory = _ => 250 };
        var top = new Command("top", "a live view of the scheduler while a workload runs: Ps, Ms, goroutines by state, events per second")
        {
            topWorkload, topSeconds, topRefresh,
        };
        top.SetAction(r => Guard(() => TopCommand.Execute(r.GetValue(topWorkload), r.GetValue(topSeconds), r.GetValue(topRefresh), Spectre.Console.AnsiConsole.Console)));

        var root = new RootCommand("Weft Lab: goroutines, Tasks, threads and peers measured side by side. Without a command: the tour.")
        {
            bench, compare, table, measure, serve, explore, soak, traceCommand, top,
        };
        root.Options.Add(quick);
        root.SetAction(r => Guard(() => Tour.Run(quick: r.GetValue(quick))));
        return root.Parse(args).Invoke();
    }

    /// <summary>Checks a <c>--baseline</c> value.</summary>
    private static string Baseline(string? model) =>
        model is not null && RunPlan.AllModels.Contains(model)
            ? model
            : throw new ArgumentException($"--baseline: unknown model '{model}'; known: {string.Join(", ", RunPlan.AllModels)}");

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
