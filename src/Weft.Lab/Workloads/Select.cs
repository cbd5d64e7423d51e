using System.Diagnostics;
using System.Threading.Channels;
using Weft.Lab.Measurement;

namespace Weft.Lab.Workloads;

/// <summary>
/// <c>select</c>: one unit selects N times (1M) over two channels of capacity 1 that are both ready (Go's
/// BenchmarkSelectUncontended shape): it receives from the case chosen and refills that channel without blocking.
/// Figures: <c>ns_per_op</c> and <c>bytes_per_op</c> (bytes allocated by the process over the loop ÷ N).
/// </summary>
/// <remarks>
/// .NET has no select. The <c>tasks</c> model is what a careful C# user writes: poll the readers in a random order
/// with <c>TryRead</c> (Go's select does the same first pass), and only when none is ready fall back to
/// <c>Task.WhenAny</c> over <c>WaitToReadAsync</c>, which allocates and is only a hint.
/// </remarks>
public sealed class SelectWorkload : Workload
{
    /// <inheritdoc />
    public override string Name => "select";

    /// <inheritdoc />
    public override string Description => "one unit selecting over 2 ready channels and refilling the one it took from";

    /// <inheritdoc />
    public override IReadOnlyList<FigureSpec> Figures { get; } =
    [
        new("ns_per_op", "ns", true, "ns per select + refill"),
        new("bytes_per_op", "bytes", true, "bytes per select + refill"),
    ];

    /// <inheritdoc />
    public override string? Caveat(string model) =>
        "one op is a select plus the non-blocking send that refills the channel it took from (Weft TrySend, .NET " +
        "TryWrite, Go a buffered send); TryWrite costs more than TrySend, so the select alone differs less than ns_per_op";

    /// <inheritdoc />
    public override IReadOnlyList<string> Models { get; } = [Lab.Workloads.Models.Weft, Lab.Workloads.Models.Tasks];

    /// <inheritdoc />
    public override long DefaultSize => 1_000_000;

    /// <inheritdoc />
    public override long QuickSize => 200_000;

    /// <inheritdoc />
    public override string SizeUnit => "selects";

    /// <inheritdoc />
    protected override Outcome RunModel(string model, long size)
    {
        var r = model switch
        {
            Lab.Workloads.Models.Weft => Weft((int)size),
            Lab.Workloads.Models.Tasks => Tasks((int)size),
            _ => throw new ArgumentOutOfRangeException(nameof(model)),
        };
        if (r.First + r.Second != size) throw new InvalidOperationException($"select: {r.First + r.Second} operations, expected {size}");
        return Outcome.Of(("ns_per_op", r.Nanoseconds / size), ("bytes_per_op", (double)r.Bytes / size));
    }

    /// <summary>What one run measured: time, bytes, and how often each case was chosen.</summary>
    public readonly record struct Result(double Nanoseconds, long Bytes, long First, long Second);

    /// <summary>A goroutine looping on <c>Select.Of(Select.Receive(c1), Select.Receive(c2))</c>.</summary>
    public static Result Weft(int n)
    {
        using var lab = new LabRuntime();
        return lab.Run(async () =>
        {
            var c1 = new Chan<int>(1);
            var c2 = new Chan<int>(1);
            c1.TrySend(1);
            c2.TrySend(2);
            long first = 0, second = 0;
            long bytes0 = Measure.Allocated();
            long t0 = Stopwatch.GetTimestamp();
            for (int i = 0; i < n; i++)
            {
                var r = await Select.Of(Select.Receive(c1), Select.Receive(c2));
                if (r.Index == 0)
                {
                    first += r.Value<int>();
                    c1.TrySend(1);
                }
                else
                {
                    second += r.Value<int>() / 2;
                    c2.TrySend(2);
                }
            }

            long t1 = Stopwatch.GetTimestamp();
            long bytes1 = Measure.Allocated();
            return new Result(Measure.Nanoseconds(t0, t1), bytes1 - bytes0, first, second);
        });
    }

    /// <summary>A task looping on <see cref="SelectAsync"/> over two <c>Channel.CreateBounded&lt;int&gt;(1)</c>.</summary>
    public static Result Tasks(int n) => Task.Run(async () =>
    {
        var options = new BoundedChannelOptions(1) { SingleReader = true };
        var c1 = Channel.CreateBounded<int>(options);
        var c2 = Channel.CreateBounded<int>(options);
        c1.Writer.TryWrite(1);
        c2.Writer.TryWrite(2);
        long first = 0, second = 0;
        uint rng = 0x2545F491;
        long bytes0 = Measure.Allocated();
        long t0 = Stopwatch.GetTimestamp();
        for (int i = 0; i < n; i++)
        {
            rng ^= rng << 13;
            rng ^= rng >> 17;
            rng ^= rng << 5;
            var (index, value) = await SelectAsync(c1.Reader, c2.Reader, (rng & 1) == 0);
            if (index == 0)
            {
                first += value;
                c1.Writer.TryWrite(1);
            }
            else
            {
                second += value / 2;
                c2.Writer.TryWrite(2);
            }
        }

        long t1 = Stopwatch.GetTimestamp();
        long bytes1 = Measure.Allocated();
        return new Result(Measure.Nanoseconds(t0, t1), bytes1 - bytes0, first, second);
    }).GetAwaiter().GetResult();

    /// <summary>
    /// A two-way receive select over System.Threading.Channels readers: a non-blocking pass in the given order, then
    /// <c>Task.WhenAny</c> over <c>WaitToReadAsync</c> (retrying when another reader took the item first).
    /// </summary>
    public static async ValueTask<(int Index, T Value)> SelectAsync<T>(ChannelReader<T> a, ChannelReader<T> b, bool aFirst)
    {
        while (true)
        {
            if (aFirst)
            {
                if (a.TryRead(out var v)) return (0, v);
                if (b.TryRead(out v)) return (1, v);
            }
            else
            {
                if (b.TryRead(out var v)) return (1, v);
                if (a.TryRead(out v)) return (0, v);
            }

            var ta = a.WaitToReadAsync().AsTask();
            var tb = b.WaitToReadAsync().AsTask();
            await Task.WhenAny(ta, tb);
            if (ta.IsCompleted && !await ta && tb.IsCompleted && !await tb)
                throw new ChannelClosedException("select: both channels are closed");
        }
    }
}
