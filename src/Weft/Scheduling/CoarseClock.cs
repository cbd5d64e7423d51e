namespace Weft.Scheduling;

/// <summary>
/// A millisecond clock that is cheap to read: a field refreshed by whoever reads the real clock anyway (the
/// scheduler's timer and steal paths, sysmon). Used to stamp when goroutines park, for dumps; never for timing.
/// </summary>
internal static class CoarseClock
{
    private static int s_milliseconds = (int)(Clock.Now / 1_000_000);

    /// <summary><see cref="Clock.Now"/> in milliseconds as of the last refresh; wraps after ~24 days (differences stay correct).</summary>
    public static int Milliseconds => Volatile.Read(ref s_milliseconds);

    /// <summary>Refreshes the clock from a <see cref="Clock.Now"/> reading.</summary>
    public static void Update(long nowNs) => Volatile.Write(ref s_milliseconds, unchecked((int)(nowNs / 1_000_000)));
}
