using System.Text;
using Weft.Lab.Measurement;
using Weft.Lab.Output;
using Weft.Lab.Workloads;

namespace Weft.Lab.Commands;

/// <summary>
/// <c>bench &lt;workload|all&gt;</c>: runs one workload (or all) for each selected model (each in its own process unless
/// <c>--in-process</c>) and
/// prints one line per model with its ratio to the baseline model (<c>tasks</c> by default); <c>--json</c> prints the
/// DESIGN §1 line format instead.
/// </summary>
public static class BenchCommand
{
    /// <summary>The models bench runs by default: the in-process ones.</summary>
    public static IReadOnlyList<string> DefaultModels { get; } = [Models.Weft, Models.Tasks, Models.Threads];

    /// <summary>
    /// The default models for <paramref name="workloads"/>: <see cref="DefaultModels"/>, plus the extra models every
    /// one of them asks for (<c>bench http</c> also runs Kestrel and Go; <c>bench all</c> does not).
    /// </summary>
    public static IReadOnlyList<string> DefaultModelsFor(IReadOnlyList<Workload> workloads)
    {
        var extras = workloads.Count == 0 ? [] : workloads.Select(w => (IEnumerable<string>)w.ExtraDefaultModels).Aggregate((a, b) => a.Intersect(b));
        return [.. DefaultModels, .. extras];
    }

    /// <summary>Runs the command; returns the exit code (1 when a run failed).</summary>
    public static int Execute(RunPlan plan, bool json, string baseline, TextWriter output, TextWriter progress)
    {
        var report = Runner.Run(plan,
            p => progress.WriteLine($"… {p}"),
            run =>
            {
                if (json) JsonLines.Write(output, run.Figures);
            });
        if (!json) output.Write(Text(report, baseline));
        else foreach (var n in MarkdownTable.NotesOf(report)) progress.WriteLine("note: " + n);
        return report.Runs.Any(r => r.Failed) ? 1 : 0;
    }

    /// <summary>The human-readable bench output: per workload a header, then one line per model.</summary>
    public static string Text(Report report, string baseline)
    {
        var sb = new StringBuilder();
        foreach (var workload in report.WorkloadsSeen)
        {
            var w = WorkloadRegistry.Find(workload);
            sb.AppendLine($"{workload}: {w?.Description}");
            var runs = report.Runs.Where(r => r.Workload == workload).ToList();
            int pad = runs.Max(r => r.Model.Length) + 2;
            foreach (var run in runs)
            {
                sb.Append("  ").Append(run.Model.PadRight(pad));
                if (run.Figures.Count == 0)
                {
                    sb.AppendLine(run.Failed ? "FAILED: " + run.Note : "skipped: " + run.Note);
                    continue;
                }

                var parts = new List<string>();
                foreach (var f in run.Figures)
                {
                    var part = $"{f.Name} {Format.WithUnit(f.Value, f.Unit)}";
                    var b = report.Value(workload, f.Name, baseline);
                    if (run.Model != baseline && b is not null) part += $" ({Format.Ratio(Format.RatioOf(f.Value, b))} {baseline})";
                    parts.Add(part);
                }

                sb.Append(string.Join(" · ", parts));
                if (run.Note is not null) sb.Append("   [").Append(run.Note).Append(']');
                sb.AppendLine();
            }
        }

        foreach (var n in report.Notes.Concat(MarkdownTable.CaveatsOf(report))) sb.AppendLine("note: " + n);
        return sb.ToString();
    }
}
