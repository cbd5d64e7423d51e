using System.Globalization;
using System.Security;
using System.Text;
using Weft.Lab.Workloads;

namespace Weft.Lab.Output;

/// <summary>
/// The comparison as an SVG chart readable without the table: one bar group per workload (a <c>&lt;g
/// class="workload"&gt;</c>), inside it one cluster per figure with a horizontal bar per model, each labelled with its
/// value and unit, and whether lower or higher is better. A figure whose values spread over more than 20× is drawn
/// on a log scale (and says so).
/// </summary>
public static class SvgChart
{
    private const int Width = 920;
    private const int LabelWidth = 120;
    private const int BarLeft = 130;
    private const int BarMax = 600;
    private const int BarHeight = 16;
    private const int RowGap = 4;

    /// <summary>Colours per model, stable across charts.</summary>
    public static string ColorOf(string model) => model switch
    {
        Models.Weft => "#2b7bb9",
        Models.WeftDeclared => "#6fa8dc",
        Models.Tasks => "#7b4fa0",
        Models.TasksRun => "#a47cc4",
        Models.TasksCall => "#c9b3dd",
        Models.TasksLong => "#5a3576",
        Models.Threads => "#999999",
        "go" => "#00add8",
        "erlang" => "#a90533",
        "node" => "#3c873a",
        "python" => "#ffd43b",
        "java" => "#b07219",
        _ => "#e69138",
    };

    /// <summary>Renders <paramref name="report"/> as a complete SVG document.</summary>
    public static string Render(Report report, string? title = null)
    {
        var body = new StringBuilder();
        int y = 20;
        title ??= "Weft Lab — concurrency models compared";
        body.Append(Text(10, y + 6, title, 18, "bold"));
        y += 24;
        body.Append(Text(10, y + 4, $"{Environment.ProcessorCount} cores · .NET {Environment.Version} · {DateTime.UtcNow:yyyy-MM-dd} · bars: " +
            string.Join(", ", report.ModelsSeen), 11, null, "#555"));
        y += 18;
        var rows = MarkdownTable.Rows(report);
        foreach (var workload in report.WorkloadsSeen)
        {
            var spec = WorkloadRegistry.Find(workload);
            body.Append(CultureInfo.InvariantCulture, $"<g class=\"workload\" data-workload=\"{Esc(workload)}\">\n");
            y += 14;
            long size = report.SizeOf(workload);
            body.Append(Text(10, y, workload + (spec is null ? "" : " — " + spec.Description), 15, "bold"));
            if (size > 0)
            {
                y += 15;
                body.Append(Text(10, y, $"ran at {size:N0} {spec?.SizeUnit ?? ""}".TrimEnd(), 11, null, "#555"));
            }

            y += 8;
            foreach (var row in rows.Where(r => r.Workload == workload))
            {
                var values = report.ModelsSeen
                    .Select(m => (Model: m, Value: report.Value(workload, row.Figure, m)))
                    .Where(v => v.Value is { } x && double.IsFinite(x))
                    .Select(v => (v.Model, Value: Shown(v.Value!.Value)))
                    .ToList();
                if (values.Count == 0) continue;
                bool lower = spec?.Figures.FirstOrDefault(f => f.Name == row.Figure)?.LowerIsBetter ?? true;
                double max = values.Max(v => v.Value);
                double minPos = values.Where(v => v.Value > 0).Select(v => v.Value).DefaultIfEmpty(max).Min();
                bool log = minPos > 0 && max / minPos > 20;
                y += 18;
                body.Append(CultureInfo.InvariantCulture, $"<g class=\"figure\" data-figure=\"{Esc(row.Figure)}\">\n");
                body.Append(Text(20, y, $"{row.Figure} ({row.Unit}) — {(lower ? "lower" : "higher")} is better{(log ? " · log scale" : "")}", 12, null, "#333"));
                y += 6;
                foreach (var (model, value) in values)
                {
                    double frac = Scale(value, minPos, max, log);
                    int w = Math.Max(1, (int)Math.Round(frac * BarMax));
                    body.Append(Text(LabelWidth, y + BarHeight - 3, model, 12, null, "#222", "end"));
                    body.Append(CultureInfo.InvariantCulture,
                        $"<rect class=\"bar\" data-model=\"{Esc(model)}\" x=\"{BarLeft}\" y=\"{y}\" width=\"{w}\" height=\"{BarHeight}\" fill=\"{ColorOf(model)}\"><title>{Esc(model)}: {Esc(Format.WithUnit(value, row.Unit))}</title></rect>\n");
                    body.Append(Text(BarLeft + w + 6, y + BarHeight - 3, Format.WithUnit(value, row.Unit), 11, null, "#222"));
                    y += BarHeight + RowGap;
                }

                body.Append("</g>\n");
            }

            body.Append("</g>\n");
            y += 10;
        }

        var notes = MarkdownTable.NotesOf(report);
        foreach (var line in notes.Take(40).SelectMany(n => Wrap("note: " + n, 150)))
        {
            y += 14;
            body.Append(Text(10, y, line, 10, null, "#666"));
        }

        y += 16;
        var sb = new StringBuilder();
        sb.Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.Append(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{y}\" viewBox=\"0 0 {Width} {y}\" font-family=\"Helvetica, Arial, sans-serif\">\n");
        sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"0\" y=\"0\" width=\"{Width}\" height=\"{y}\" fill=\"white\"/>\n");
        sb.Append(body);
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    /// <summary>A value as drawn: what prints as 0 (below 0.0005) is drawn as 0, so noise does not get a long bar.</summary>
    public static double Shown(double value) => Math.Abs(value) < 0.0005 ? 0 : value;

    /// <summary>Splits a text into lines of at most <paramref name="width"/> characters, at spaces where possible.</summary>
    public static IEnumerable<string> Wrap(string text, int width)
    {
        while (text.Length > width)
        {
            int cut = text.LastIndexOf(' ', width);
            if (cut <= 0) cut = width;
            yield return text[..cut];
            text = "    " + text[cut..].TrimStart();
        }

        yield return text;
    }

    /// <summary>The bar length as a fraction of the longest, linear or logarithmic (a decade floor below the smallest value).</summary>
    public static double Scale(double value, double minPositive, double max, bool log)
    {
        if (max <= 0 || value <= 0) return 0;
        if (!log) return value / max;
        double lo = Math.Log10(minPositive) - 1;
        return (Math.Log10(value) - lo) / (Math.Log10(max) - lo);
    }

    private static string Text(int x, int y, string text, int size, string? weight = null, string color = "#000", string anchor = "start") =>
        string.Create(CultureInfo.InvariantCulture,
            $"<text x=\"{x}\" y=\"{y}\" font-size=\"{size}\"{(weight is null ? "" : $" font-weight=\"{weight}\"")} fill=\"{color}\" text-anchor=\"{anchor}\">{Esc(text)}</text>\n");

    private static string Esc(string s) => SecurityElement.Escape(s) ?? "";
}
