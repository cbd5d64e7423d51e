using System.Globalization;

namespace Weft.Scheduling;

/// <summary>
/// The default MaxProcs: <c>WEFT_MAXPROCS</c>, else the cgroup CPU quota floored (at least 1), else the processor
/// count. Like Go's automaxprocs; unlike <see cref="Environment.ProcessorCount"/>, which rounds a quota up.
/// </summary>
internal static class MaxProcsDefault
{
    /// <summary>The value for this process.</summary>
    public static int Resolve() =>
        Resolve(Environment.GetEnvironmentVariable("WEFT_MAXPROCS"), "/", Environment.ProcessorCount);

    /// <summary>
    /// The rule with its inputs passed in (tests use fixture roots and made-up variables): <paramref name="weftMaxProcs"/>
    /// is the value of <c>WEFT_MAXPROCS</c> (null or blank: unset), <paramref name="cgroupRoot"/> the file-system root
    /// to read the cgroup files from.
    /// </summary>
    internal static int Resolve(string? weftMaxProcs, string cgroupRoot, int processorCount)
    {
        if (!string.IsNullOrWhiteSpace(weftMaxProcs))
        {
            if (int.TryParse(weftMaxProcs, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0) return n;
            throw new InvalidOperationException($"WEFT_MAXPROCS must be a positive integer, got '{weftMaxProcs}'.");
        }

        return CgroupCpuQuota.Read(cgroupRoot) is { } quota ? quota : processorCount;
    }
}

/// <summary>Reads the CPU limit of the process's cgroup (v2 <c>cpu.max</c>, v1 <c>cpu.cfs_quota_us</c>/<c>cpu.cfs_period_us</c>).</summary>
internal static class CgroupCpuQuota
{
    /// <summary>
    /// The CPU limit, floored and at least 1, or null when there is none. <paramref name="root"/> is the file-system
    /// root to read from ("/" in production, a fixture directory in tests).
    /// </summary>
    public static int? Read(string root)
    {
        try
        {
            var cgroupFile = Combine(root, "proc/self/cgroup");
            var cgroups = File.Exists(cgroupFile) ? File.ReadAllLines(cgroupFile) : [];

            // cgroup v2: a "0::/path" line; the limit may be set on the group or on any ancestor, and the kernel
            // enforces every one of them, so the effective limit is the smallest (as Go's cgroup-aware GOMAXPROCS).
            foreach (var line in cgroups)
            {
                if (!line.StartsWith("0::", StringComparison.Ordinal)) continue;
                var path = line[3..].Trim();
                int? smallest = null;
                for (var dir = path; ; dir = ParentOf(dir))
                {
                    var cpuMax = Combine(root, "sys/fs/cgroup" + (dir == "/" ? "" : dir) + "/cpu.max");
                    if (File.Exists(cpuMax) && ParseCpuMax(File.ReadAllText(cpuMax)) is { } v2 && (smallest is null || v2 < smallest))
                        smallest = v2;
                    if (dir == "/" || dir.Length == 0) break;
                }

                if (smallest is not null) return smallest;
            }

            var rootCpuMax = Combine(root, "sys/fs/cgroup/cpu.max");
            if (File.Exists(rootCpuMax)) return ParseCpuMax(File.ReadAllText(rootCpuMax));

            // cgroup v1: the cpu controller's directory.
            foreach (var dir in new[] { "sys/fs/cgroup/cpu", "sys/fs/cgroup/cpu,cpuacct", "sys/fs/cgroup/cpuacct,cpu" })
            {
                var quotaFile = Combine(root, dir + "/cpu.cfs_quota_us");
                var periodFile = Combine(root, dir + "/cpu.cfs_period_us");
                if (File.Exists(quotaFile) && File.Exists(periodFile))
                    return ParseV1(File.ReadAllText(quotaFile), File.ReadAllText(periodFile));
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }

    /// <summary>Parses cgroup v2 <c>cpu.max</c> ("max 100000", "150000 100000", "50000"). Null: no limit or junk.</summary>
    public static int? ParseCpuMax(string text)
    {
        var fields = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length is 0 or > 2 || fields[0] == "max") return null;
        if (!long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out long quota)) return null;
        long period = 100_000;
        if (fields.Length == 2 && !long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out period)) return null;
        return ToProcs(quota, period);
    }

    /// <summary>Parses cgroup v1 quota and period files. Null: no limit (quota ≤ 0) or junk.</summary>
    public static int? ParseV1(string quotaText, string periodText)
    {
        if (!long.TryParse(quotaText.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long quota)) return null;
        if (!long.TryParse(periodText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long period)) return null;
        return quota <= 0 ? null : ToProcs(quota, period);
    }

    private static int? ToProcs(long quota, long period)
    {
        if (quota <= 0 || period <= 0) return null;
        return (int)Math.Max(1, Math.Min(int.MaxValue, quota / period));
    }

    private static string ParentOf(string dir)
    {
        int slash = dir.TrimEnd('/').LastIndexOf('/');
        return slash <= 0 ? "/" : dir[..slash];
    }

    private static string Combine(string root, string relative) => Path.Combine(root, relative.TrimStart('/'));
}
