using System.Diagnostics;
using System.Threading.Channels;
using Weft.Lab.Measurement;

namespace Weft.Lab.Workloads;

/// <summary>
/// <c>pipeline</c>: the daisy chain. 1,000 stages joined by unbuffered channels, each passing every value on to the
/// next (plus one); N values (10k) enter at the head and are summed at the tail. Figure: <c>ns_per_hop</c>, the time
/// from the first value sent to the last one received over N × 1,000 (one value crossing one stage). The chain is
/// built before the clock starts: creation cost is <c>spawn</c>'s figure. Long chains of rendezvous are where a
/// scheduler's hand-off path shows: runnext hand-off, wake-ups, cross-P traffic.
/// </summary>
public sealed class PipelineWorkload : Workload
{
    /// <summary>Stages in the chain.</summary>
    public const int Stages = 1_000;

    /// <inheritdoc />
    public override string Name => "pipeline";

    /// <inheritdoc />
    public override string Description => "a chain of 1,000 stages on unbuffered channels passes 10k values along";

    /// <inheritdoc />
    public override IReadOnlyList<FigureSpec> Figures { get; } = [new("ns_per_hop", "ns", true, "ns per value per stage")];

    /// <inheritdoc />
    public override IReadOnlyList<string> Models { get; } = [Lab.Workloads.Models.Weft, Lab.Workloads.Models.Tasks];

    /// <inheritdoc />
    public override long DefaultSize => 10_000;

    /// <inheritdoc />
    public override long QuickSize => 1_000;

    /// <inheritdoc />
    public override string SizeUnit => "values";

    /// <inheritdoc />
    protected override Outcome RunModel(string model, long size)
    {
        var (ns, sum) = model switch
        {
            Lab.Workloads.Models.Weft => WeftTimed(size),
            Lab.Workloads.Models.Tasks => Tasks(size),
            _ => throw new ArgumentOutOfRangeException(nameof(model)),
        };
        if (sum != ExpectedSum(size)) throw new InvalidOperationException($"pipeline sum {sum}, expected {ExpectedSum(size)}");
        return Outcome.Of("ns_per_hop", ns / ((double)size * Stages));
    }

    /// <summary>The sum at the tail: every value 0..n−1 plus one per stage.</summary>
    public static long ExpectedSum(long n) => n * (n - 1) / 2 + n * Stages;

    private static (double Ns, long Sum) WeftTimed(long n)
    {
        using var lab = new LabRuntime();
        return Weft(lab, n);
    }

    /// <summary>Goroutines and unbuffered <c>Chan&lt;long&gt;</c>s; each stage ranges over its input with <c>await foreach</c> (the <c>weft</c> model, on <paramref name="lab"/>).</summary>
    public static (double Ns, long Sum) Weft(LabRuntime lab, long n) => lab.Run(async () =>
    {
        var head = new Chan<long>();
        var input = head;
        for (int s = 0; s < Stages; s++)
        {
            var from = input;
            var to = new Chan<long>();
            Go.Start(async () =>
            {
                await foreach (var v in from) await to.SendAsync(v + 1);
                to.Close();
            });
            input = to;
        }

        long start = Stopwatch.GetTimestamp();
        Go.Start(async () =>
        {
            for (long i = 0; i < n; i++) await head.SendAsync(i);
            head.Close();
        });
        long sum = 0;
        await foreach (var v in input) sum += v;
        return (Stopwatch.GetElapsedTime(start).TotalNanoseconds, sum);
    });

    /// <summary>
    /// Tasks and rendezvous channels (<c>Channel.CreateBounded&lt;long&gt;(0)</c>, as <c>pingpong</c>), started with
    /// <c>Task.Run</c> from a pool thread; each stage uses the idiomatic loop
    /// <c>while (await WaitToReadAsync()) while (TryRead(out v)) await WriteAsync(v + 1)</c>.
    /// </summary>
    public static (double Ns, long Sum) Tasks(long n) => Task.Run(async () =>
    {
        var head = Rendezvous();
        var input = head;
        var stages = new Task[Stages];
        for (int s = 0; s < Stages; s++)
        {
            var from = input.Reader;
            var to = Rendezvous();
            stages[s] = Task.Run(async () =>
            {
                while (await from.WaitToReadAsync())
                    while (from.TryRead(out var v)) await to.Writer.WriteAsync(v + 1);
                to.Writer.Complete();
            });
            input = to;
        }

        long start = Stopwatch.GetTimestamp();
        var producer = Task.Run(async () =>
        {
            for (long i = 0; i < n; i++) await head.Writer.WriteAsync(i);
            head.Writer.Complete();
        });
        long sum = 0;
        var tail = input.Reader;
        while (await tail.WaitToReadAsync())
            while (tail.TryRead(out var v)) sum += v;
        double ns = Stopwatch.GetElapsedTime(start).TotalNanoseconds;
        await producer;
        await Task.WhenAll(stages);
        return (ns, sum);
    }).GetAwaiter().GetResult();

    private static Channel<long> Rendezvous() =>
        Channel.CreateBounded<long>(new BoundedChannelOptions(0) { SingleReader = true, SingleWriter = true });
}
