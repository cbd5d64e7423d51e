using Spectre.Console;
using Weft.Lab.Measurement;
using Weft.Lab.Output;
using Weft.Lab.Workloads;

namespace Weft.Lab.Commands;

/// <summary>
/// <c>compare</c>: every selected workload × every available model (in-process and peers), as a table with each
/// figure and its ratio to Weft; <c>--json</c>, <c>--markdown</c>, and <c>--chart FILE.svg</c>.
/// </summary>
public static class CompareCommand
{
    /// <summary>Runs the command; returns the exit code (1 when a run failed).</summary>
    public static int Execute(RunPlan plan, bool json, bool markdown, string? chart, TextWriter output, TextWriter progress)
    {
        var report = Runner.Run(plan, p => progress.WriteLine($"… {p}"), run =>
        {
            if (json) JsonLines.Write(output, run.Figures);
        });
        return Render(report, json, markdown, chart, output, progress, jsonWritten: true);
    }

    /// <summary>
    /// Rebuilds a report from JSON lines saved by an earlier <c>--json</c> run (bench or compare), so its table and
    /// chart can be rendered again without measuring. Lines that are not figures are skipped.
    /// </summary>
    public static Report FromJsonLines(IEnumerable<string> lines)
    {
        var report = new Report();
        report.ModelOrder.AddRange(RunPlan.AllModels);
        var figures = new List<Figure>();
        foreach (var line in lines)
        {
            if (!line.TrimStart().StartsWith('{')) continue;
            try
            {
                figures.Add(JsonLines.Parse(line));
            }
            catch (System.Text.Json.JsonException)
            {
            }
            catch (KeyNotFoundException)
            {
            }
        }

        foreach (var g in figures.GroupBy(f => (f.Workload, f.Model)))
            report.Runs.Add(new ModelRun(g.Key.Workload, g.Key.Model, g.ToList()));
        return report;
    }

    /// <summary>
    /// Prints a report as JSON lines (unless <paramref name="jsonWritten"/>: they were streamed while measuring), the
    /// markdown table, or the console table, and writes the chart; returns 1 when a run failed.
    /// </summary>
    public static int Render(Report report, bool json, bool markdown, string? chart, TextWriter output, TextWriter progress, bool jsonWritten = false)
    {
        if (json && !jsonWritten) JsonLines.Write(output, report.Figures);
        if (markdown) output.Write(MarkdownTable.Render(report));
        else if (!json)
        {
            if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 200; // a file or pipe: do not wrap at 80
            Table(report, AnsiConsole.Console);
        }
        else foreach (var n in MarkdownTable.NotesOf(report)) progress.WriteLine("note: " + n);

        if (chart is not null)
        {
            File.WriteAllText(chart, SvgChart.Render(report));
            progress.WriteLine($"chart written to {chart}");
        }

        return report.Runs.Any(r => r.Failed) ? 1 : 0;
    }

    /// <summary>Renders the comparison as a Spectre table: one row per figure, one column per model, ratios to Weft.</summary>
    public static void Table(Report report, IAnsiConsole console)
    {
        var models = report.ModelsSeen;
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]Weft Lab — models compared[/] (ratio to weft in parentheses)");
        table.AddColumn("workload");
        table.AddColumn("figure");
        foreach (var m in models) table.AddColumn(new TableColumn(m).RightAligned());
        foreach (var row in MarkdownTable.Rows(report))
        {
            var refValue = report.Value(row.Workload, row.Figure, Models.Weft);
            var cells = new List<string> { row.Workload, Markup.Escape($"{row.Figure} ({row.Unit})") };
            foreach (var m in models)
            {
                var v = report.Value(row.Workload, row.Figure, m);
                if (v is null)
                {
                    cells.Add("[grey]—[/]");
                    continue;
                }

                var cell = Format.Value(v.Value);
                if (m != Models.Weft && refValue is not null) cell += $" [grey]({Format.Ratio(Format.RatioOf(v, refValue))})[/]";
                cells.Add(cell);
            }

            table.AddRow(cells.ToArray());
        }

        console.Write(table);
        foreach (var n in MarkdownTable.NotesOf(report)) console.MarkupLine("[grey]note:[/] " + Markup.Escape(n));
    }
}
