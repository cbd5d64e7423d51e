using System.Text;
using System.Text.Json;
using Weft.Lab.Measurement;

namespace Weft.Lab.Output;

/// <summary>
/// The line format of DESIGN §1: one JSON object per figure and line,
/// <c>{"workload":"skynet","figure":"ms","model":"weft","value":312.5,"unit":"ms"}</c>.
/// </summary>
public static class JsonLines
{
    /// <summary>One figure as one JSON line (no newline).</summary>
    public static string Line(Figure f)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("workload", f.Workload);
            w.WriteString("figure", f.Name);
            w.WriteString("model", f.Model);
            double v = Format.Rounded(f.Value);
            if (double.IsFinite(v)) w.WriteNumber("value", v);
            else w.WriteNull("value");
            w.WriteString("unit", f.Unit);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes every figure of <paramref name="figures"/>, one per line.</summary>
    public static void Write(TextWriter output, IEnumerable<Figure> figures)
    {
        foreach (var f in figures) output.WriteLine(Line(f));
    }

    /// <summary>
    /// One whole run as one JSON line — <c>{"run":{"workload":…,"model":…,"size":…,"failed":…,"note":…,"figures":[…]}}</c>
    /// — how an isolated child process hands its run back to the Lab.
    /// </summary>
    public static string RunLine(ModelRun run) => JsonSerializer.Serialize(new RunEnvelope(new RunRecord(
        run.Workload, run.Model, run.Size, run.Failed, run.Note,
        run.Figures.Select(f => new FigureRecord(f.Name, f.Value, f.Unit)).ToList())), Options);

    /// <summary>True for a line written by <see cref="RunLine"/>.</summary>
    public static bool IsRunLine(string line) => line.StartsWith("{\"run\":", StringComparison.Ordinal);

    /// <summary>Parses a line written by <see cref="RunLine"/>.</summary>
    /// <exception cref="JsonException">Not a run line.</exception>
    public static ModelRun ParseRun(string line)
    {
        var r = JsonSerializer.Deserialize<RunEnvelope>(line, Options)?.Run ?? throw new JsonException("not a run line");
        var figures = (r.Figures ?? []).Select(f => new Figure(r.Workload, f.Name, r.Model, f.Value ?? double.NaN, f.Unit)).ToList();
        return new ModelRun(r.Workload, r.Model, figures, r.Note, r.Failed) { Size = r.Size };
    }

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private sealed record RunEnvelope(RunRecord Run);

    private sealed record RunRecord(string Workload, string Model, long Size, bool Failed, string? Note, List<FigureRecord>? Figures);

    private sealed record FigureRecord(string Name, double? Value, string Unit);

    /// <summary>Parses one line back (for tests and tools).</summary>
    /// <exception cref="JsonException">Not a figure line.</exception>
    public static Figure Parse(string line)
    {
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        return new Figure(
            root.GetProperty("workload").GetString()!,
            root.GetProperty("figure").GetString()!,
            root.GetProperty("model").GetString()!,
            root.GetProperty("value").ValueKind == JsonValueKind.Null ? double.NaN : root.GetProperty("value").GetDouble(),
            root.GetProperty("unit").GetString()!);
    }
}
