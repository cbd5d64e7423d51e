using Weft.Lab.Measurement;

namespace Weft.Lab.Workloads;

/// <summary>
/// <c>context</c>: a tree of N contexts (100,000; each node has up to 10 children, breadth-first), one unit waiting on
/// each context's cancellation. Figure: <c>ms</c> from canceling the root until every waiter has observed it. Weft:
/// <c>GoContext.WithCancel</c> and goroutines receiving from <c>Done</c>; tasks: linked
/// <see cref="CancellationTokenSource"/>s and tasks awaiting <c>Task.Delay(infinite, token)</c>. Building the tree and
/// parking the waiters is not timed.
/// </summary>
public sealed class ContextWorkload : Workload
{
    /// <summary>Children per context.</summary>
    public const int Fanout = 10;

    /// <inheritdoc />
    public override string Name => "context";

    /// <inheritdoc />
    public override string Description => "cancel the root of a tree of 100k contexts until every waiter saw it";

    /// <inheritdoc />
    public override IReadOnlyList<FigureSpec> Figures { get; } = [new("ms", "ms", true, "ms until every Done is observed")];

    /// <inheritdoc />
    public override IReadOnlyList<string> Models { get; } = [Lab.Workloads.Models.Weft, Lab.Workloads.Models.Tasks];

    /// <inheritdoc />
    public override long DefaultSize => 100_000;

    /// <inheritdoc />
    public override long QuickSize => 20_000;

    /// <inheritdoc />
    public override string SizeUnit => "contexts";

    /// <inheritdoc />
    protected override Outcome RunModel(string model, long size)
    {
        int n = (int)size;
        var (ticks, observed) = model switch
        {
            Lab.Workloads.Models.Weft => Weft(n),
            Lab.Workloads.Models.Tasks => Tasks(n),
            _ => throw new ArgumentOutOfRangeException(nameof(model)),
        };
        if (observed != n) throw new InvalidOperationException($"context: {observed} waiters saw the cancellation, expected {n}");
        return Outcome.Of("ms", Measure.Milliseconds(0, ticks));
    }

    /// <summary>Builds the tree, parks one goroutine per context, then times the cancellation. Returns (Stopwatch ticks, waiters that observed it).</summary>
    public static (long Ticks, int Observed) Weft(int n)
    {
        using var lab = new LabRuntime();
        return lab.Run(async () =>
        {
            var contexts = new GoContext[n];
            var (root, cancel) = GoContext.WithCancel(GoContext.Background);
            contexts[0] = root;
            for (int i = 1; i < n; i++) contexts[i] = GoContext.WithCancel(contexts[(i - 1) / Fanout]).Context;
            var wg = new Sync.WaitGroup();
            int observed = 0;
            foreach (var ctx in contexts)
            {
                var done = ctx.Done;
                wg.Go(async () =>
                {
                    await done.ReceiveWithOkAsync();
                    Interlocked.Increment(ref observed);
                });
            }

            // Untimed: wait until every waiter is parked on its Done channel.
            foreach (var ctx in contexts)
                while (ctx.Done.Channel!.WaitingCounts.Receivers == 0) await Go.Yield();

            long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            cancel();
            await wg.WaitAsync();
            return (System.Diagnostics.Stopwatch.GetTimestamp() - t0, observed);
        });
    }

    /// <summary>The same with linked token sources and one task per token. Returns (Stopwatch ticks, waiters that observed it).</summary>
    public static (long Ticks, int Observed) Tasks(int n)
    {
        var sources = new CancellationTokenSource[n];
        sources[0] = new CancellationTokenSource();
        for (int i = 1; i < n; i++) sources[i] = CancellationTokenSource.CreateLinkedTokenSource(sources[(i - 1) / Fanout].Token);
        int observed = 0, parked = 0;
        var tasks = new Task[n];
        for (int i = 0; i < n; i++)
        {
            var token = sources[i].Token;
            tasks[i] = Task.Run(async () =>
            {
                var wait = Task.Delay(Timeout.Infinite, token);
                Interlocked.Increment(ref parked);
                try
                {
                    await wait;
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref observed);
                }
            });
        }

        Measure.WaitUntil(() => Volatile.Read(ref parked) == n, TimeSpan.FromMinutes(1));
        long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        sources[0].Cancel();
        Task.WaitAll(tasks);
        long ticks = System.Diagnostics.Stopwatch.GetTimestamp() - t0;
        foreach (var s in sources) s.Dispose();
        return (ticks, observed);
    }
}
