using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Weft.Lab.Peers;

namespace Weft.Lab.Http;

/// <summary>Runs the <c>wrk</c> load generator and reads its report (TechEmpower's conventions: keep-alive, <c>--latency</c>).</summary>
public static partial class Wrk
{
    /// <summary>What to tell a user without wrk.</summary>
    public const string InstallHint = "wrk is not installed (Debian/Ubuntu: apt-get install -y wrk)";

    /// <summary>The wrk executable, or null.</summary>
    public static string? Path => Toolchain.Find("wrk");

    /// <summary>One wrk report.</summary>
    public sealed record Report(double RequestsPerSecond, double P50Ms, double P99Ms, long Requests, string? Errors);

    /// <summary>Runs wrk against <paramref name="url"/> with <paramref name="connections"/> connections for <paramref name="duration"/>.</summary>
    /// <exception cref="InvalidOperationException">wrk failed or printed no report.</exception>
    public static Report Run(string url, int connections, TimeSpan duration, int threads = 2)
    {
        var psi = ProcessRunner.Start(Path ?? throw new InvalidOperationException(InstallHint), null,
            $"-t{threads}", $"-c{Math.Max(connections, threads)}", $"-d{(int)Math.Ceiling(duration.TotalSeconds)}s", "--latency", "--timeout", "10s", url);
        var result = ProcessRunner.Run(psi, duration + TimeSpan.FromSeconds(60));
        if (result.TimedOut) throw new InvalidOperationException("wrk did not finish");
        return Parse(result.Stdout) ?? throw new InvalidOperationException($"wrk printed no report: {result.Stderr.Trim()} {result.Stdout.Trim()}");
    }

    /// <summary>Reads wrk's text report; null when it has no request rate.</summary>
    public static Report? Parse(string text)
    {
        var rate = RateLine().Match(text);
        if (!rate.Success) return null;
        double p50 = Percentile(text, "50%"), p99 = Percentile(text, "99%");
        var total = TotalLine().Match(text);
        var errors = new List<string>();
        foreach (Match m in ErrorLine().Matches(text)) errors.Add(m.Value.Trim());
        return new Report(
            double.Parse(rate.Groups[1].Value, CultureInfo.InvariantCulture), p50, p99,
            total.Success ? long.Parse(total.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
            errors.Count > 0 ? string.Join("; ", errors) : null);
    }

    private static double Percentile(string text, string label)
    {
        var m = Regex.Match(text, $@"^\s*{Regex.Escape(label)}\s+([\d.]+)(us|ms|s|m)\s*$", RegexOptions.Multiline);
        if (!m.Success) return double.NaN;
        double v = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch { "us" => v / 1000, "ms" => v, "s" => v * 1000, _ => v * 60_000 };
    }

    [GeneratedRegex(@"^Requests/sec:\s+([\d.]+)", RegexOptions.Multiline)]
    private static partial Regex RateLine();

    [GeneratedRegex(@"^\s*(\d+) requests in", RegexOptions.Multiline)]
    private static partial Regex TotalLine();

    [GeneratedRegex(@"^\s*(Socket errors:.*|Non-2xx or 3xx responses:.*)$", RegexOptions.Multiline)]
    private static partial Regex ErrorLine();
}
