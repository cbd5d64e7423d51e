using Weft.Lab.Measurement;

namespace Weft.Lab.Workloads;

/// <summary>
/// <c>mutex</c>: 8 units per processor increment one shared counter under one contended lock, N times in all (2M).
/// Figure: <c>ns_per_op</c> (wall time per increment). Weft's <c>Sync.Mutex</c>; for tasks
/// <c>SemaphoreSlim(1).WaitAsync</c> (the async lock C# users reach for); for threads the C# <c>lock</c> statement.
/// The counter's final value is checked in every model.
/// </summary>
public sealed class MutexWorkload : Workload
{
    /// <summary>Units per processor (the "8 goroutines per P").</summary>
    public const int UnitsPerProc = 8;

    /// <inheritdoc />
    public override string Name => "mutex";

    /// <inheritdoc />
    public override string Description => "8 units per P increment one counter under a contended lock";

    /// <inheritdoc />
    public override IReadOnlyList<FigureSpec> Figures { get; } = [new("ns_per_op", "ns", true, "ns per locked increment")];

    /// <inheritdoc />
    public override IReadOnlyList<string> Models { get; } = [Lab.Workloads.Models.Weft, Lab.Workloads.Models.Tasks, Lab.Workloads.Models.Threads];

    /// <inheritdoc />
    public override long DefaultSize => 2_000_000;

    /// <inheritdoc />
    public override long QuickSize => 200_000;

    /// <inheritdoc />
    public override string SizeUnit => "increments";

    /// <summary>Units for this machine: 8 per processor (Weft's default MaxProcs is the processor count or CPU quota).</summary>
    public static int Units => UnitsPerProc * Environment.ProcessorCount;

    /// <inheritdoc />
    protected override Outcome RunModel(string model, long size)
    {
        int units = Units;
        int per = (int)Math.Max(1, size / units);
        var timed = model switch
        {
            Lab.Workloads.Models.Weft => LabRuntime.Time(lab => Weft(lab, units, per)),
            Lab.Workloads.Models.Tasks => Measure.Time(() => Tasks(units, per)),
            Lab.Workloads.Models.Threads => Measure.Time(() => Threads(units, per)),
            _ => throw new ArgumentOutOfRangeException(nameof(model)),
        };
        long expected = (long)units * per;
        if (timed.Value != expected) throw new InvalidOperationException($"mutex counter {timed.Value}, expected {expected}");
        return Outcome.Of("ns_per_op", timed.Nanoseconds / expected);
    }

    /// <summary>Goroutines and one <c>Sync.Mutex</c>; returns the counter.</summary>
    public static long Weft(LabRuntime lab, int units, int perUnit) => lab.Run(async () =>
    {
        var mu = new Sync.Mutex();
        var wg = new Sync.WaitGroup();
        long counter = 0;
        for (int u = 0; u < units; u++)
        {
            wg.Go(async () =>
            {
                for (int i = 0; i < perUnit; i++)
                {
                    await mu.LockAsync();
                    counter++;
                    mu.Unlock();
                }
            });
        }

        await wg.WaitAsync();
        return counter;
    });

    /// <summary>Tasks and one <c>SemaphoreSlim(1)</c> taken with <c>WaitAsync</c>; returns the counter.</summary>
    public static long Tasks(int units, int perUnit)
    {
        using var gate = new SemaphoreSlim(1, 1);
        long counter = 0;
        var tasks = new Task[units];
        for (int u = 0; u < units; u++)
        {
            tasks[u] = Task.Run(async () =>
            {
                for (int i = 0; i < perUnit; i++)
                {
                    await gate.WaitAsync();
                    counter++;
                    gate.Release();
                }
            });
        }

        Task.WaitAll(tasks);
        return counter;
    }

    /// <summary>Threads and the C# <c>lock</c> statement; returns the counter.</summary>
    public static long Threads(int units, int perUnit)
    {
        var gate = new Lock();
        long counter = 0;
        var threads = new Thread[units];
        for (int u = 0; u < units; u++)
        {
            threads[u] = new Thread(() =>
            {
                for (int i = 0; i < perUnit; i++)
                {
                    lock (gate) counter++;
                }
            }) { IsBackground = true };
        }

        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        return counter;
    }
}
