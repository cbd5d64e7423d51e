using System.Threading.Channels;
using Weft.Lab.Measurement;

namespace Weft.Lab.Workloads;

/// <summary>
/// <c>skynet</c>: N leaves in a tree of 10 children per node (1,111,111 units for 1M leaves); leaf i sends i to its
/// parent over the parent's unbuffered channel, each parent sums its 10 children and sends the sum up. Figure:
/// <c>ms</c> for the whole tree. The <c>tasks</c> model uses <c>Channel.CreateBounded&lt;long&gt;(0)</c>, a rendezvous
/// since .NET 10, where Weft uses an unbuffered <c>Chan&lt;long&gt;</c>, and starts each node the way a C# developer
/// would: by calling the async method (it runs until its first await, then continues on the pool). <c>tasks-run</c>
/// starts every node with <c>Task.Run</c> instead, which is what "every node is its own scheduled unit" costs.
/// </summary>
public sealed class SkynetWorkload : Workload
{
    /// <summary>Children per node.</summary>
    public const int Div = 10;

    /// <inheritdoc />
    public override string Name => "skynet";

    /// <inheritdoc />
    public override string Description => "1M leaves in a tree of 10, sums passed up over channels";

    /// <inheritdoc />
    public override IReadOnlyList<FigureSpec> Figures { get; } = [new("ms", "ms", true, "ms for the tree")];

    /// <inheritdoc />
    public override IReadOnlyList<string> Models { get; } = [Lab.Workloads.Models.Weft, Lab.Workloads.Models.Tasks, Lab.Workloads.Models.TasksRun];

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
            Lab.Workloads.Models.Tasks => Measure.Time(() => Tasks(size, taskRun: false)),
            Lab.Workloads.Models.TasksRun => Measure.Time(() => Tasks(size, taskRun: true)),
            _ => throw new ArgumentOutOfRangeException(nameof(model)),
        };
        double ms = timed.Milliseconds;
        long sum = timed.Value;
        if (sum != expected) throw new InvalidOperationException($"skynet sum {sum}, expected {expected}");
        return Outcome.Of("ms", ms);
    }

    /// <summary>Goroutines and unbuffered <c>Chan&lt;long&gt;</c>s (the <c>weft</c> model, on <paramref name="lab"/>).</summary>
    public static long Weft(LabRuntime lab, long leaves)
    {
        return lab.Run(async () =>
        {
            var c = new Chan<long>();
            Go.Start(() => WeftNode(c, 0, leaves));
            return await c.ReceiveAsync();
        });
    }

    private static async GoTask WeftNode(Chan<long> c, long num, long size)
    {
        if (size == 1)
        {
            await c.SendAsync(num);
            return;
        }

        var rc = new Chan<long>();
        long sub = size / Div;
        for (int i = 0; i < Div; i++)
        {
            long childNum = num + i * sub;
            Go.Start(() => WeftNode(rc, childNum, sub));
        }

        long sum = 0;
        for (int i = 0; i < Div; i++) sum += await rc.ReceiveAsync();
        await c.SendAsync(sum);
    }

    /// <summary>
    /// Async methods and rendezvous channels (<c>Channel.CreateBounded&lt;long&gt;(0)</c>), from a pool thread. Each node
    /// starts its children by calling <see cref="TaskNode"/> directly, or with <c>Task.Run</c> when
    /// <paramref name="taskRun"/> (the <c>tasks-run</c> model).
    /// </summary>
    public static long Tasks(long leaves, bool taskRun) => Task.Run(async () =>
    {
        var c = Channel.CreateBounded<long>(0);
        Start(() => TaskNode(c.Writer, 0, leaves, taskRun), taskRun);
        return await c.Reader.ReadAsync();
    }).GetAwaiter().GetResult();

    private static void Start(Func<Task> node, bool taskRun)
    {
        if (taskRun) _ = Task.Run(node);
        else _ = node(); // runs to its first await here; the rest continues on the pool
    }

    private static async Task TaskNode(ChannelWriter<long> c, long num, long size, bool taskRun)
    {
        if (size == 1)
        {
            await c.WriteAsync(num);
            return;
        }

        var rc = Channel.CreateBounded<long>(0);
        long sub = size / Div;
        for (int i = 0; i < Div; i++)
        {
            long childNum = num + i * sub;
            Start(() => TaskNode(rc.Writer, childNum, sub, taskRun), taskRun);
        }

        long sum = 0;
        for (int i = 0; i < Div; i++) sum += await rc.Reader.ReadAsync();
        await c.WriteAsync(sum);
    }
}

/// <summary>Shared arithmetic of the skynet workloads.</summary>
public static class Skynet
{
    /// <summary>The sum of leaves 0..n−1.</summary>
    public static long ExpectedSum(long leaves) => leaves * (leaves - 1) / 2;

    /// <summary>The largest power of 10 not above <paramref name="size"/> (at least 10).</summary>
    public static long PowerOfTen(long size)
    {
        long p = 10;
        while (p * 10 <= size) p *= 10;
        return p;
    }
}
