using System.Diagnostics;

namespace Weft.Lab.Measurement;

/// <summary>Small measuring helpers shared by the workloads, so every model is measured the same way.</summary>
public static class Measure
{
    /// <summary>Nanoseconds between two <see cref="Stopwatch"/> timestamps.</summary>
    public static double Nanoseconds(long from, long to) => (to - from) * 1e9 / Stopwatch.Frequency;

    /// <summary>Milliseconds between two <see cref="Stopwatch"/> timestamps.</summary>
    public static double Milliseconds(long from, long to) => (to - from) * 1e3 / Stopwatch.Frequency;

    /// <summary>
    /// Runs <paramref name="body"/> and times it. Each model times only its own work with this, so setting up and
    /// shutting down a dedicated Weft runtime is not billed to Weft, just as the ThreadPool's start is not billed to tasks.
    /// </summary>
    public static Timed<T> Time<T>(Func<T> body)
    {
        long t0 = Stopwatch.GetTimestamp();
        var value = body();
        return new Timed<T>(value, Stopwatch.GetTimestamp() - t0);
    }

    /// <summary>Milliseconds elapsed since a <see cref="Stopwatch"/> timestamp.</summary>
    public static double MillisecondsSince(long from) => Milliseconds(from, Stopwatch.GetTimestamp());

    /// <summary>A timestamp <paramref name="milliseconds"/> from now.</summary>
    public static long DeadlineIn(double milliseconds) => Stopwatch.GetTimestamp() + (long)(milliseconds * Stopwatch.Frequency / 1e3);

    /// <summary>The managed heap after a full, compacting, blocking collection (the base of bytes-per-unit figures).</summary>
    public static long SettledHeap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: false);
    }

    /// <summary>Bytes allocated by the whole process so far (precise).</summary>
    public static long Allocated() => GC.GetTotalAllocatedBytes(precise: true);

    /// <summary>Collects and settles the heap so one model's garbage does not bill the next one.</summary>
    public static void Quiesce()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>Waits (spinning, then sleeping) until <paramref name="condition"/> holds or the timeout passes.</summary>
    /// <returns>True when the condition held.</returns>
    public static bool WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var spinner = new SpinWait();
        while (!condition())
        {
            if (Stopwatch.GetTimestamp() > deadline) return false;
            if (spinner.Count < 50) spinner.SpinOnce(sleep1Threshold: -1);
            else Thread.Sleep(1);
        }

        return true;
    }

    /// <summary>
    /// The run whose <paramref name="key"/> is the median of <paramref name="runs"/> (the lower middle for an even
    /// count): the one protocol of every model, in-process or peer — all figures reported come from that one run.
    /// </summary>
    /// <exception cref="ArgumentException">No runs.</exception>
    public static T MedianBy<T>(IReadOnlyList<T> runs, Func<T, double> key)
    {
        if (runs.Count == 0) throw new ArgumentException("no runs to take the median of", nameof(runs));
        var sorted = runs.OrderBy(key).ToList();
        return sorted[(sorted.Count - 1) / 2];
    }

    /// <summary>The p-th percentile (0..100) of a sorted array, nearest rank.</summary>
    public static double Percentile(double[] sorted, double p)
    {
        if (sorted.Length == 0) return double.NaN;
        int rank = (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}

/// <summary>A value and how long it took to compute, in <see cref="Stopwatch"/> ticks.</summary>
/// <param name="Value">The value the timed body returned.</param>
/// <param name="Ticks">Elapsed <see cref="Stopwatch"/> ticks.</param>
public readonly record struct Timed<T>(T Value, long Ticks)
{
    /// <summary>The elapsed time in nanoseconds.</summary>
    public double Nanoseconds => Measure.Nanoseconds(0, Ticks);

    /// <summary>The elapsed time in milliseconds.</summary>
    public double Milliseconds => Measure.Milliseconds(0, Ticks);
}

/// <summary>
/// Lateness of periodic sleeps: a unit asks to sleep 1 ms and records by how much it overslept. Used by <c>hog</c>
/// and <c>sleep</c>. Written by one unit at a time.
/// </summary>
public sealed class LatenessLog
{
    private readonly List<double> _late = new(4096);

    /// <summary>Records one wake-up that asked for <paramref name="askedMs"/> and took from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public void Add(long from, long to, double askedMs) => _late.Add(Math.Max(0, Measure.Milliseconds(from, to) - askedMs));

    /// <summary>Number of wake-ups.</summary>
    public int Count => _late.Count;

    /// <summary>The worst lateness in ms (0 with no wake-ups).</summary>
    public double Worst => _late.Count == 0 ? 0 : _late.Max();

    /// <summary>The mean lateness in ms (0 with no wake-ups).</summary>
    public double Mean => _late.Count == 0 ? 0 : _late.Average();
}

/// <summary>
/// A fixed amount of CPU work, calibrated once per process to take about one millisecond on one core — the
/// "compute 1 ms" of the web-server scenario. It is a loop of arithmetic, not a clock spin, so a unit that is
/// descheduled in the middle does not get its work done for free.
/// </summary>
public static class CpuWork
{
    private static long s_iterationsPerMs;

    /// <summary>Iterations of <see cref="Run"/> that take about 1 ms here.</summary>
    public static long IterationsPerMillisecond
    {
        get
        {
            if (s_iterationsPerMs == 0) s_iterationsPerMs = Calibrate();
            return s_iterationsPerMs;
        }
    }

    /// <summary>Burns about <paramref name="milliseconds"/> of CPU; returns a value so the JIT keeps the loop.</summary>
    public static ulong Burn(double milliseconds) => Run((long)(IterationsPerMillisecond * milliseconds));

    /// <summary>Runs <paramref name="iterations"/> rounds of integer mixing.</summary>
    public static ulong Run(long iterations)
    {
        ulong x = 0x9E3779B97F4A7C15UL;
        for (long i = 0; i < iterations; i++)
        {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }

        return x;
    }

    private static long Calibrate()
    {
        const long probe = 200_000;
        Run(probe); // JIT
        double best = double.MaxValue;
        for (int i = 0; i < 7; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            Run(probe);
            best = Math.Min(best, Measure.Milliseconds(t0, Stopwatch.GetTimestamp()));
        }

        return Math.Max(1, (long)(probe / Math.Max(best, 1e-6)));
    }
}
