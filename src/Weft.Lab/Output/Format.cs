using System.Globalization;
using Weft.Lab.Measurement;

namespace Weft.Lab.Output;

/// <summary>Number formatting shared by every output, so a figure reads the same in a table, a line and a chart.</summary>
public static class Format
{
    /// <summary>A value with sensible precision: 3 significant decimals below 10, 1 below 1,000, none above.</summary>
    public static string Value(double v)
    {
        if (double.IsNaN(v)) return "n/a";
        double a = Math.Abs(v);
        string f = a == 0 ? "0" : a < 10 ? "0.###" : a < 1000 ? "0.#" : "#,0";
        return v.ToString(f, CultureInfo.InvariantCulture);
    }

    /// <summary>A value for machine-readable output: 4 significant digits, never rounding the integer part, at most 6 decimals.</summary>
    public static double Rounded(double v)
    {
        if (double.IsNaN(v) || double.IsInfinity(v) || v == 0) return v;
        int digits = Math.Clamp(3 - (int)Math.Floor(Math.Log10(Math.Abs(v))), 0, 6);
        return Math.Round(v, digits);
    }

    /// <summary>A value and its unit.</summary>
    public static string WithUnit(double v, string unit) => unit switch
    {
        "x" => Value(v) + "×",
        "%" => Value(v) + " %",
        _ => $"{Value(v)} {unit}",
    };

    /// <summary>A ratio like <c>0.25×</c>.</summary>
    public static string Ratio(double r) => double.IsNaN(r) || double.IsInfinity(r) ? "—" : r.ToString(r < 10 ? "0.00" : r < 100 ? "0.0" : "#,0", CultureInfo.InvariantCulture) + "×";

    /// <summary>
    /// <paramref name="value"/> ÷ <paramref name="baseline"/>, or NaN when either is missing or the baseline is 0 as
    /// printed (below 0.0005: a ratio to noise means nothing).
    /// </summary>
    public static double RatioOf(double? value, double? baseline) =>
        value is { } v && baseline is { } b && Math.Abs(b) >= 0.0005 ? v / b : double.NaN;
}

/// <summary>The results of one bench or compare run: every model's run of every workload, plus notes.</summary>
public sealed class Report
{
    /// <summary>The runs, in the order they happened.</summary>
    public List<ModelRun> Runs { get; } = [];

    /// <summary>General notes (missing toolchains, build errors of peers).</summary>
    public List<string> Notes { get; } = [];

    /// <summary>Every figure of every successful run.</summary>
    public IEnumerable<Figure> Figures => Runs.SelectMany(r => r.Figures);

    /// <summary>The preferred order of the model columns (the plan's order); models not in it come after.</summary>
    public List<string> ModelOrder { get; } = [];

    /// <summary>The models that appear in the report, in <see cref="ModelOrder"/>, then first-seen order.</summary>
    public IReadOnlyList<string> ModelsSeen => Runs.Select(r => r.Model).Distinct()
        .OrderBy(m => ModelOrder.IndexOf(m) is var i && i >= 0 ? i : int.MaxValue).ToList();

    /// <summary>The workloads that appear in the report, in first-seen order.</summary>
    public IReadOnlyList<string> WorkloadsSeen => Runs.Select(r => r.Workload).Distinct().ToList();

    /// <summary>The size <paramref name="workload"/> ran at (the first run that knows it), or 0.</summary>
    public long SizeOf(string workload) => Runs.FirstOrDefault(r => r.Workload == workload && r.Size > 0)?.Size ?? 0;

    /// <summary>One line listing the size of each workload, e.g. <c>sizes: skynet 1,000,000 leaves; sleep 1,000 ms</c>.</summary>
    public string SizesLine() => "sizes: " + string.Join("; ", WorkloadsSeen.Where(w => SizeOf(w) > 0)
        .Select(w => $"{w} {SizeOf(w):N0} {Workloads.WorkloadRegistry.Find(w)?.SizeUnit ?? ""}".TrimEnd()));

    /// <summary>The value of one figure, or null.</summary>
    public double? Value(string workload, string figure, string model) =>
        Runs.FirstOrDefault(r => r.Workload == workload && r.Model == model && r.Value(figure) is not null)?.Value(figure);
}
