using Spectre.Console;
using Spectre.Console.Rendering;
using Weft.Lab.Peers;
using Weft.Lab.Workloads;

namespace Weft.Lab.Output;

/// <summary>
/// The comparison as a table — one row per workload figure, one column per model, each cell the value and (for models
/// other than the baseline) its ratio to the baseline — built once with Spectre.Console and rendered either for the
/// console or as a GitHub-flavoured markdown table.
/// </summary>
public static class MarkdownTable
{
    /// <summary>Renders <paramref name="report"/> as markdown (table, then the notes as a list); ratios to <paramref name="baseline"/>.</summary>
    public static string Render(Report report, string baseline = Models.Weft)
    {
        var text = ToText(Build(report, baseline, TableBorder.Markdown, markup: false), width: 100_000); // never wrap a markdown row
        var notes = NotesOf(report);
        if (notes.Count > 0) text += "\n" + string.Concat(notes.Select(n => "- " + n.Replace("|", "\\|") + "\n"));
        return text;
    }

    /// <summary>
    /// <paramref name="renderable"/> rendered as plain text (no colours, no ANSI codes) at <paramref name="width"/>
    /// columns, trailing spaces and blank lines removed.
    /// </summary>
    public static string ToText(IRenderable renderable, int width)
    {
        var output = new StringWriter { NewLine = "\n" };
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = width;
        console.Write(renderable);
        return string.Join('\n', output.ToString().Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0)) + "\n";
    }

    /// <summary>
    /// The comparison as a Spectre table with <paramref name="border"/>. With <paramref name="markup"/> ratios are
    /// grey and missing cells a grey dash (the console); without it every cell is plain text (markdown).
    /// </summary>
    public static Table Build(Report report, string baseline, TableBorder border, bool markup)
    {
        var models = report.ModelsSeen;
        var table = new Table().Border(border);
        table.AddColumn("workload");
        table.AddColumn("figure");
        foreach (var m in models) table.AddColumn(new TableColumn(m).RightAligned());
        foreach (var row in Rows(report))
        {
            var refValue = report.Value(row.Workload, row.Figure, baseline);
            var cells = new List<IRenderable> { Cell(row.Workload), Cell($"{row.Figure} ({row.Unit})") };
            foreach (var m in models)
            {
                var v = report.Value(row.Workload, row.Figure, m);
                string? ratio = v is not null && m != baseline && refValue is not null ? $"({Format.Ratio(Format.RatioOf(v, refValue))})" : null;
                if (v is null) cells.Add(markup ? new Markup("[grey]—[/]") : Cell("—"));
                else if (markup) cells.Add(new Markup(Format.Value(v.Value) + (ratio is null ? "" : $" [grey]{ratio}[/]")));
                else cells.Add(Cell(Format.Value(v.Value) + (ratio is null ? "" : " " + ratio)));
            }

            table.AddRow(cells);
        }

        return table;

        IRenderable Cell(string text) => new Text(markup ? text : text.Replace("|", "\\|"));
    }

    /// <summary>One row of a comparison: a workload's figure.</summary>
    public readonly record struct Row(string Workload, string Figure, string Unit);

    /// <summary>The rows of a comparison, in workload then figure order (known figures first, in their spec order).</summary>
    public static IReadOnlyList<Row> Rows(Report report)
    {
        var rows = new List<Row>();
        foreach (var w in report.WorkloadsSeen)
        {
            var spec = WorkloadRegistry.Find(w);
            var seen = report.Figures.Where(f => f.Workload == w).Select(f => (f.Name, f.Unit)).Distinct().ToList();
            var ordered = spec is null ? seen : seen.OrderBy(f => IndexOf(spec, f.Name)).ToList();
            rows.AddRange(ordered.Select(f => new Row(w, f.Name, f.Unit)));
        }

        return rows;
    }

    private static int IndexOf(Workload w, string figure)
    {
        for (int i = 0; i < w.Figures.Count; i++) if (w.Figures[i].Name == figure) return i;
        return int.MaxValue;
    }

    /// <summary>
    /// The notes of a report: sizes, general notes, the caveats of the figures shown (see <see cref="CaveatsOf"/>),
    /// then per run (skipped, failed, remarks).
    /// </summary>
    public static IReadOnlyList<string> NotesOf(Report report)
    {
        var notes = new List<string>();
        if (report.Runs.Any(r => r.Size > 0)) notes.Add(report.SizesLine());
        notes.AddRange(report.Notes);
        notes.AddRange(CaveatsOf(report));
        foreach (var r in report.Runs)
            if (r.Note is not null) notes.Add($"{r.Workload}/{r.Model}: {(r.Failed ? "FAILED: " : "")}{r.Note}");
        return notes;
    }

    /// <summary>
    /// The caveats (<see cref="Workload.Caveat"/>, <see cref="Peer.Caveat"/>) of every workload × model that has a
    /// figure in <paramref name="report"/>: they travel with the figures, also when a table is rendered from saved
    /// JSON lines. A caveat shared by every model of a workload is printed once for the workload.
    /// </summary>
    public static IReadOnlyList<string> CaveatsOf(Report report)
    {
        var notes = new List<string>();
        foreach (var workload in report.WorkloadsSeen)
        {
            var w = WorkloadRegistry.Find(workload);
            var models = report.Runs.Where(r => r.Workload == workload && r.Figures.Count > 0).Select(r => r.Model).Distinct().ToList();
            var caveats = models
                .SelectMany(m => new[] { w?.Caveat(m), Peer.Find(m)?.Caveat(workload) }.OfType<string>().Select(c => (Model: m, Text: c)))
                .GroupBy(c => c.Text);
            foreach (var g in caveats)
            {
                var who = g.Select(c => c.Model).Distinct().ToList();
                notes.Add(who.Count == models.Count && models.Count > 1 ? $"{workload}: {g.Key}" : $"{workload}/{string.Join(",", who)}: {g.Key}");
            }
        }

        return notes;
    }
}
