using Weft.Lab.Measurement;

namespace Weft.Lab.Workloads;

/// <summary>
/// <c>scope</c>: fork-join of N leaves (1M) in skynet's shape through structured scopes: each node opens a scope,
/// forks its 10 children in it, and sums what they stored once the scope has joined them. Figure: <c>ms</c>. Weft:
/// <c>Go.Scope</c>; tasks: <c>Task.Run</c> children joined with <c>Task.WhenAll</c>. The sum is N(N−1)/2.
/// </summary>
public sealed class ScopeWorkload : Workload
{
    /// <summary>Children per node.</summary>
    public const int Div = 10;

    /// <inheritdoc />
    public override string Name => "scope";

    /// <inheritdoc />
    public override string Description => "fork-join of 1M leaves through scopes (skynet's shape)";

    /// <inheritdoc />
    public override IReadOnlyList<FigureSpec> Figures { get; } = [new("ms", "ms", true, "ms for the tree")];

    /// <inheritdoc />
    public override IReadOnlyList<string> Models { get; } = [Lab.Workloads.Models.Weft, Lab.Workloads.Models.Tasks];

    /// <inheritdoc />
    public override long DefaultSize => 1_000_000;

    /// <inheritdoc />
    public override long QuickSize => 100_000;

    /// <inheritdoc />
    public override string SizeUnit => "leaves (a power of 10)";

    /// <inheritdoc />
    public override long NormalizeSize(long size) => Skynet.PowerOfTen(size);

    /// <inheritdoc />
    protected override Outcome RunModel(string model, long size)
    {
        var timed = model switch
        {
            Lab.Workloads.Models.Weft => LabRuntime.Time(lab => Weft(lab, size)),
            Lab.Workloads.Models.Tasks => Measure.Time(() => Tasks(size)),
            _ => throw new ArgumentOutOfRangeException(nameof(model)),
        };
        long expected = Skynet.ExpectedSum(size);
        if (timed.Value != expected) throw new InvalidOperationException($"scope sum {timed.Value}, expected {expected}");
        return Outcome.Of("ms", timed.Milliseconds);
    }

    /// <summary>Scopes of goroutines; returns the sum of the leaves.</summary>
    public static long Weft(LabRuntime lab, long leaves) => lab.Run(() => WeftNode(0, leaves));

    private static async GoTask<long> WeftNode(long num, long size)
    {
        if (size == 1) return num;
        long sub = size / Div;
        var results = new long[Div];
        await Go.Scope(s =>
        {
            for (int i = 0; i < Div; i++)
            {
                int slot = i;
                long childNum = num + i * sub;
                s.Go(async () => results[slot] = await WeftNode(childNum, sub));
            }

            return GoTask.CompletedTask;
        });
        long sum = 0;
        foreach (long r in results) sum += r;
        return sum;
    }

    /// <summary>Tasks joined with <c>Task.WhenAll</c>; returns the sum of the leaves.</summary>
    public static long Tasks(long leaves) => Task.Run(() => TaskNode(0, leaves)).GetAwaiter().GetResult();

    private static async Task<long> TaskNode(long num, long size)
    {
        if (size == 1) return num;
        long sub = size / Div;
        var children = new Task<long>[Div];
        for (int i = 0; i < Div; i++)
        {
            long childNum = num + i * sub;
            children[i] = Task.Run(() => TaskNode(childNum, sub));
        }

        long sum = 0;
        foreach (long r in await Task.WhenAll(children)) sum += r;
        return sum;
    }
}
