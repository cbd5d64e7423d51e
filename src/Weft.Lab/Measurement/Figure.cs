namespace Weft.Lab.Measurement;

/// <summary>One measured figure: the unit of every output format (one JSON line, one table cell, one bar).</summary>
/// <param name="Workload">The workload's fixed name (DESIGN §1), e.g. <c>skynet</c>.</param>
/// <param name="Name">The figure's fixed name, e.g. <c>ms</c> or <c>ns_per_roundtrip</c>.</param>
/// <param name="Model">The model that produced it: <c>weft</c>, <c>tasks</c>, <c>threads</c>, <c>go</c>, ...</param>
/// <param name="Value">The measured value.</param>
/// <param name="Unit">The unit, e.g. <c>ms</c>, <c>ns</c>, <c>bytes</c>.</param>
public sealed record Figure(string Workload, string Name, string Model, double Value, string Unit);

/// <summary>The description of a figure a workload reports.</summary>
/// <param name="Name">The fixed figure name.</param>
/// <param name="Unit">Its unit.</param>
/// <param name="LowerIsBetter">True for costs (time, bytes, lateness); false for rates and ratios.</param>
/// <param name="Title">A short human title for tables and charts.</param>
public sealed record FigureSpec(string Name, string Unit, bool LowerIsBetter, string Title);

/// <summary>What one model's run of a workload produced.</summary>
/// <param name="Workload">The workload.</param>
/// <param name="Model">The model.</param>
/// <param name="Figures">The figures measured (empty when the run was skipped or failed).</param>
/// <param name="Note">Why the model was skipped, how it failed, or a remark worth printing with the figures.</param>
/// <param name="Failed">True when the run failed (as opposed to being skipped or succeeding).</param>
public sealed record ModelRun(string Workload, string Model, IReadOnlyList<Figure> Figures, string? Note = null, bool Failed = false)
{
    /// <summary>The size the workload ran at (0 when unknown).</summary>
    public long Size { get; init; }

    /// <summary>The value of the figure <paramref name="name"/>, or null.</summary>
    public double? Value(string name) => Figures.FirstOrDefault(f => f.Name == name)?.Value;

    /// <summary>A run that did not happen, with the reason.</summary>
    public static ModelRun Skipped(string workload, string model, string note) => new(workload, model, [], note);

    /// <summary>A run that failed, with the error.</summary>
    public static ModelRun Failure(string workload, string model, string error) => new(workload, model, [], error, Failed: true);
}
