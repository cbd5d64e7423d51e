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
