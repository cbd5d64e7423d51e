using System.Diagnostics;
using System.Runtime;
using Spectre.Console;
using Weft.Lab.Http;
using Weft.Lab.Measurement;
using Weft.Lab.Output;
using Weft.Lab.Workloads;

namespace Weft.Lab;

/// <summary>
/// The tour (the Lab without arguments): four tables measured on this machine, each with a one-line reading —
/// (1) what one concurrency unit costs, (2) the web-server scenario, (3) a CPU hog and blocking calls beside
/// latency-sensitive work, (4) channels; and, when wrk is installed, (5) an HTTP server under wrk (Weft.Http, the
/// raw Task-per-connection socket server, Kestrel; not with <c>--quick</c>). Under a minute on 2 cores (a little over
/// with table 5); progress is shown while it runs.
/// </summary>
/// <remarks>
/// Table 1 is measured and printed first. Tables 3 and 4 are measured before table 2, because the web-server
/// scenario keeps the .NET ThreadPool busy for seconds and makes it inject threads, which would hide from table 3
/// how a pool of the default size starves; tables 2–4 are then printed in order.
/// </remarks>
public static class Tour
{
    /// <summary>Threads parked in table 1 (a size any machine allows; <c>bench spawn</c> goes to 10,000).</summary>
    public const int TourThreads = 3_000;

    /// <summary>Runs the tour; returns the exit code.</summary>
    /// <param name="console">Where to write (default: the terminal).</param>
    /// <param name="quick">Smaller sizes (tests and smoke runs).</param>
    public static int Run(IAnsiConsole? console = null, bool quick = false)
    {
        if (console is null)
        {
            console = AnsiConsole.Console;
            if (Console.IsOutputRedirected) console.Profile.Width = 120; // a file or pipe: do not wrap at 80
        }

        var started = Stopwatch.GetTimestamp();
        console.Write(new Rule("[bold]Weft Lab[/] — concurrency models measured on this machine").LeftJustified());
        console.MarkupLine(Markup.Escape(
            $"{Environment.ProcessorCount} cores (CPU limit {C10kWorkload.Cores}), .NET {Environment.Version}, " +
            $"{(GCSettings.IsServerGC ? "server" : "workstation")} GC, {GCSettings.LatencyMode}; " +
            "models: weft = goroutines, tasks = async Task + ThreadPool + System.Threading.Channels, threads = OS threads"));
        console.WriteLine();

        var progress = new TourProgress(console);
        var cost = progress.Step("1/4 the cost of a unit", () => CostTable(quick, progress));
        console.Write(cost.Table);
        console.MarkupLine("[italic]" + Markup.Escape(cost.Reading) + "[/]");
        console.WriteLine();

        var fairness = progress.Step("3/4 hogs and blocking calls", () => FairnessTable(quick, progress));
        var channels = progress.Step("4/4 channels", () => ChannelTable(quick, progress));
        var web = progress.Step("2/4 the web-server scenario", () => WebTable(quick, progress));
        var tables = new List<TourTable> { web, fairness, channels };
        // Last: it starts a server process per model and keeps both cores busy with wrk. Not in quick runs (the tests'):
        // child processes would show up in the network tests' descriptor counts; HttpWorkloadTests covers the table.
        if (!quick && Wrk.Path is not null) tables.Add(progress.Step("+ an HTTP server under wrk", () => HttpTable(quick, progress)));
        foreach (var t in tables)
        {
            console.Write(t.Table);
            console.MarkupLine("[italic]" + Markup.Escape(t.Reading) + "[/]");
            console.WriteLine();
        }

        console.MarkupLine(Markup.Escape(
            $"Tour done in {Measure.MillisecondsSince(started) / 1000:0.0} s. More: `bench <workload>`, `compare --chart lab.svg` " +
            "(with Go, Erlang and Node.js when installed), `--help`."));
        return 0;
    }

    /// <summary>A table and its one-line reading.</summary>
    public sealed record TourTable(Table Table, string Reading);

    private static string V(double? v, string unit = "") => v is null ? "n/a" : Format.Value(v.Value) + (unit.Length > 0 ? " " + unit : "");

    private static ModelRun Measure1(TourProgress progress, Workload w, string model, long size)
    {
        progress.Status($"{w.Name} · {model} · size {size:N0}");
        return w.Run(model, w.NormalizeSize(size), warmup: true);
    }

    private static string Why(ModelRun run) => run.Note is null ? "" : $" ({run.Note})";

    /// <summary>Table 1: bytes per parked unit and time per start, for threads, Tasks and goroutines.</summary>
    public static TourTable CostTable(bool quick, TourProgress progress)
    {
        var spawn = new SpawnWorkload();
        long n = quick ? 20_000 : 1_000_000;
        var threads = Measure1(progress, spawn, Models.Threads, quick ? 200 : TourThreads);
        var tasks = Measure1(progress, spawn, Models.Tasks, n);
        var weft = Measure1(progress, spawn, Models.Weft, n);
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]1. What one concurrency unit costs[/] (units parked on one gate)");
        table.AddColumns("model", "units", "bytes per parked unit", "time per start");
        table.Columns[1].RightAligned();
        table.Columns[2].RightAligned();
        table.Columns[3].RightAligned();
        table.AddRow("OS threads", $"{(quick ? 200 : TourThreads):N0}", V(threads.Value("bytes_per_unit")), V(threads.Value("ns_per_spawn") / 1000, "µs"));
        table.AddRow("Tasks", $"{n:N0}", V(tasks.Value("bytes_per_unit")), V(tasks.Value("ns_per_spawn") / 1000, "µs"));
        table.AddRow("goroutines", $"{n:N0}", V(weft.Value("bytes_per_unit")), V(weft.Value("ns_per_spawn") / 1000, "µs"));
        string reading;
        if (weft.Value("bytes_per_unit") is { } w && tasks.Value("bytes_per_unit") is { } t && threads.Value("bytes_per_unit") is { } th && w > 0)
            reading = $"A parked goroutine costs {Format.Value(w)} bytes: {Format.Ratio(th / w)} less than a parked OS thread (its stack and kernel state, " +
                      $"counted as resident memory) and {Format.Ratio(w / t)} a Task; a million of them fit in {Format.Value(w * 1e6 / 1048576)} MB.";
        else reading = "Some runs did not complete:" + Why(weft) + Why(tasks) + Why(threads);
        return new TourTable(table, reading);
    }

    /// <summary>Table 2: the web-server scenario as goroutines, Tasks and thread-per-request.</summary>
    public static TourTable WebTable(bool quick, TourProgress progress)
    {
        var c10k = new C10kWorkload();
        long n = quick ? 300 : c10k.DefaultSize;
        var runs = new[] { Models.Weft, Models.Tasks, Models.Threads }.Select(m => Measure1(progress, c10k, m, n)).ToList();
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"[bold]2. A web server[/]: {n:N0} concurrent requests, each waits {C10kWorkload.WaitMs} ms (a database) then computes 1 ms");
        table.AddColumns("model", "requests/s", "% of CPU limit", "p50 latency", "p99 latency", "peak memory", "OS threads");
        for (int i = 1; i < 7; i++) table.Columns[i].RightAligned();
        string[] names = ["goroutines", "Tasks", $"thread per request (≤ {C10kWorkload.ThreadCap:N0})"];
        for (int i = 0; i < runs.Count; i++)
        {
            var r = runs[i];
            table.AddRow(names[i], V(r.Value("req_per_s")), V(r.Value("cpu_limit_pct"), "%"), V(r.Value("p50_ms"), "ms"), V(r.Value("p99_ms"), "ms"),
                V(r.Value("peak_mb"), "MB"), V(r.Value("threads")));
        }

        var (weft, tasks, threads) = (runs[0], runs[1], runs[2]);
        string reading = weft.Value("req_per_s") is { } wr && tasks.Value("req_per_s") is { } tr && threads.Value("threads") is { } tt
            ? $"The CPU limit here is {Format.Value(C10kWorkload.CpuLimit)} requests/s ({C10kWorkload.Cores} cores ÷ 1 ms): goroutines reached " +
              $"{Format.Value(weft.Value("cpu_limit_pct") ?? 0)}% of it with {V(weft.Value("threads"))} threads, Tasks {Format.Value(tasks.Value("cpu_limit_pct") ?? 0)}%; " +
              $"thread-per-request needed {Format.Value(tt)} threads to keep up."
            : "Some runs did not complete:" + Why(weft) + Why(tasks) + Why(threads);
        return new TourTable(table, reading);
    }

    /// <summary>
    /// Table 5 (when wrk is installed): TechEmpower's plaintext under <c>wrk -t2 -c256</c> for Weft.Http, the raw
    /// Task-per-connection socket server and Kestrel, each server in its own process; shorter runs than
    /// <c>bench http</c> (1 s warm-up, 3 s measured; quick: Weft.Http alone, 0.5 s + 1 s).
    /// </summary>
    public static TourTable HttpTable(bool quick, TourProgress progress)
    {
        var http = new HttpWorkload
        {
            Duration = TimeSpan.FromSeconds(quick ? 1 : 3),
            WarmupDuration = TimeSpan.FromSeconds(quick ? 0.5 : 1),
        };
        const long connections = 256;
        (string Name, string Model)[] servers = quick
            ? [("Weft.Http (goroutine per connection)", Models.Weft)]
            : [("Weft.Http (goroutine per connection)", Models.Weft), ("raw sockets, Task per connection", Models.Tasks), ("Kestrel (minimal API)", Models.Kestrel)];
        var runs = servers.Select(s => Measure1(progress, http, s.Model, connections)).ToList();
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"[bold]5. An HTTP server[/]: plaintext under wrk -t2 -c{connections} on the same cores ({http.Duration.TotalSeconds:0} s; `bench http` runs 10 s)");
        table.AddColumns("server", "requests/s", "p50 latency", "p99 latency", "peak memory", "OS threads");
        for (int i = 1; i < 6; i++) table.Columns[i].RightAligned();
        for (int i = 0; i < runs.Count; i++)
        {
            var r = runs[i];
            table.AddRow(servers[i].Name, V(r.Value("req_per_s")), V(r.Value("p50_ms"), "ms"), V(r.Value("p99_ms"), "ms"), V(r.Value("peak_mb"), "MB"), V(r.Value("threads")));
        }

        var weft = runs[0];
        string reading;
        if (weft.Value("req_per_s") is not { } wr) reading = "The Weft.Http run did not complete:" + Why(weft);
        else if (runs.Count < 3) reading = $"Weft.Http answered {Format.Value(wr)} requests/s (quick run: the other servers are left out).";
        else if (runs[1].Value("req_per_s") is { } tr && runs[2].Value("req_per_s") is { } kr && tr > 0 && kr > 0)
            reading = $"Weft.Http answered {Format.Value(wr)} requests/s: {Format.Value(wr / tr)}× the raw Task socket server and {Format.Value(wr / kr)}× Kestrel, " +
                      "with wrk on the same cores (a loaded or small machine moves these ratios; see docs/BENCHMARKS.md).";
        else reading = "Some runs did not complete:" + Why(runs[1]) + Why(runs[2]);
        return new TourTable(table, reading);
    }

    /// <summary>Table 3: a CPU hog and blocking calls beside a 1 ms sleeper, Tasks vs goroutines (and Tasks with LongRunning hogs/blockers).</summary>
    public static TourTable FairnessTable(bool quick, TourProgress progress)
    {
        var hog = new HogWorkload();
        var blocking = new BlockingWorkload();
        var rows = new List<(string Name, ModelRun? Hog, ModelRun Blocking)>
        {
            ("Tasks", Measure1(progress, hog, Models.Tasks, quick ? 100 : hog.DefaultSize), Measure1(progress, blocking, Models.Tasks, quick ? 100 : blocking.DefaultSize)),
            ("goroutines", Measure1(progress, hog, Models.Weft, quick ? 100 : hog.DefaultSize), Measure1(progress, blocking, Models.Weft, quick ? 100 : blocking.DefaultSize)),
        };
        rows.Add(("goroutines, Go.Blocking", null, Measure1(progress, blocking, Models.WeftDeclared, quick ? 100 : blocking.DefaultSize)));
        rows.Add(("Tasks, LongRunning hogs/blockers", Measure1(progress, hog, Models.TasksLong, quick ? 100 : hog.DefaultSize),
            Measure1(progress, blocking, Models.TasksLong, quick ? 100 : blocking.DefaultSize)));
        var table = new Table().Border(TableBorder.Rounded)
            .Title("[bold]3. Fairness[/]: a 1 ms sleep loop beside 4 CPU hogs on 2 procs, and beside 100 blocking calls of 50 ms");
        table.AddColumns("model", "hog: worst lateness", "hog: mean lateness", "blocking: sleeper rate vs alone", "blocking: OS threads");
        for (int i = 1; i < 5; i++) table.Columns[i].RightAligned();
        foreach (var (name, h, b) in rows)
        {
            table.AddRow(name, h is null ? "" : V(h.Value("worst_late_ms"), "ms"), h is null ? "" : V(h.Value("mean_late_ms"), "ms"),
                b.Value("ratio") is { } r ? r.ToString("P0", System.Globalization.CultureInfo.InvariantCulture) : "n/a", V(b.Value("threads")));
        }

        var (tasksHog, weftHog) = (rows[0].Hog!, rows[1].Hog!);
        string reading = $"Beside the hogs, a Task's 1 ms timer woke up to {V(tasksHog.Value("worst_late_ms"), "ms")} late, a goroutine's up to " +
                         $"{V(weftHog.Value("worst_late_ms"), "ms")}; beside the blocking calls the Task sleeper kept " +
                         $"{Pct(rows[0].Blocking.Value("ratio"))} of its rate, the goroutine {Pct(rows[1].Blocking.Value("ratio"))}, " +
                         $"{Pct(rows[2].Blocking.Value("ratio"))} with Go.Blocking. The pool starves because it adds a thread only about " +
                         $"once a second while its threads are busy; giving the hogs and blockers threads of their own (LongRunning) " +
                         $"brings the Task to {V(rows[3].Hog!.Value("worst_late_ms"), "ms")} and {Pct(rows[3].Blocking.Value("ratio"))}.";
        return new TourTable(table, reading);
    }

    private static string Pct(double? r) => r is null ? "n/a" : r.Value.ToString("P0", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Table 4: channel ping-pong and a fan-in pipeline, System.Threading.Channels vs Weft channels.</summary>
    public static TourTable ChannelTable(bool quick, TourProgress progress)
    {
        var pingpong = new PingPongWorkload();
        var prodcons = new ProdConsWorkload();
        long pp = quick ? 5_000 : 200_000, pc = quick ? 20_000 : 1_000_000;
        var rows = new[] { (Name: "System.Threading.Channels", Model: Models.Tasks), (Name: "Weft channels", Model: Models.Weft) }
            .Select(m => (m.Name, Ping: Measure1(progress, pingpong, m.Model, pp), Fan: Measure1(progress, prodcons, m.Model, pc)))
            .ToList();
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"[bold]4. Channels[/]: ping-pong over two unbuffered channels ({pp:N0} round trips); fan-in, 4 producers → buffer 1024 → 4 consumers ({pc:N0} items)");
        table.AddColumns("channels", "ping-pong: per round trip", "fan-in: per item");
        table.Columns[1].RightAligned();
        table.Columns[2].RightAligned();
        foreach (var (name, ping, fan) in rows)
            table.AddRow(name, ping.Value("ns_per_roundtrip") is null ? "n/a" : V(ping.Value("ns_per_roundtrip"), "ns"), V(fan.Value("ns_per_item"), "ns"));
        var (t, w) = (rows[0], rows[1]);
        string reading = w.Ping.Value("ns_per_roundtrip") is { } wp && t.Ping.Value("ns_per_roundtrip") is { } tp &&
                         w.Fan.Value("ns_per_item") is { } wf && t.Fan.Value("ns_per_item") is { } tf
            ? $"A Weft round trip takes {Format.Ratio(wp / tp)} the time of a System.Threading.Channels one; a fan-in item {Format.Ratio(wf / tf)}."
            : "Weft channels: " + (w.Ping.Note ?? w.Fan.Note ?? "no figures") + ".";
        return new TourTable(table, reading);
    }
}

/// <summary>Shows what the tour is measuring: a spinner on a terminal, lines on standard error otherwise.</summary>
public sealed class TourProgress(IAnsiConsole console)
{
    private StatusContext? _context;
    private string _step = "";

    /// <summary>Runs one step of the tour under a status display.</summary>
    public T Step<T>(string title, Func<T> body)
    {
        _step = title;
        if (!console.Profile.Capabilities.Interactive)
        {
            Console.Error.WriteLine($"… {title}");
            return body();
        }

        return console.Status().Spinner(Spinner.Known.Dots).Start(title, ctx =>
        {
            _context = ctx;
            try
            {
                return body();
            }
            finally
            {
                _context = null;
            }
        });
    }

    /// <summary>Updates the current step's detail.</summary>
    public void Status(string detail)
    {
        if (_context is { } ctx) ctx.Status($"{Markup.Escape(_step)} [grey]· {Markup.Escape(detail)}[/]");
        else Console.Error.WriteLine($"    {detail}");
    }
}
