using System.Diagnostics;

namespace Weft.Scheduling;

/// <summary>The runtime's monotonic clock, in nanoseconds (Go's <c>nanotime</c>).</summary>
internal static class Clock
{
    private static readonly bool s_nanosecondTicks = Stopwatch.Frequency == 1_000_000_000;
    private static readonly double s_nsPerTick = 1e9 / Stopwatch.Frequency;

    /// <summary>Monotonic time in nanoseconds (CLOCK_MONOTONIC on Linux).</summary>
    public static long Now
    {
        get
        {
            if (SimHooks.AnyActive && SimHooks.TryNow(out long virtualNow)) return virtualNow; // Weft.Testing's virtual time
            long ticks = Stopwatch.GetTimestamp();
            return s_nanosecondTicks ? ticks : (long)(ticks * s_nsPerTick);
        }
    }

    /// <summary>Converts a duration to nanoseconds, saturating at <see cref="long.MaxValue"/>.</summary>
    public static long ToNanoseconds(TimeSpan duration) =>
        duration.Ticks > long.MaxValue / 100 ? long.MaxValue : duration.Ticks * 100;
}
