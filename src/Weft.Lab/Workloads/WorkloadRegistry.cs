using System.Globalization;

namespace Weft.Lab.Workloads;

/// <summary>Every workload of the Lab, in the order of DESIGN §1, and the parsing of names and sizes.</summary>
public static class WorkloadRegistry
{
    /// <summary>All workloads.</summary>
    public static IReadOnlyList<Workload> All { get; } =
    [
        new SpawnWorkload(),
        new SkynetWorkload(),
        new SkynetAwaitWorkload(),
        new PingPongWorkload(),
        new PipelineWorkload(),
        new ProdConsWorkload(),
        new SelectWorkload(),
        new HogWorkload(),
        new BlockingWorkload(),
        new SleepWorkload(),
        new YieldWorkload(),
        new C10kWorkload(),
        new MutexWorkload(),
        new ContextWorkload(),
        new ScopeWorkload(),
        new HttpWorkload(),
        new HttpIdleWorkload(),
        new UdpWorkload(),
        new ActorsWorkload(),
    ];

    /// <summary>The workload named <paramref name="name"/>, or null.</summary>
    public static Workload? Find(string name) => All.FirstOrDefault(w => string.Equals(w.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Resolves a comma-separated list of workload names (<c>all</c> or empty for every workload).
    /// </summary>
    /// <exception cref="ArgumentException">A name is unknown.</exception>
    public static IReadOnlyList<Workload> Select(string? names)
    {
        if (string.IsNullOrWhiteSpace(names) || names.Trim() == "all") return All;
        var list = new List<Workload>();
        foreach (var name in Split(names))
        {
            var w = Find(name) ?? throw new ArgumentException(
                $"unknown workload '{name}'; known: {string.Join(", ", All.Select(x => x.Name))}, all");
            if (!list.Contains(w)) list.Add(w);
        }

        return list;
    }

    /// <summary>Splits a comma-separated option value.</summary>
    public static IEnumerable<string> Split(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Parses a size: digits with an optional k/M/G suffix and optional underscores (<c>1M</c>, <c>10_000</c>, <c>2.5k</c>).</summary>
    /// <exception cref="FormatException">Not a size.</exception>
    public static long ParseSize(string text)
    {
        var t = text.Trim().Replace("_", "").Replace(",", "");
        double factor = 1;
        if (t.Length > 0)
        {
            switch (char.ToLowerInvariant(t[^1]))
            {
                case 'k': factor = 1e3; t = t[..^1]; break;
                case 'm': factor = 1e6; t = t[..^1]; break;
                case 'g': factor = 1e9; t = t[..^1]; break;
            }
        }

        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || v <= 0 || double.IsInfinity(v))
            throw new FormatException($"'{text}' is not a size (examples: 1000, 10k, 1M)");
        return (long)Math.Round(v * factor);
    }

    /// <summary>
    /// Parses <c>--size</c>: either one size for every workload (<c>100k</c>), or per-workload sizes
    /// (<c>skynet=100k,spawn=10k</c>). Returns workload name → size; the key <c>*</c> holds a size for all.
    /// </summary>
    /// <exception cref="FormatException">A size is malformed.</exception>
    /// <exception cref="ArgumentException">A workload name is unknown.</exception>
    public static IReadOnlyDictionary<string, long> ParseSizes(string? text)
    {
        var sizes = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in Split(text))
        {
            int eq = part.IndexOf('=');
            if (eq < 0)
            {
                sizes["*"] = ParseSize(part);
                continue;
            }

            var name = part[..eq].Trim();
            if (Find(name) is null) throw new ArgumentException($"--size: unknown workload '{name}'");
            sizes[Find(name)!.Name] = ParseSize(part[(eq + 1)..]);
        }

        return sizes;
    }

    /// <summary>The size to run <paramref name="w"/> at: an explicit size, else the quick or the default size.</summary>
    public static long SizeFor(Workload w, IReadOnlyDictionary<string, long> sizes, bool quick) =>
        w.NormalizeSize(sizes.TryGetValue(w.Name, out var s) ? s : sizes.TryGetValue("*", out s) ? s : quick ? w.QuickSize : w.DefaultSize);
}
