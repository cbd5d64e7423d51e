using Spectre.Console;
using Spectre.Console.Rendering;
using Weft.Lab.Measurement;
using Weft.Lab.Output;
using Weft.Lab.Workloads;

namespace Weft.Lab.Commands;

/// <summary>
/// <c>table</c>: the seed's comparison of concurrency models — one row per property (memory per unit, creation cost,
/// context switch, preemption, blocking calls, communication, supervision, race prevention), one column per model —
/// with every cell that can be measured replaced by the figure measured on this machine in this run, and the rest
/// stated as facts of the model. Models without a runnable peer here (Kotlin; Java or Rust/tokio when not installed) keep their facts and
/// say they were not measured.
/// </summary>
public static class TableCommand
{
    /// <summary>The columns: Weft and .NET first, then the seed's seven models.</summary>
    public static IReadOnlyList<(string Model, string Title)> Columns { get; } =
    [
        (Models.Weft, "Weft"), (Models.Tasks, ".NET Tasks"), (Models.Threads, "OS threads"), ("go", "Go"), ("java", "Java"),
        ("kotlin", "Kotlin"), ("python", "Python asyncio"), ("erlang", "Erlang"), ("tokio", "Rust (tokio)"), ("node", "Node.js"),
    ];

    /// <summary>One row: a property, the figure that measures it (if any), and per model what is true of it.</summary>
    /// <param name="Title">The property.</param>
    /// <param name="Workload">The workload measuring it, or null for a row of facts only.</param>
    /// <param name="Figure">The figure of <paramref name="Workload"/>.</param>
    /// <param name="Facts">Per model, what the model does (shown under the figure, or alone).</param>
    public sealed record Row(string Title, string? Workload, string? Figure, IReadOnlyDictionary<string, string> Facts);

    /// <summary>The rows of the table, in the seed's order.</summary>
    public static IReadOnlyList<Row> Rows { get; } =
    [
        new("memory per concurrency unit", "spawn", "bytes_per_unit", new Dictionary<string, string>
        {
            [Models.Weft] = "G + suspended frame, no stack", [Models.Tasks] = "Task + state machine", [Models.Threads] = "stack pages + kernel",
            ["go"] = "growable stack, 2 KB min", ["java"] = "platform thread (JDK 17: no virtual threads)",
            ["kotlin"] = "coroutine continuation object", ["python"] = "Task + coroutine frame", ["erlang"] = "a process with its own heap",
            ["tokio"] = "the future's size, boxed", ["node"] = "promise + closure",
        }),
        new("creation cost", "spawn", "ns_per_spawn", new Dictionary<string, string>
        {
            [Models.Weft] = "Go.Start", [Models.Tasks] = "Task.Run", [Models.Threads] = "new Thread().Start()", ["go"] = "go f()",
            ["java"] = "new Thread().start()", ["kotlin"] = "launch", ["python"] = "create_task", ["erlang"] = "spawn", ["tokio"] = "tokio::spawn",
            ["node"] = "call an async function",
        }),
        new("context switch (ping-pong round trip)", "pingpong", "ns_per_roundtrip", new Dictionary<string, string>
        {
            [Models.Weft] = "unbuffered Chan", [Models.Tasks] = "rendezvous Channel", [Models.Threads] = "two SemaphoreSlim", ["go"] = "unbuffered chan",
            ["java"] = "SynchronousQueue", ["kotlin"] = "Channel (rendezvous)", ["python"] = "asyncio.Queue(1)", ["erlang"] = "mailboxes",
            ["tokio"] = "mpsc::channel(1) both ways", ["node"] = "the Lab's channel class",
        }),
        new("preemption (worst lateness beside 4 hogs on 2 procs)", "hog", "worst_late_ms", new Dictionary<string, string>
        {
            [Models.Weft] = "at awaits after 10 ms; sysmon retakes a stuck P", [Models.Tasks] = "none; the pool adds ~1 thread/s",
            [Models.Threads] = "the OS", ["go"] = "asynchronous, by signal", ["java"] = "the OS (platform threads)",
            ["kotlin"] = "cooperative, at suspension points", ["python"] = "none: a hog blocks the loop", ["erlang"] = "by reductions",
            ["tokio"] = "cooperative, at .await (task budget)", ["node"] = "none: a hog blocks the loop",
        }),
        new("a blocking call (sleeper's rate beside 100 of them)", "blocking", "ratio", new Dictionary<string, string>
        {
            [Models.Weft] = "Go.Blocking hands the P on; undeclared, sysmon does", [Models.Tasks] = "holds a pool thread",
            [Models.Threads] = "blocks only its thread", ["go"] = "the P is handed on in syscalls", ["java"] = "blocks its thread",
            ["kotlin"] = "blocks its dispatcher thread (use Dispatchers.IO)", ["python"] = "blocks the loop (use run_in_executor)",
            ["erlang"] = "dirty schedulers for blocking NIFs", ["tokio"] = "spawn_blocking: its thread pool (a bare call blocks a worker)", ["node"] = "blocks the loop",
        }),
        new("communication (4→4 through a buffer of 1024, per item)", "prodcons", "ns_per_item", new Dictionary<string, string>
        {
            [Models.Weft] = "Chan<T>(1024)", [Models.Tasks] = "Channel.CreateBounded(1024)", [Models.Threads] = "BlockingCollection",
            ["go"] = "chan T (1024)", ["java"] = "ArrayBlockingQueue", ["kotlin"] = "Channel(1024)", ["python"] = "asyncio.Queue(1024)",
            ["erlang"] = "mailboxes (unbounded)", ["tokio"] = "mpsc::channel(1024), receiver behind a Mutex", ["node"] = "the Lab's channel class",
        }),
        new("supervision", null, null, new Dictionary<string, string>
        {
            [Models.Weft] = "panics reported; supervision trees planned", [Models.Tasks] = "exceptions surface at await", [Models.Threads] = "none",
            ["go"] = "none built in (errgroup)", ["java"] = "StructuredTaskScope (preview, JDK 21+)", ["kotlin"] = "coroutineScope / supervisorScope",
            ["python"] = "TaskGroup (3.11)", ["erlang"] = "links, monitors, OTP supervisors", ["tokio"] = "JoinSet; no supervision",
            ["node"] = "none built in",
        }),
        new("race prevention", null, null, new Dictionary<string, string>
        {
            [Models.Weft] = "none (shared memory; channels encouraged)", [Models.Tasks] = "none (shared memory)", [Models.Threads] = "none",
            ["go"] = "race detector (-race)", ["java"] = "none (shared memory)", ["kotlin"] = "none (shared memory)",
            ["python"] = "one thread: none needed between awaits", ["erlang"] = "no shared memory", ["tokio"] = "Send/Sync at compile time",
            ["node"] = "one thread: none needed between awaits",
        }),
    ];

    /// <summary>The workloads the measured rows need.</summary>
    public static IReadOnlyList<string> Workloads => Rows.Where(r => r.Workload is not null).Select(r => r.Workload!).Distinct().ToList();

    /// <summary>Measures the plan (its workloads are replaced by <see cref="Workloads"/>) and prints the table.</summary>
    public static int Execute(RunPlan plan, bool markdown, TextWriter output, TextWriter progress)
    {
        plan = plan with { Workloads = Workloads.Select(w => WorkloadRegistry.Find(w)!).ToList() };
        var report = Runner.Run(plan, p => progress.WriteLine($"… {p}"));
        output.Write(Render(report, markdown));
        return report.Runs.Any(r => r.Failed) ? 1 : 0;
    }

    /// <summary>
    /// The table of <paramref name="full"/> as markdown, or as plain text for a console, with the notes of the
    /// workloads it shows (a saved <c>compare</c> run may hold more).
    /// </summary>
    public static string Render(Report full, bool markdown)
    {
        var report = new Report();
        report.ModelOrder.AddRange(full.ModelOrder);
        report.Notes.AddRange(full.Notes);
        report.Runs.AddRange(full.Runs.Where(r => Workloads.Contains(r.Workload)));
        var table = new Table().Border(markdown ? TableBorder.Markdown : TableBorder.Rounded);
        table.AddColumn("");
        foreach (var (_, title) in Columns) table.AddColumn(title);
        foreach (var row in Rows)
        {
            var cells = new List<IRenderable> { new Text(row.Title) };
            foreach (var (model, _) in Columns) cells.Add(new Text(Cell(report, row, model, markdown)));
            table.AddRow(cells);
        }

        var text = MarkdownTable.ToText(table, markdown ? 100_000 : 240);
        var notes = new List<string>
        {
            "measured cells: the figure of this run (median of three where the workload repeats), then what the model does",
        };
        foreach (var (model, title) in Columns)
            if (!report.Runs.Any(r => r.Model == model && r.Figures.Count > 0)) notes.Add($"{title}: not measured in this run ({NotMeasured(model)})");
        notes.AddRange(MarkdownTable.NotesOf(report));
        return text + "\n" + string.Concat(notes.Select(n => (markdown ? "- " : "note: ") + n + "\n"));
    }

    /// <summary>One cell: the measured figure with its unit and the model's fact, or the fact alone.</summary>
    public static string Cell(Report report, Row row, string model, bool markdown)
    {
        string fact = row.Facts.TryGetValue(model, out var f) ? f : "";
        string? measured = null;
        if (row.Workload is not null && row.Figure is not null && report.Value(row.Workload, row.Figure, model) is { } v)
        {
            string unit = report.Figures.First(x => x.Workload == row.Workload && x.Name == row.Figure).Unit;
            measured = Format.WithUnit(v, unit);
        }

        var text = measured is null ? fact : fact.Length == 0 ? measured : $"{measured}: {fact}";
        return markdown ? text.Replace("|", "\\|") : text;
    }

    private static string NotMeasured(string model) => model switch
    {
        "java" => "no JDK installed, not selected, or not in the saved run; OpenJDK 17, the JDK packaged here, has no virtual threads (they need 21), so Loom cannot be measured here",
        "kotlin" => "no Kotlin toolchain is packaged here",
        "tokio" => "no cargo or librust-tokio-dev installed (Debian: apt-get install cargo librust-tokio-dev), not selected, or not in the saved run",
        _ => "its toolchain is not installed, it was not selected, or the saved run has no figures of it",
    };
}
