using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Weft.Scheduling;

/// <summary>
/// Linux: tells whether an OS thread is running or blocked in the kernel, from <c>/proc/self/task/TID/stat</c>.
/// Sysmon uses it to tell an undeclared blocking call (Thread.Sleep, a sync-over-async .Result) from a CPU hog,
/// and retakes the P of a blocked thread well before a hog's time slice ends.
/// </summary>
internal static class ThreadInspector
{
    private static readonly bool s_supported = OperatingSystem.IsLinux() && Directory.Exists("/proc/self/task");

    /// <summary>The calling thread's kernel id, or 0 when unknown.</summary>
    public static int CurrentThreadId()
    {
        if (!s_supported) return 0;
        try
        {
            long nr = RuntimeInformation.ProcessArchitecture switch
            {
                Architecture.X64 => 186,
                Architecture.Arm64 => 178,
                _ => -1,
            };
            return nr < 0 ? 0 : (int)syscall(nr);
        }
        catch (Exception)
        {
            return 0;
        }
    }

    /// <summary>Opens the thread's <c>/proc</c> stat file (re-read with <see cref="IsBlocked"/>; kept open by <see cref="ThreadStatCache"/>).</summary>
    /// <exception cref="IOException">The thread is gone or /proc cannot be read.</exception>
    internal static SafeFileHandle OpenStat(int threadId) => File.OpenHandle($"/proc/self/task/{threadId}/stat");

    /// <summary>
    /// Reads an open stat file afresh (procfs regenerates it at every read from offset 0): true for state S or D,
    /// false for running, null when unreadable (the thread exited: the caller reopens or gives up).
    /// </summary>
    internal static bool? IsBlocked(SafeFileHandle stat)
    {
        Span<byte> buffer = stackalloc byte[256];
        int n = ReadFromStart(stat, buffer);
        if (n < 0) return null;
        var text = buffer[..n];
        int close = text.LastIndexOf((byte)')');
        if (close < 0 || close + 2 >= n) return n == 0 ? null : false;
        byte state = text[close + 2];
        return state is (byte)'S' or (byte)'D';
    }

    /// <summary>Opens the thread's <c>/proc</c> schedstat file (re-read with <see cref="RunNanoseconds"/>).</summary>
    /// <exception cref="IOException">The thread is gone, or the kernel keeps no scheduler statistics.</exception>
    internal static SafeFileHandle OpenSchedStat(int threadId) => File.OpenHandle($"/proc/self/task/{threadId}/schedstat");

    /// <summary>
    /// Reads an open schedstat file afresh: its first field, the nanoseconds the thread has run on a CPU (the second
    /// is time spent runnable but waiting for one). Null when unreadable.
    /// </summary>
    internal static long? RunNanoseconds(SafeFileHandle schedStat)
    {
        Span<byte> buffer = stackalloc byte[96];
        int n = ReadFromStart(schedStat, buffer);
        if (n < 0) return null;
        long ns = 0;
        int i = 0;
        for (; i < n && buffer[i] is >= (byte)'0' and <= (byte)'9'; i++) ns = ns * 10 + (buffer[i] - '0');
        return i == 0 ? null : ns;
    }

    /// <summary>One pread from offset 0 (procfs regenerates the text each time); -1 when the thread is gone.</summary>
    private static int ReadFromStart(SafeFileHandle file, Span<byte> buffer)
    {
        try
        {
            return RandomAccess.Read(file, buffer, 0);
        }
        catch (IOException)
        {
            return -1;
        }
    }

    internal static bool Supported => s_supported;

    [DllImport("libc", SetLastError = false)]
    private static extern long syscall(long number);
}
