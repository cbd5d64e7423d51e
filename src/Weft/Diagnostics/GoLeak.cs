using Weft.Diagnostics;
using Weft.Scheduling;

namespace Weft;

/// <summary>
/// Leak checks for tests, after Go's goleak: <see cref="VerifyNone"/> fails when goroutines are still alive, listing
/// them as <see cref="Go.Dump"/> does. It retries briefly first, so goroutines that are just finishing are not
/// reported.
/// </summary>
/// <example>
/// <code>
/// var baseline = GoLeak.Snapshot(runtime);
/// // ... the test ...
/// GoLeak.VerifyNone(runtime, new GoLeakOptions { IgnoreSnapshot = baseline });
/// </code>
/// </example>
public static class GoLeak
{
    /// <summary>The goroutines alive now, to ignore later with <see cref="GoLeakOptions.IgnoreSnapshot"/>.</summary>
    public static GoLeakSnapshot Snapshot(GoRuntime? runtime = null) =>
        new((runtime ?? GoRuntime.CurrentOrDefault).Scheduler.Registry.Snapshot().Select(g => g.Id).ToHashSet());

    /// <summary>
    /// Throws <see cref="GoroutineLeakException"/> if goroutines other than the caller and the ignored ones are still
    /// alive after <see cref="GoLeakOptions.MaxWait"/>.
    /// </summary>
    /// <param name="runtime">The runtime to check (default: the current one, or the default runtime).</param>
    /// <param name="options">What to ignore and how long to wait.</param>
    /// <exception cref="GoroutineLeakException">Goroutines leaked.</exception>
    public static void VerifyNone(GoRuntime? runtime = null, GoLeakOptions? options = null)
    {
        runtime ??= GoRuntime.CurrentOrDefault;
        options ??= new GoLeakOptions();
        var deadline = DateTime.UtcNow + options.MaxWait;
        var sleep = TimeSpan.FromMilliseconds(1);
        while (true)
        {
            var leaked = Find(runtime, options);
            if (leaked.Count == 0) return;
            if (DateTime.UtcNow >= deadline) throw new GoroutineLeakException(leaked.Count, GoroutineDump.Format(leaked));
            Thread.Sleep(sleep);
            sleep = TimeSpan.FromTicks(Math.Min(sleep.Ticks * 2, TimeSpan.FromMilliseconds(100).Ticks));
        }
    }

    private static List<G> Find(GoRuntime runtime, GoLeakOptions options)
    {
        long self = G.Current?.Id ?? -1;
        var result = new List<G>();
        foreach (var g in runtime.Scheduler.Registry.Snapshot())
        {
            if (g.Exited || g.Id == self) continue;
            if (options.IgnoreSnapshot?.Contains(g.Id) == true) continue;
            var site = g.ExtrasOrNull?.CreationSite;
            if (site is not null && options.IgnoreCreatedBy.Any(prefix => site.StartsWith(prefix, StringComparison.Ordinal))) continue;
            var top = GoroutineDump.FramesOf(g).FirstOrDefault();
            if (top is not null && options.IgnoreTopFunction.Any(prefix => top.StartsWith(prefix, StringComparison.Ordinal))) continue;
            result.Add(g);
        }

        return result;
    }
}

/// <summary>What <see cref="GoLeak.VerifyNone"/> ignores, and how long it waits.</summary>
public sealed class GoLeakOptions
{
    /// <summary>Goroutines alive when the snapshot was taken are not leaks.</summary>
    public GoLeakSnapshot? IgnoreSnapshot { get; init; }

    /// <summary>
    /// Goroutines whose creation site starts with one of these ("Namespace.Type.Method") are not leaks. Needs
    /// <see cref="GoOptions.TrackCreationSites"/>.
    /// </summary>
    public IReadOnlyList<string> IgnoreCreatedBy { get; init; } = [];

    /// <summary>Goroutines whose innermost suspended frame starts with one of these ("Namespace.Type.Method") are not leaks.</summary>
    public IReadOnlyList<string> IgnoreTopFunction { get; init; } = [];

    /// <summary>How long to keep retrying before reporting (default 1 s).</summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>The goroutines alive at one moment (see <see cref="GoLeak.Snapshot"/>).</summary>
public sealed class GoLeakSnapshot
{
    private readonly HashSet<long> _ids;

    internal GoLeakSnapshot(HashSet<long> ids) => _ids = ids;

    /// <summary>Number of goroutines in the snapshot.</summary>
    public int Count => _ids.Count;

    internal bool Contains(long id) => _ids.Contains(id);
}

/// <summary>Goroutines were still alive at the end of a test (see <see cref="GoLeak.VerifyNone"/>).</summary>
public sealed class GoroutineLeakException : Exception
{
    /// <summary>Creates the exception for <paramref name="count"/> leaked goroutines with their dump.</summary>
    public GoroutineLeakException(int count, string dump)
        : base($"found {count} unexpected goroutine{(count == 1 ? "" : "s")}:{Environment.NewLine}{dump}")
    {
        Count = count;
        Dump = dump;
    }

    /// <summary>Creates the exception with a message.</summary>
    public GoroutineLeakException(string message)
        : base(message)
    {
        Dump = string.Empty;
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public GoroutineLeakException(string message, Exception innerException)
        : base(message, innerException)
    {
        Dump = string.Empty;
    }

    /// <summary>How many goroutines leaked.</summary>
    public int Count { get; }

    /// <summary>Their dump.</summary>
    public string Dump { get; }
}
