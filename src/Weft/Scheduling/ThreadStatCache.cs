using Microsoft.Win32.SafeHandles;

namespace Weft.Scheduling;

/// <summary>
/// Sysmon's open <c>/proc/self/task/TID/stat</c> and <c>schedstat</c> files, one of each per M thread it has
/// inspected. Re-reading an open file is one <c>pread</c>; opening it each time is a path walk through procfs plus
/// open and close, and sysmon asks for every goroutine step that runs past <c>BlockCheckStartNs</c> (hundreds of
/// times a second under network load). Owned and used by one sysmon thread only; disposed when it exits.
/// </summary>
internal sealed class ThreadStatCache : IDisposable
{
    /// <summary>More entries than this (threads that exited, tids reused) and a table starts afresh.</summary>
    private const int MaxOpen = 64;

    private readonly Dictionary<int, SafeFileHandle> _stat = new();
    private readonly Dictionary<int, SafeFileHandle> _schedStat = new();

    /// <summary>True when the thread is sleeping or in uninterruptible wait (state S or D); false if running or unknown.</summary>
    public bool IsBlocked(int threadId) =>
        Read(_stat, threadId, ThreadInspector.OpenStat, ThreadInspector.IsBlocked) ?? false;

    /// <summary>
    /// Nanoseconds the thread has spent on a CPU since it started (the kernel's scheduler statistics), or null when
    /// unknown (not Linux, no schedstat, the thread exited).
    /// </summary>
    public long? RunNanoseconds(int threadId) =>
        Read(_schedStat, threadId, ThreadInspector.OpenSchedStat, ThreadInspector.RunNanoseconds);

    /// <summary>Reads the thread's open file, (re)opening it when it is not open yet or was open on an exited thread.</summary>
    private static T? Read<T>(Dictionary<int, SafeFileHandle> open, int threadId, Func<int, SafeFileHandle> opener, Func<SafeFileHandle, T?> reader)
        where T : struct
    {
        if (!ThreadInspector.Supported || threadId == 0) return null;
        if (open.TryGetValue(threadId, out var file) && reader(file) is { } value) return value;

        // Not open yet, or open on a thread that exited (the tid may now name a new thread): open it afresh.
        if (file is not null)
        {
            file.Dispose();
            open.Remove(threadId);
        }

        if (open.Count >= MaxOpen) Clear(open);
        try
        {
            file = opener(threadId);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        open[threadId] = file;
        return reader(file);
    }

    public void Dispose()
    {
        Clear(_stat);
        Clear(_schedStat);
    }

    private static void Clear(Dictionary<int, SafeFileHandle> open)
    {
        foreach (var file in open.Values) file.Dispose();
        open.Clear();
    }
}
