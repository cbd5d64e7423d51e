namespace Weft.Diagnostics;

/// <summary>
/// The runtimes of this process that are not shut down, for the process-wide diagnostics (SIGQUIT dumps, the
/// <c>Weft</c> meter). Weak references: a runtime dropped without <c>Dispose</c> does not live on because of this list.
/// </summary>
internal static class LiveRuntimes
{
    private static readonly object s_lock = new();
    private static readonly List<WeakReference<GoRuntime>> s_runtimes = new();

    public static void Add(GoRuntime runtime)
    {
        lock (s_lock) s_runtimes.Add(new WeakReference<GoRuntime>(runtime));
    }

    public static void Remove(GoRuntime runtime)
    {
        lock (s_lock) s_runtimes.RemoveAll(w => !w.TryGetTarget(out var r) || r == runtime);
    }

    /// <summary>The live runtimes at this moment.</summary>
    public static List<GoRuntime> Snapshot()
    {
        var live = new List<GoRuntime>();
        lock (s_lock)
        {
            foreach (var weak in s_runtimes)
                if (weak.TryGetTarget(out var runtime) && !runtime.IsDisposed) live.Add(runtime);
        }

        return live;
    }
}
