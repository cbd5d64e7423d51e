using System.Runtime.InteropServices;

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

    /// <summary>True when the thread is sleeping or in uninterruptible wait (state S or D); false if running or unknown.</summary>
    public static bool IsBlocked(int threadId)
    {
        if (!s_supported || threadId == 0) return false;
        try
        {
            Span<byte> buffer = stackalloc byte[256];
            using var handle = File.OpenHandle($"/proc/self/task/{threadId}/stat");
            int n = RandomAccess.Read(handle, buffer, 0);
            var text = buffer[..n];
            int close = text.LastIndexOf((byte)')');
            if (close < 0 || close + 2 >= n) return false;
            byte state = text[close + 2];
            return state is (byte)'S' or (byte)'D';
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    [DllImport("libc", SetLastError = false)]
    private static extern long syscall(long number);
}
