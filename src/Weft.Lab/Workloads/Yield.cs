using Weft.Lab.Measurement;

namespace Weft.Lab.Workloads;

/// <summary>
/// <c>yield</c>: 4 units each yield N/4 times (<c>Go.Yield</c> vs <c>Task.Yield</c> vs <c>Thread.Yield</c>): the cost of
/// handing the processor to the next runnable unit and getting it back. Figure: <c>ns_per_yield</c> (elapsed time
/// over all N yields).
/// </summary>
public sealed class YieldWorkload : Workload
{
    /// <summary>Units yielding at the same time.</summary>
    public const int Units = 4;

    /// <inheritdoc />
    public override string Name => "yield";

    /// <inheritdoc />
    public override string Description => "4 units yielding N/4 times each";

    /// <inheritdoc />
    public override IReadOnlyList<FigureSpec> Figures { get; } = [new("ns_per_yield", "ns", true, "ns per yield")];

    /// <inheritdoc />
    public override IReadOnlyList<string> Models { get; } = [Lab.Workloads.Models.Weft, Lab.Workloads.Models.Tasks, Lab.Workloads.Models.Threads];

    /// <inheritdoc />
    public override long DefaultSize => 1_000_000;

    /// <inheritdoc />
    public override long QuickSize => 200_000;

    /// <inheritdoc />
    public override string SizeUnit => "yields";

    /// <inheritdoc />
    protected override Outcome RunModel(string model, long size)
    {
        int per = (int)Math.Max(1, size / Units);
        var timed = model switch
        {
            Lab.Workloads.Models.Weft => LabRuntime.Time(lab => Weft(lab, per)),
            Lab.Workloads.Models.Tasks => Measure.Time(() => Tasks(per)),
            Lab.Workloads.Models.Threads => Measure.Time(() => Threads(per)),
            _ => throw new ArgumentOutOfRangeException(nameof(model)),
        };
        double ns = timed.Nanoseconds;
        long done = timed.Value;
        if (done != (long)per * Units) throw new InvalidOperationException($"yield: {done} yields, expected {(long)per * Units}");
        return Outcome.Of("ns_per_yield", ns / done);
    }

    /// <summary>4 goroutines looping on <c>Go.Yield()</c>; returns the total number of yields (the <c>weft</c> model, on <paramref name="lab"/>).</summary>
    public static long Weft(LabRuntime lab, int perUnit)
    {
        long total = 0;
        var done = new Latch(Units);
        lab.Run(() =>
        {
            for (int u = 0; u < Units; u++)
            {
                Go.Start(async () =>
                {
                    for (int i = 0; i < perUnit; i++) await Go.Yield();
                    Interlocked.Add(ref total, perUnit);
                    done.Signal();
                });
            }

            return GoTask.CompletedTask;
        });
        done.Wait();
        return total;
    }

    /// <summary>4 tasks looping on <c>Task.Yield()</c>; returns the total number of yields.</summary>
    public static long Tasks(int perUnit)
    {
        long total = 0;
        var units = new Task[Units];
        for (int u = 0; u < Units; u++)
        {
            units[u] = Task.Run(async () =>
            {
                for (int i = 0; i < perUnit; i++) await Task.Yield();
                Interlocked.Add(ref total, perUnit);
            });
        }

        Task.WaitAll(units);
        return total;
    }

    /// <summary>4 threads looping on <c>Thread.Yield()</c>; returns the total number of yields.</summary>
    public static long Threads(int perUnit)
    {
        long total = 0;
        var threads = new Thread[Units];
        for (int u = 0; u < Units; u++)
        {
            threads[u] = new Thread(() =>
            {
                for (int i = 0; i < perUnit; i++) Thread.Yield();
                Interlocked.Add(ref total, perUnit);
            }) { IsBackground = true };
            threads[u].Start();
        }

        foreach (var t in threads) t.Join();
        return total;
    }
}
