using Weft.Lab.Measurement;

namespace Weft.Lab.Workloads;

/// <summary>
/// <c>skynet-await</c>: the skynet tree (N leaves, 10 children per node, leaf i returns i) where each parent starts
/// its 10 children as concurrent units and awaits their results in order. Figure: <c>ms</c> for the whole tree.
/// The sum of the leaves is N(N−1)/2 (499,999,500,000 for 1M leaves).
/// </summary>
public sealed class SkynetAwaitWorkload : Workload
{
    /// <summary>Children per node.</summary>
    public const int Div = 10;

    /// <inheritdoc />
    public override string Name => "skynet-await";

    /// <inheritdoc />
    public override string Description => "skynet tree, each parent awaiting its children's results";

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
        long expected = Skynet.ExpectedSum(size);
        var timed = model switch
        {
            Lab.Workloads.Models.Weft => LabRuntime.Time(lab => Weft(lab, size)),
            Lab.Workloads.Models.Tasks => Measure.Time(() => Tasks(size)),
            _ => throw new ArgumentOutOfRangeException(nameof(model)),
        };
        double ms = timed.Milliseconds;
        long sum = timed.Value;
        if (sum != expected) throw new InvalidOperationException($"skynet-await sum {sum}, expected {expected}");
        return Outcome.Of("ms", ms);
    }

    /// <summary>Goroutines: each parent spawns its children with <c>Go.Spawn</c> and awaits their GoTask&lt;long&gt;s (the <c>weft</c> model, on <paramref name="lab"/>).</summary>
    public static long Weft(LabRuntime lab, long leaves) => lab.Run(() => WeftNode(0, leaves));

    private static async GoTask<long> WeftNode(long num, long size)
    {
        if (size == 1) return num;
        long sub = size / Div;
        var children = new GoTask<long>[Div];
        for (int i = 0; i < Div; i++)
        {
            long childNum = num + i * sub;
            children[i] = Go.Spawn(() => WeftNode(childNum, sub));
        }

        long sum = 0;
        for (int i = 0; i < Div; i++) sum += await children[i];
        return sum;
    }

    /// <summary>Tasks: each parent starts its children with <c>Task.Run</c> and awaits their Task&lt;long&gt;s.</summary>
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
        for (int i = 0; i < Div; i++) sum += await children[i];
        return sum;
    }
}
