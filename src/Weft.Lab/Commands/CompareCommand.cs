using Spectre.Console;
using Weft.Lab.Measurement;
using Weft.Lab.Output;
using Weft.Lab.Workloads;

namespace Weft.Lab.Commands;

/// <summary>
/// <c>compare</c>: every selected workload × every available model (in-process and peers), as a table with each
/// figure and its ratio to the baseline model (Weft by default); <c>--json</c>, <c>--markdown</c>, and <c>--chart FILE.svg</c>.
/// </summary>
public static class CompareCommand
{
    /// <summary>Runs the command; returns the exit code (1 when a run failed).</summary>
    public static int Execute(RunPlan plan, bool json, bool markdown, string? chart, TextWriter output, TextWriter progress, string baseline = Models.Weft)
    {
        var report = Runner.Run(plan, p => progress.WriteLine($"… {p}"), run =>
        {
            if (json) JsonLines.Write(output, run.Figures);
        });
        return Render(report, json, markdown, chart, output, progress, jsonWritten: true, baseline);
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
    /// markdown table, or the console table, and writes the chart; returns 1 when a run failed. Ratios are to
    /// <paramref name="baseline"/>.
    /// </summary>
    public static int Render(Report report, bool json, bool markdown, string? chart, TextWriter output, TextWriter progress,
        bool jsonWritten = false, string baseline = Models.Weft)
    {
        if (json && !jsonWritten) JsonLines.Write(output, report.Figures);
        if (markdown) output.Write(MarkdownTable.Render(report, baseline));
        else if (!json)
        {
            if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 200; // a file or pipe: do not wrap at 80
            Table(report, AnsiConsole.Console, baseline);
        }
        else foreach (var n in MarkdownTable.NotesOf(report)) progress.WriteLine("note: " + n);

        if (chart is not null)
        {
            File.WriteAllText(chart, SvgChart.Render(report));
            progress.WriteLine($"chart written to {chart}");
        }

        return report.Runs.Any(r => r.Failed) ? 1 : 0;
    }

    /// <summary>Renders the comparison as a console table: one row per figure, one column per model, ratios to <paramref name="baseline"/>.</summary>
    public static void Table(Report report, IAnsiConsole console, string baseline = Models.Weft)
    {
        var table = MarkdownTable.Build(report, baseline, TableBorder.Rounded, markup: true)
            .Title($"[bold]Weft Lab — models compared[/] (ratio to {Markup.Escape(baseline)} in parentheses)");
        console.Write(table);
        foreach (var n in MarkdownTable.NotesOf(report)) console.MarkupLine("[grey]note:[/] " + Markup.Escape(n));
    }
}
