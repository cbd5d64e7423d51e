using System.Globalization;
using Weft.Lab.Measurement;

namespace Weft.Lab.Peers;

/// <summary>
/// The line format the peers' programs print, one fact per line, fields separated by spaces:
/// <code>
/// result &lt;workload&gt; &lt;figure&gt; &lt;value&gt; &lt;unit&gt;     a measured figure, e.g. "result skynet ms 1561.2 ms"
/// check &lt;workload&gt; &lt;name&gt; &lt;value&gt;            a computed answer the Lab verifies, e.g. "check skynet sum 499999500000"
/// error &lt;message...&gt;                            the program could not do the work
/// </code>
/// Any other line is informational and ignored. Values use '.' as the decimal separator. A program that measures
/// several runs prints each run's result lines in turn; a figure name seen again starts the next run.
/// </summary>
public static class PeerOutput
{
    /// <summary>What a peer printed.</summary>
    /// <param name="Figures">The figures, attributed to the peer's model.</param>
    /// <param name="Checks">Computed answers, every one printed (one per measured run).</param>
    /// <param name="Errors">Error lines and malformed result lines.</param>
    public sealed record Parsed(IReadOnlyList<Figure> Figures, IReadOnlyList<(string Workload, string Name, string Value)> Checks, IReadOnlyList<string> Errors)
    {
        /// <summary>The figures split into runs: a (workload, figure) already in the current run starts a new one.</summary>
        public IReadOnlyList<IReadOnlyList<Figure>> Runs
        {
            get
            {
                var runs = new List<IReadOnlyList<Figure>>();
                var current = new List<Figure>();
                foreach (var f in Figures)
                {
                    if (current.Any(c => c.Workload == f.Workload && c.Name == f.Name))
                    {
                        runs.Add(current);
                        current = [];
                    }

                    current.Add(f);
                }

                if (current.Count > 0) runs.Add(current);
                return runs;
            }
        }
    }

    /// <summary>Parses a peer's standard output; <paramref name="model"/> is the peer's name (go, erlang, node).</summary>
    public static Parsed Parse(string model, string? stdout)
    {
        var figures = new List<Figure>();
        var checks = new List<(string, string, string)>();
        var errors = new List<string>();
        foreach (var raw in (stdout ?? "").Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0) continue;
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            switch (parts[0])
            {
                case "result":
                    if (parts.Length == 5 &&
                        double.TryParse(parts[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) &&
                        double.IsFinite(value))
                        figures.Add(new Figure(parts[1], parts[2], model, value, parts[4]));
                    else errors.Add($"malformed result line: {line}");
                    break;
                case "check":
                    if (parts.Length == 4) checks.Add((parts[1], parts[2], parts[3]));
                    else errors.Add($"malformed check line: {line}");
                    break;
                case "error":
                    errors.Add(line.Length > 6 ? line[6..].Trim() : "error");
                    break;
            }
        }

        return new Parsed(figures, checks, errors);
    }
}
