using System.Globalization;
using Weft.Lab.Measurement;
using Weft.Lab.Output;
using Weft.Lab.Workloads;

namespace Weft.Lab.Commands;

/// <summary>
/// <c>trace &lt;workload&gt; --out FILE</c>: records a Perfetto trace of the workload's <c>weft</c> model and measures
/// what recording costs, in the same run: the workload alternates untraced and traced runs (each the median of the
/// workload's repeats), and the overhead is the traced median over the untraced one.
/// </summary>
public static class TraceCommand
{
    /// <summary>Untraced and traced runs each, unless <c>--pairs</c> says otherwise; they alternate so drift on a shared machine hits both alike.</summary>
    public const int Pairs = 3;

    /// <summary>
    /// Runs the command (with <paramref name="coarseInstants"/>, recording with <see cref="Trace.PreciseInstants"/> off;
    /// <paramref name="pairs"/> untraced and traced runs). Returns the exit code.
    /// </summary>
    public static int Execute(string workloadName, string output, long? size, bool quick, bool json, TextWriter stdout, TextWriter stderr,
        bool coarseInstants = false, int pairs = Pairs)
    {
        if (pairs < 1) throw new ArgumentException("trace: --pairs must be at least 1");
        var workload = WorkloadRegistry.Find(workloadName)
            ?? throw new ArgumentException($"trace: unknown workload '{workloadName}'; known: {string.Join(", ", WorkloadRegistry.All.Select(w => w.Name))}");
        if (!workload.Models.Contains(Models.Weft)) throw new ArgumentException($"trace: {workload.Name} has no weft model");
        if (string.IsNullOrWhiteSpace(output)) throw new ArgumentException("trace: --out needs a file name");
        long n = workload.NormalizeSize(size ?? (quick ? workload.QuickSize : workload.DefaultSize));
        var spec = workload.Figures[0];

        workload.Run(Models.Weft, n, warmup: true); // JIT and caches warm for both sides
        bool preciseBefore = Trace.PreciseInstants;
        Trace.PreciseInstants = !coarseInstants;
        try
        {
            return Compare(workload, n, spec, output, json, pairs, stdout, stderr);
        }
        finally
        {
            Trace.PreciseInstants = preciseBefore;
        }
    }

    private static int Compare(Workload workload, long n, FigureSpec spec, string output, bool json, int pairs, TextWriter stdout, TextWriter stderr)
    {
        var off = new List<double>();
        var on = new List<double>();
        TraceSummary? summary = null;
        for (int i = 0; i < pairs; i++)
        {
            off.Add(Measure(workload, n, spec, stderr));
            bool last = i == pairs - 1;
            // Earlier traced runs are written (the same work) to nowhere: a gigabyte kept in a MemoryStream would weigh on
            // the GC of every run after it.
            Stream sink = last ? new FileStream(output, FileMode.Create, FileAccess.Write) : Stream.Null;
            try
            {
                Trace.Start(sink);
                try
                {
                    on.Add(Measure(workload, n, spec, stderr));
                }
                finally
                {
                    var s = Trace.Stop();
                    if (last) summary = s;
                }
            }
            finally
            {
                sink.Dispose();
            }
        }

        double offMedian = Median(off), onMedian = Median(on);
        double overhead = spec.LowerIsBetter ? (onMedian / offMedian - 1) * 100 : (offMedian / onMedian - 1) * 100;
        if (json)
        {
            JsonLines.Write(stdout, [new Figure("trace", "overhead_pct", Models.Weft, Math.Round(overhead, 2), "%")]);
        }
        else
        {
            var c = CultureInfo.InvariantCulture;
            stdout.WriteLine(string.Create(c, $"{workload.Name} ({spec.Name}, size {n:N0}): untraced {Format(off, c)} → median {offMedian:0.##}"));
            stdout.WriteLine(string.Create(c, $"{workload.Name} ({spec.Name}, size {n:N0}): traced   {Format(on, c)} → median {onMedian:0.##}"));
            stdout.WriteLine(string.Create(c, $"tracing overhead: {overhead:+0.0;-0.0}% (clock: {(Weft.Tracing.TraceClock.IsTsc ? "TSC" : "Stopwatch")}, {(Trace.PreciseInstants ? "precise" : "coarse")} instants)"));
            if (summary is not null)
            {
                stdout.WriteLine(string.Create(c,
                    $"wrote {output}: {summary.Bytes / 1e6:0.0} MB, {summary.Events:N0} events, {summary.GoroutineSlices:N0} goroutine steps (open it at https://ui.perfetto.dev)"));
            }
        }

        return 0;
    }

    private static double Measure(Workload workload, long n, FigureSpec spec, TextWriter stderr)
    {
        var run = workload.Run(Models.Weft, n, warmup: false);
        if (run.Failed || run.Value(spec.Name) is not { } v)
            throw new InvalidOperationException($"trace: the {workload.Name} run failed: {run.Note}");
        return v;
    }

    private static string Format(List<double> values, IFormatProvider c) => string.Join(", ", values.Select(v => v.ToString("0.##", c)));

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
