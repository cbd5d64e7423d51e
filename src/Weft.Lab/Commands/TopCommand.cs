using System.Globalization;
using Spectre.Console;
using Weft.Lab.Measurement;
using Spectre.Console.Rendering;
using Weft.Diagnostics;
using Weft.Lab.Workloads;

namespace Weft.Lab.Commands;

/// <summary>
/// <c>top [workload]</c>: runs the workload's <c>weft</c> model over and over and shows, a few times a second, what the
/// scheduler is doing — each P with its goroutine and run queue, each M and what it does, goroutines by state, and
/// steals, hand-offs, preemptions and channel operations per second. Ctrl+C (or <c>--seconds</c>) ends it.
/// </summary>
public static class TopCommand
{
    /// <summary>The workload shown when none is named.</summary>
    public const string DefaultWorkload = "prodcons";

    /// <summary>Runs the command. Returns the exit code.</summary>
    public static int Execute(string? workloadName, double? seconds, int refreshMs, IAnsiConsole console)
    {
        var workload = WorkloadRegistry.Find(workloadName ?? DefaultWorkload)
            ?? throw new ArgumentException($"top: unknown workload '{workloadName}'; known: {string.Join(", ", WorkloadRegistry.All.Select(w => w.Name))}");
        if (!workload.Models.Contains(Models.Weft)) throw new ArgumentException($"top: {workload.Name} has no weft model");
        if (refreshMs < 50) throw new ArgumentException("top: --refresh must be at least 50 ms");

        using var stop = new CancellationTokenSource();
        if (seconds is { } s) stop.CancelAfter(TimeSpan.FromSeconds(s));
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        int runs = 0;
        string? failure = null;
        var counters = new TopCounters();
        Action<GoRuntime> onFinishing = rt => counters.Finished(rt, TopSnapshot.CountsOf(rt));
        LabRuntime.Finishing += onFinishing;
        var runner = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var run = workload.Run(Models.Weft, workload.QuickSize, warmup: false);
                if (run.Failed)
                {
                    failure = run.Note;
                    stop.Cancel();
                }

                Interlocked.Increment(ref runs);
            }
        }) { IsBackground = true, Name = "top workload" };
        runner.Start();

        try
        {
            TopSnapshot? previous = null;
            console.Live(Render(workload.Name, null, null, 0)).AutoClear(false).Start(ctx =>
            {
                while (!stop.Token.WaitHandle.WaitOne(refreshMs))
                {
                    var runtime = LiveRuntimes.Snapshot().LastOrDefault(r => r.Options.Name == "lab");
                    var now = runtime is null ? null : TopSnapshot.Take(runtime);
                    if (runtime is not null && now is not null)
                    {
                        // Rates over every run, not just the one alive now (each run's runtime counts from zero).
                        counters.Observe(runtime, new TopCounts(now.Steals, now.Handoffs, now.Preemptions, now.ChanOps));
                        now = now.WithCounts(counters.Total());
                    }

                    ctx.UpdateTarget(Render(workload.Name, now, previous, Volatile.Read(ref runs)));
                    ctx.Refresh();
                    if (now is not null) previous = now;
                }
            });
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
            LabRuntime.Finishing -= onFinishing;
            runner.Join(TimeSpan.FromSeconds(30));
        }

        if (failure is not null)
        {
            console.MarkupLine($"[red]the {workload.Name} run failed:[/] {Markup.Escape(failure)}");
            return 1;
        }

        return 0;
    }

    /// <summary>The screen for one snapshot (null: no runtime alive at this instant, between two runs).</summary>
    public static IRenderable Render(string workload, TopSnapshot? now, TopSnapshot? previous, int runs)
    {
        var c = CultureInfo.InvariantCulture;
        var header = new Markup(Markup.Escape(string.Create(c, $"weft top — workload {workload}, run {runs + 1}")));
        if (now is null) return new Rows(header, new Markup("[grey]waiting for the next run's runtime...[/]"));

        var procs = new Table().Title("Ps").AddColumns("P", "status", "M", "running", "runq");
        foreach (var p in now.Procs)
            procs.AddRow(c, $"P{p.Id}", p.Status, p.M is { } m ? $"M{m}" : "-", p.Goroutine is { } g ? $"G{g}" : "-", p.RunQueue.ToString(c));

        var threads = new Table().Title("Ms").AddColumns("M", "doing", "P", "goroutine");
        foreach (var t in now.Threads)
            threads.AddRow(c, $"M{t.Id}", t.Doing, t.P is { } p ? $"P{p}" : "-", t.Goroutine is { } g ? $"G{g}" : "-");

        var goroutines = new Table().Title("goroutines").AddColumns("state", "count");
        foreach (var (state, count) in now.Goroutines) goroutines.AddRow(Markup.Escape(state), count.ToString(c));

        var (steals, handoffs, preemptions, chanOps) = now.RatesSince(previous);
        var rates = new Table().Title("per second").AddColumns("event", "rate");
        rates.AddRow("steals", steals.ToString("N0", c));
        rates.AddRow("hand-offs", handoffs.ToString("N0", c));
        rates.AddRow("preemptions", preemptions.ToString("N0", c));
        rates.AddRow("channel ops", chanOps.ToString("N0", c));

        return new Rows(header, new Columns(procs, threads), new Columns(goroutines, rates));
    }

    private static void AddRow(this Table table, IFormatProvider _, params string[] cells) => table.AddRow(cells.Select(Markup.Escape).ToArray());
}
