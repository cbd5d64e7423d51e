using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Weft.Tracing;

/// <summary>
/// The trace's clock (Go's <c>cputicks</c>): the CPU's time-stamp counter where it is cheap and trustworthy, else
/// <see cref="Stopwatch"/>. Every trace event reads it, so its cost is most of a hook's.
/// </summary>
/// <remarks>
/// <para>On x64 Linux with an invariant TSC (<c>constant_tsc</c> and <c>nonstop_tsc</c> in /proc/cpuinfo) the clock
/// is a 10-byte stub, <c>rdtsc; shl rdx,32; or rax,rdx; ret</c>, copied into a page of its own that is then made
/// read+execute (mmap, mprotect) and called through an unmanaged function pointer without a GC transition: ~11 ns on
/// a KVM guest, where <see cref="Stopwatch.GetTimestamp"/> (the vDSO's kvm-clock read) costs ~27 ns. Anywhere else,
/// or if mmap/mprotect fail, or with <c>WEFT_TRACE_CLOCK=stopwatch</c>, it is <see cref="Stopwatch"/>.</para>
/// <para>TSC ticks are not a time: a session reads both clocks as it starts and as it stops and maps ticks to
/// Stopwatch time linearly between the two points (<see cref="Calibration"/>). This assumes the counters of all
/// CPUs agree (the invariant TSC of one machine; Go's tracer makes the same assumption); a VM paused and resumed
/// in the middle of a trace skews that trace's times.</para>
/// </remarks>
internal static unsafe class TraceClock
{
    private static readonly delegate* unmanaged[SuppressGCTransition]<ulong> s_rdtsc = CreateRdtsc();

    /// <summary>True when <see cref="Read"/> reads the TSC rather than <see cref="Stopwatch"/>.</summary>
    internal static bool IsTsc => s_rdtsc != null && !ForceStopwatch;

    /// <summary>Tests set this to run the fallback path on a machine that has a TSC (read when a session starts).</summary>
    internal static bool ForceStopwatch { get; set; } =
        string.Equals(Environment.GetEnvironmentVariable("WEFT_TRACE_CLOCK"), "stopwatch", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads the clock in the given mode (the session's, fixed when it starts).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static long Read(bool tsc) => tsc ? (long)s_rdtsc() : Stopwatch.GetTimestamp();

    /// <summary>Both clocks at one moment (the TSC read between two Stopwatch reads, paired with their midpoint).</summary>
    internal static (long Tsc, long Stopwatch) Pair()
    {
        if (s_rdtsc == null) { long s = Stopwatch.GetTimestamp(); return (s, s); }
        long best = long.MaxValue;
        (long, long) pair = default;
        for (int i = 0; i < 5; i++) // keep the tightest bracket: a preemption between the reads would skew it
        {
            long a = Stopwatch.GetTimestamp();
            long t = (long)s_rdtsc();
            long b = Stopwatch.GetTimestamp();
            if (b - a < best)
            {
                best = b - a;
                pair = (t, a + (b - a) / 2);
            }
        }

        return pair;
    }

    private static delegate* unmanaged[SuppressGCTransition]<ulong> CreateRdtsc()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return null;
        try
        {
            if (!HasInvariantTsc()) return null;
            ReadOnlySpan<byte> code = [0x0F, 0x31, 0x48, 0xC1, 0xE2, 0x20, 0x48, 0x09, 0xD0, 0xC3]; // rdtsc; shl rdx,32; or rax,rdx; ret
            const int ProtRead = 1, ProtWrite = 2, ProtExec = 4, MapPrivate = 2, MapAnonymous = 0x20;
            const nuint PageSize = 4096;
            void* page = mmap(null, PageSize, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
            if (page == null || page == (void*)-1) return null;
            code.CopyTo(new Span<byte>(page, code.Length));
            if (mprotect(page, PageSize, ProtRead | ProtExec) != 0) return null; // the page stays mapped: 4 KB, once
            var read = (delegate* unmanaged[SuppressGCTransition]<ulong>)page;
            // A TSC that does not move is no clock (a hypervisor could trap and freeze it).
            ulong a = read();
            Thread.SpinWait(100);
            return read() > a ? read : null;
        }
        catch (Exception)
        {
            return null; // no libc, or a seccomp policy that forbids executable pages: Stopwatch it is
        }
    }

    private static bool HasInvariantTsc()
    {
        foreach (var line in File.ReadLines("/proc/cpuinfo"))
        {
            if (!line.StartsWith("flags", StringComparison.Ordinal)) continue;
            var flags = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return flags.Contains("constant_tsc") && flags.Contains("nonstop_tsc");
        }

        return false;
    }

    [DllImport("libc", SetLastError = false)]
    private static extern void* mmap(void* addr, nuint length, int prot, int flags, int fd, nint offset);

    [DllImport("libc", SetLastError = false)]
    private static extern int mprotect(void* addr, nuint length, int prot);
}

/// <summary>
/// Maps a session's clock ticks to Stopwatch nanoseconds: linear between the clock pairs read at its
/// start and its stop (identity scaling for Stopwatch ticks).
/// </summary>
internal readonly struct Calibration
{
    private readonly long _tick0;
    private readonly long _ns0;
    private readonly double _nsPerTick;

    internal Calibration(long tick0, long tick1, long stopwatch0, long stopwatch1)
    {
        _tick0 = tick0;
        _ns0 = (long)(stopwatch0 * (1e9 / Stopwatch.Frequency));
        double ticks = tick1 - tick0;
        double ns = (stopwatch1 - stopwatch0) * (1e9 / Stopwatch.Frequency);
        _nsPerTick = ticks > 0 ? ns / ticks : 1e9 / Stopwatch.Frequency;
    }

    /// <summary>The Stopwatch time of <paramref name="ticks"/>, in nanoseconds.</summary>
    internal long Nanoseconds(long ticks) => _ns0 + (long)((ticks - _tick0) * _nsPerTick);

    /// <summary>The clock ticks at a Stopwatch time in nanoseconds.</summary>
    internal long Ticks(long ns) => _tick0 + (long)((ns - _ns0) / _nsPerTick);
}
