using System.Runtime.InteropServices;

namespace Weft.Scheduling;

/// <summary>
/// A one-permit park/unpark signal for one thread (Go's <c>note</c>): <see cref="Unpark"/> leaves a permit that the
/// next <see cref="Park()"/> consumes, so a wake-up sent before the sleep is never lost. On Linux it is a futex word
/// (nanosecond timeouts, one syscall per wake-up); elsewhere a monitor.
/// </summary>
/// <remarks>
/// Spurious returns are possible (like any futex or condition variable); callers re-check their own condition.
/// </remarks>
internal sealed unsafe class Parker : IDisposable
{
    private const int Empty = 0;
    private const int Notified = 1;
    private const int Sleeping = 2;

    private static readonly bool s_useFutex = Futex.IsSupported;

    /// <summary>The state word, in native memory so the kernel can address it.</summary>
    private int* _word;

    public Parker()
    {
        _word = (int*)NativeMemory.AllocZeroed(sizeof(int));
    }

    /// <summary>Blocks until <see cref="Unpark"/> is called (or returns at once if a permit is pending).</summary>
    public void Park() => Park(-1);

    /// <summary>
    /// Blocks until <see cref="Unpark"/> is called or <paramref name="timeoutNs"/> nanoseconds pass (negative: forever).
    /// Returns true when a permit was consumed.
    /// </summary>
    public bool Park(long timeoutNs)
    {
        var word = _word;
        // Fast path: a permit is already there.
        if (Interlocked.CompareExchange(ref *word, Empty, Notified) == Notified) return true;
        if (timeoutNs == 0) return false;

        if (s_useFutex)
        {
            // Announce the sleep; if a permit arrived in between, take it.
            if (Interlocked.CompareExchange(ref *word, Sleeping, Empty) == Notified)
            {
                Volatile.Write(ref *word, Empty);
                return true;
            }

            long deadline = timeoutNs < 0 ? long.MaxValue : Clock.Now + timeoutNs;
            while (true)
            {
                long remaining = timeoutNs < 0 ? -1 : deadline - Clock.Now;
                if (timeoutNs >= 0 && remaining <= 0)
                {
                    // Timed out: withdraw the sleep marker unless a permit raced in.
                    return Interlocked.Exchange(ref *word, Empty) == Notified;
                }

                Futex.Wait(word, Sleeping, remaining);
                if (Interlocked.CompareExchange(ref *word, Empty, Notified) == Notified) return true;
            }
        }

        lock (this)
        {
            long deadline = timeoutNs < 0 ? long.MaxValue : Clock.Now + timeoutNs;
            while (Volatile.Read(ref *word) != Notified)
            {
                if (timeoutNs < 0)
                {
                    Monitor.Wait(this);
                }
                else
                {
                    long remaining = deadline - Clock.Now;
                    if (remaining <= 0) break;
                    Monitor.Wait(this, TimeSpan.FromTicks(Math.Max(1, remaining / 100)));
                }
            }

            return Interlocked.Exchange(ref *word, Empty) == Notified;
        }
    }

    /// <summary>Leaves a permit and wakes the parked thread, if any. Any thread.</summary>
    public void Unpark()
    {
        var word = _word;
        if (s_useFutex)
        {
            int previous = Interlocked.Exchange(ref *word, Notified);
            if (previous == Sleeping) Futex.Wake(word);
            return;
        }

        if (Interlocked.Exchange(ref *word, Notified) == Notified) return;
        lock (this) Monitor.PulseAll(this);
    }

    public void Dispose()
    {
        var word = _word;
        _word = null;
        if (word != null) NativeMemory.Free(word);
        GC.SuppressFinalize(this);
    }

    ~Parker()
    {
        if (_word != null) NativeMemory.Free(_word);
    }

    /// <summary>
    /// Asks the kernel to wake timed sleeps of the calling thread on time: Linux delays them by up to 50 µs by
    /// default (timer slack) to batch wake-ups, which costs a 1 ms sleep loop 5% of its rate. Call on runtime threads.
    /// </summary>
    internal static void UsePreciseTimers()
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            const int PR_SET_TIMERSLACK = 29;
            prctl(PR_SET_TIMERSLACK, 1, 0, 0, 0);
        }
        catch (Exception)
        {
            // Best effort: only the precision of timed sleeps depends on it.
        }
    }

    [DllImport("libc", SetLastError = false)]
    private static extern int prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);

    /// <summary>The raw futex system call (Linux only).</summary>
    private static class Futex
    {
        private const int FutexWaitPrivate = 128; // FUTEX_WAIT | FUTEX_PRIVATE_FLAG
        private const int FutexWakePrivate = 129; // FUTEX_WAKE | FUTEX_PRIVATE_FLAG

        private static readonly long s_sysFutex = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 202,
            Architecture.Arm64 => 98,
            _ => -1,
        };

        internal static bool IsSupported
        {
            get
            {
                if (!OperatingSystem.IsLinux() || s_sysFutex < 0) return false;
                try
                {
                    int probe = 1;
                    // FUTEX_WAKE on a private word nobody waits on: returns 0 when futexes work.
                    return syscall(s_sysFutex, &probe, FutexWakePrivate, 1, null, null, 0) >= 0;
                }
                catch (Exception)
                {
                    return false;
                }
            }
        }

        [StructLayout(LayoutKind.Sequential)]
        private struct Timespec
        {
            public long Seconds;
            public long Nanoseconds;
        }

        internal static void Wait(int* word, int expected, long timeoutNs)
        {
            if (timeoutNs < 0)
            {
                syscall(s_sysFutex, word, FutexWaitPrivate, expected, null, null, 0);
                return;
            }

            Timespec ts;
            ts.Seconds = timeoutNs / 1_000_000_000;
            ts.Nanoseconds = timeoutNs % 1_000_000_000;
            syscall(s_sysFutex, word, FutexWaitPrivate, expected, &ts, null, 0);
        }

        internal static void Wake(int* word) => syscall(s_sysFutex, word, FutexWakePrivate, 1, null, null, 0);

        [DllImport("libc", SetLastError = false)]
        private static extern long syscall(long number, int* uaddr, int op, int val, Timespec* timeout, int* uaddr2, int val3);
    }
}
