using System.Collections.Concurrent;
using System.Threading.Channels;
using Weft.Lab.Measurement;

namespace Weft.Lab.Workloads;

/// <summary>
/// <c>prodcons</c>: 4 producers send N items (10M) in total through one channel with a buffer of 1024 to 4 consumers;
/// the last producer to finish closes the channel, consumers drain it. Figure: <c>ns_per_item</c> (elapsed time over
/// N). Every model returns the sum of the items received, N(N−1)/2.
/// </summary>
public sealed class ProdConsWorkload : Workload
{
    /// <summary>Producers and consumers (each).</summary>
    public const int Units = 4;

    /// <summary>Channel buffer.</summary>
    public const int Buffer = 1024;

    /// <inheritdoc />
    public override string Name => "prodcons";

    /// <inheritdoc />
    public override string Description => "4 producers, 4 consumers, buffer 1024, 10M items";

    /// <inheritdoc />
    public override IReadOnlyList<FigureSpec> Figures { get; } = [new("ns_per_item", "ns", true, "ns per item")];

    /// <inheritdoc />
    public override IReadOnlyList<string> Models { get; } = [Lab.Workloads.Models.Weft, Lab.Workloads.Models.Tasks, Lab.Workloads.Models.Threads];

    /// <inheritdoc />
    public override long DefaultSize => 10_000_000;

    /// <inheritdoc />
    public override long QuickSize => 1_000_000;

    /// <inheritdoc />
    public override string SizeUnit => "items";

    /// <inheritdoc />
    public override long NormalizeSize(long size) => Math.Max(Units, size / Units * Units);

    /// <inheritdoc />
    protected override Outcome RunModel(string model, long size)
    {
        var timed = model switch
        {
            Lab.Workloads.Models.Weft => LabRuntime.Time(lab => Weft(lab, size)),
            Lab.Workloads.Models.Tasks => Measure.Time(() => Tasks(size)),
            Lab.Workloads.Models.Threads => Measure.Time(() => Threads(size)),
            _ => throw new ArgumentOutOfRangeException(nameof(model)),
        };
        double ns = timed.Nanoseconds;
        long sum = timed.Value;
        if (sum != Skynet.ExpectedSum(size)) throw new InvalidOperationException($"prodcons sum {sum}, expected {Skynet.ExpectedSum(size)}");
        return Outcome.Of("ns_per_item", ns / size);
    }

    /// <summary>Goroutines and a <c>Chan&lt;long&gt;(1024)</c>; consumers range over it with <c>await foreach</c> (the <c>weft</c> model, on <paramref name="lab"/>).</summary>
    public static long Weft(LabRuntime lab, long items)
    {
        long per = items / Units, total = 0;
        int producing = Units;
        var consumed = new Latch(Units);
        lab.Run(() =>
        {
            var ch = new Chan<long>(Buffer);
            for (int p = 0; p < Units; p++)
            {
                long from = p * per;
                Go.Start(async () =>
                {
                    for (long v = from; v < from + per; v++) await ch.SendAsync(v);
                    if (Interlocked.Decrement(ref producing) == 0) ch.Close();
                });
            }

            for (int c = 0; c < Units; c++)
            {
                Go.Start(async () =>
                {
                    long sum = 0;
                    await foreach (var v in ch) sum += v;
                    Interlocked.Add(ref total, sum);
                    consumed.Signal();
                });
            }

            return GoTask.CompletedTask;
        });
        consumed.Wait();
        return total;
    }

    /// <summary>
    /// Tasks and a <c>Channel.CreateBounded&lt;long&gt;(1024)</c>, all started with <c>Task.Run</c> from a pool thread
    /// (as goroutines are started from a goroutine). Producers use <c>WriteAsync</c> (synchronous while there is
    /// room); consumers use the idiomatic batch loop <c>while (await WaitToReadAsync()) while (TryRead(out v))</c>,
    /// which takes every buffered item without an await each (<c>ReadAllAsync</c> is slower by ~50 %).
    /// </summary>
    public static long Tasks(long items)
    {
        long per = items / Units, total = 0;
        int producing = Units;
        var ch = Channel.CreateBounded<long>(new BoundedChannelOptions(Buffer) { FullMode = BoundedChannelFullMode.Wait });
        var units = Task.Run(() =>
        {
            var started = new Task[2 * Units];
            for (int p = 0; p < Units; p++)
            {
                long from = p * per;
                started[p] = Task.Run(async () =>
                {
                    for (long v = from; v < from + per; v++) await ch.Writer.WriteAsync(v);
                    if (Interlocked.Decrement(ref producing) == 0) ch.Writer.Complete();
                });
            }

            for (int c = 0; c < Units; c++)
            {
                started[Units + c] = Task.Run(async () =>
                {
                    long sum = 0;
                    var reader = ch.Reader;
                    while (await reader.WaitToReadAsync())
                        while (reader.TryRead(out var v)) sum += v;
                    Interlocked.Add(ref total, sum);
                });
            }

            return started;
        }).GetAwaiter().GetResult();
        Task.WaitAll(units);
        return total;
    }

    /// <summary>Threads and a <see cref="BlockingCollection{T}"/> bounded at 1024.</summary>
    public static long Threads(long items)
    {
        long per = items / Units, total = 0;
        int producing = Units;
        using var ch = new BlockingCollection<long>(Buffer);
        var threads = new List<Thread>();
        for (int p = 0; p < Units; p++)
        {
            long from = p * per;
            threads.Add(new Thread(() =>
            {
                for (long v = from; v < from + per; v++) ch.Add(v);
                if (Interlocked.Decrement(ref producing) == 0) ch.CompleteAdding();
            }) { IsBackground = true });
        }

        for (int c = 0; c < Units; c++)
        {
            threads.Add(new Thread(() =>
            {
                long sum = 0;
                foreach (var v in ch.GetConsumingEnumerable()) sum += v;
                Interlocked.Add(ref total, sum);
            }) { IsBackground = true });
        }

        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        return total;
    }
}
