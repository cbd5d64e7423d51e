using Microsoft.Win32.SafeHandles;

namespace Weft.Scheduling;

/// <summary>
/// Sysmon's open <c>/proc/self/task/TID/stat</c> files, one per M thread it has inspected. Re-reading an open file
/// is one <c>pread</c>; opening it each time is a path walk through procfs plus open and close, and sysmon asks for
/// every goroutine step that runs past <c>BlockCheckStartNs</c> (hundreds of times a second under network load).
/// Owned and used by one sysmon thread only; disposed when it exits.
/// </summary>
internal sealed class ThreadStatCache : IDisposable
{
    /// <summary>More entries than this (threads that exited, tids reused) and the cache starts afresh.</summary>
    private const int MaxOpen = 64;

    private readonly Dictionary<int, SafeFileHandle> _open = new();

    /// <summary>True when the thread is sleeping or in uninterruptible wait (state S or D); false if running or unknown.</summary>
    public bool IsBlocked(int threadId)
    {
        if (!ThreadInspector.Supported || threadId == 0) return false;
        if (_open.TryGetValue(threadId, out var stat) && ThreadInspector.IsBlocked(stat) is { } blocked) return blocked;

        // Not open yet, or open on a thread that exited (the tid may now name a new thread): open it afresh.
        if (stat is not null)
        {
            stat.Dispose();
            _open.Remove(threadId);
        }

        if (_open.Count >= MaxOpen) Clear();
        try
        {
            stat = ThreadInspector.OpenStat(threadId);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        _open[threadId] = stat;
        return ThreadInspector.IsBlocked(stat) ?? false;
    }

    public void Dispose() => Clear();

    private void Clear()
    {
        foreach (var stat in _open.Values) stat.Dispose();
        _open.Clear();
    }
}
