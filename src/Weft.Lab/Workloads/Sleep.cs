using System.Diagnostics;
using Weft.Lab.Measurement;

namespace Weft.Lab.Workloads;

/// <summary>
/// <c>sleep</c>: one unit sleeping 1 ms in a loop for a fixed time (1 s). Figure: <c>wakeups_per_s</c> (1,000 is the
/// ceiling; timer resolution and scheduling delays pull it down). The loop is shared with <c>blocking</c>; it
/// sleeps at least once, so a sleeper that starts late still reports a rate.
/// </summary>
public sealed class SleepWorkload : Workload
{
    /// <inheritdoc />
    public override string Name => "sleep";

    /// <inheritdoc />
    public override string Description => "one unit sleeping 1 ms in a loop for 1 s";

    /// <inheritdoc />
    public override IReadOnlyList<FigureSpec> Figures { get; } = [new("wakeups_per_s", "1/s", false, "wake-ups per second")];

    /// <inheritdoc />
    public override IReadOnlyList<string> Models { get; } = [Lab.Workloads.Models.Weft, Lab.Workloads.Models.Tasks, Lab.Workloads.Models.Threads];

    /// <inheritdoc />
    public override int Repeats => 1;

    /// <inheritdoc />
    public override long DefaultSize => 1_000;

    /// <inheritdoc />
    public override long QuickSize => 300;

    /// <inheritdoc />
    public override string SizeUnit => "ms";

    /// <inheritdoc />
    public override long WarmupSize(long size) => Math.Min(size, 100);

    /// <inheritdoc />
    protected override Outcome RunModel(string model, long size) => Outcome.Of("wakeups_per_s", model switch
    {
        Lab.Workloads.Models.Weft => Weft(size),
        Lab.Workloads.Models.Tasks => Tasks(size),
        Lab.Workloads.Models.Threads => Threads(size),
        _ => throw new ArgumentOutOfRangeException(nameof(model)),
    });

    /// <summary>A goroutine looping on <c>Go.Sleep(1 ms)</c>; returns wake-ups per second.</summary>
    public static double Weft(long milliseconds)
    {
        using var lab = new LabRuntime();
        return lab.Run(() => WeftSleeper(Measure.DeadlineIn(milliseconds)));
    }

    /// <summary>The Weft sleeper loop until <paramref name="end"/>; returns wake-ups per second.</summary>
    public static async GoTask<double> WeftSleeper(long end)
    {
        long t0 = Stopwatch.GetTimestamp();
        int n = 0;
        do
        {
            await Go.Sleep(TimeSpan.FromMilliseconds(1));
            n++;
        }
        while (Stopwatch.GetTimestamp() < end);

        return n / (Measure.MillisecondsSince(t0) / 1000);
    }

    /// <summary>An async Task looping on <c>Task.Delay(1)</c>; returns wake-ups per second.</summary>
    public static double Tasks(long milliseconds) =>
        Task.Run(() => TaskSleeper(Measure.DeadlineIn(milliseconds))).GetAwaiter().GetResult();

    /// <summary>The Task sleeper loop until <paramref name="end"/>; returns wake-ups per second.</summary>
    public static async Task<double> TaskSleeper(long end)
    {
        long t0 = Stopwatch.GetTimestamp();
        int n = 0;
        do
        {
            await Task.Delay(1);
            n++;
        }
        while (Stopwatch.GetTimestamp() < end);

        return n / (Measure.MillisecondsSince(t0) / 1000);
    }

    /// <summary>A dedicated thread looping on <c>Thread.Sleep(1)</c>; returns wake-ups per second.</summary>
    public static double Threads(long milliseconds)
    {
        double rate = 0;
        long end = Measure.DeadlineIn(milliseconds);
        var t = new Thread(() => rate = ThreadSleeper(end)) { IsBackground = true };
        t.Start();
        t.Join();
        return rate;
    }

    /// <summary>The thread sleeper loop until <paramref name="end"/>; returns wake-ups per second.</summary>
    public static double ThreadSleeper(long end)
    {
        long t0 = Stopwatch.GetTimestamp();
        int n = 0;
        do
        {
            Thread.Sleep(1);
            n++;
        }
        while (Stopwatch.GetTimestamp() < end);

        return n / (Measure.MillisecondsSince(t0) / 1000);
    }
}
