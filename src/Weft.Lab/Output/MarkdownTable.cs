using System.Text;
using Weft.Lab.Workloads;

namespace Weft.Lab.Output;

/// <summary>
/// The comparison as a GitHub-flavoured markdown table: one row per workload figure, one column per model, each
/// cell the value and (for models other than the reference) its ratio to the reference model (Weft).
/// </summary>
public static class MarkdownTable
{
    /// <summary>Renders <paramref name="report"/>; <paramref name="reference"/> is the model ratios are taken to.</summary>
    public static string Render(Report report, string reference = Models.Weft)
    {
        var models = report.ModelsSeen;
        var sb = new StringBuilder();
        sb.Append("| workload | figure |");
        foreach (var m in models) sb.Append(' ').Append(m).Append(" |");
        sb.AppendLine();
        sb.Append("|---|---|");
        foreach (var _ in models) sb.Append("---:|");
        sb.AppendLine();
        foreach (var row in Rows(report))
        {
            sb.Append("| ").Append(row.Workload).Append(" | ").Append(Escape(row.Figure)).Append(" (").Append(Escape(row.Unit)).Append(") |");
            double? refValue = report.Value(row.Workload, row.Figure, reference);
            foreach (var m in models)
            {
                var v = report.Value(row.Workload, row.Figure, m);
                sb.Append(' ');
                if (v is null) sb.Append('—');
                else
                {
                    sb.Append(Format.Value(v.Value));
                    if (m != reference && refValue is not null) sb.Append(" (").Append(Format.Ratio(Format.RatioOf(v, refValue))).Append(')');
                }

                sb.Append(" |");
            }

            sb.AppendLine();
        }

        var notes = NotesOf(report);
        if (notes.Count > 0)
        {
            sb.AppendLine();
            foreach (var n in notes) sb.Append("- ").AppendLine(Escape(n));
        }

        return sb.ToString();
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

    /// <summary>The notes of a report: general notes, then per run (skipped, failed, remarks).</summary>
    public static IReadOnlyList<string> NotesOf(Report report)
    {
        var notes = new List<string>();
        if (report.Runs.Any(r => r.Size > 0)) notes.Add(report.SizesLine());
        notes.AddRange(report.Notes);
        foreach (var r in report.Runs)
            if (r.Note is not null) notes.Add($"{r.Workload}/{r.Model}: {(r.Failed ? "FAILED: " : "")}{r.Note}");
        return notes;
    }

    private static string Escape(string s) => s.Replace("|", "\\|");
}
