using System.Threading.Channels;
using BenchmarkDotNet.Attributes;

namespace Weft.Benchmarks;

/// <summary>
/// <c>select</c>, per operation: two ready receive cases (the chosen one refilled each time), a non-blocking
/// select with nothing ready (Go's <c>default</c>), and a select that parks until a partner goroutine sends. The
/// baseline is what a C# user writes over System.Threading.Channels: a <c>TryRead</c> pass in random order, then
/// <c>Task.WhenAny</c> over <c>WaitToReadAsync</c>. The memory column is the point of the first two rows: Weft's
/// select allocates nothing per operation.
/// </summary>
[MemoryDiagnoser]
public class SelectBenchmarks : RuntimeBenchmark
{
    private const int Ops = 10_000;

    [Benchmark(OperationsPerInvoke = Ops)]
    public long TwoReady_Weft() => Runtime.RunAsync(async () =>
    {
        var c1 = new Chan<int>(1);
        var c2 = new Chan<int>(1);
        c1.TrySend(1);
        c2.TrySend(2);
        long sum = 0;
        for (int i = 0; i < Ops; i++)
        {
            var r = await Select.Of(Select.Receive(c1), Select.Receive(c2));
            sum += r.Value<int>();
            (r.Index == 0 ? c1 : c2).TrySend(r.Index + 1);
        }

        return sum;
    }).GetAwaiter().GetResult();

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops)]
    public long TwoReady_Channels() => Task.Run(async () =>
    {
        var options = new BoundedChannelOptions(1) { SingleReader = true };
        var c1 = Channel.CreateBounded<int>(options);
        var c2 = Channel.CreateBounded<int>(options);
        c1.Writer.TryWrite(1);
        c2.Writer.TryWrite(2);
        long sum = 0;
        uint rng = 0x2545F491;
        for (int i = 0; i < Ops; i++)
        {
            rng ^= rng << 13;
            rng ^= rng >> 17;
            rng ^= rng << 5;
            var (index, value) = await ReceiveEither(c1.Reader, c2.Reader, (rng & 1) == 0);
            sum += value;
            (index == 0 ? c1 : c2).Writer.TryWrite(index + 1);
        }

        return sum;
    }).GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = Ops)]
    public int NothingReady_TrySelect_Weft()
    {
        var c1 = _empty1;
        var c2 = _empty2;
        int defaults = 0;
        for (int i = 0; i < Ops; i++)
            if (Select.Try(Select.Receive(c1), Select.Receive(c2)).IsDefault) defaults++;
        return defaults;
    }

    [Benchmark(OperationsPerInvoke = Ops)]
    public int NothingReady_TryRead_Channels()
    {
        var r1 = _emptyBaseline1.Reader;
        var r2 = _emptyBaseline2.Reader;
        int defaults = 0;
        for (int i = 0; i < Ops; i++)
            if (!r1.TryRead(out _) && !r2.TryRead(out _)) defaults++;
        return defaults;
    }

    private readonly Chan<int> _empty1 = new(1), _empty2 = new(1);
    private readonly Channel<int> _emptyBaseline1 = Channel.CreateBounded<int>(1), _emptyBaseline2 = Channel.CreateBounded<int>(1);

    [Benchmark(OperationsPerInvoke = Ops)]
    public long Parks_UntilPartnerSends_Weft() => Runtime.RunAsync(async () =>
    {
        var c1 = new Chan<int>();
        var c2 = new Chan<int>();
        Go.Start(async () =>
        {
            for (int i = 0; i < Ops; i++) await ((i & 1) == 0 ? c1 : c2).SendAsync(i);
        });
        long sum = 0;
        for (int i = 0; i < Ops; i++)
        {
            var r = await Select.Of(Select.Receive(c1), Select.Receive(c2));
            sum += r.Value<int>();
        }

        return sum;
    }).GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = Ops)]
    public long Parks_UntilPartnerSends_Channels() => Task.Run(async () =>
    {
        var options = new BoundedChannelOptions(0) { SingleReader = true, SingleWriter = true };
        var c1 = Channel.CreateBounded<int>(options);
        var c2 = Channel.CreateBounded<int>(options);
        var sender = Task.Run(async () =>
        {
            for (int i = 0; i < Ops; i++) await ((i & 1) == 0 ? c1 : c2).Writer.WriteAsync(i);
        });
        long sum = 0;
        for (int i = 0; i < Ops; i++) sum += (await ReceiveEither(c1.Reader, c2.Reader, (i & 1) == 0)).Value;
        await sender;
        return sum;
    }).GetAwaiter().GetResult();

    /// <summary>
    /// A two-way receive over System.Threading.Channels readers: a non-blocking pass in the given order, then
    /// <c>Task.WhenAny</c> over <c>WaitToReadAsync</c>, retrying when the item was taken first.
    /// </summary>
    private static async ValueTask<(int Index, int Value)> ReceiveEither(ChannelReader<int> a, ChannelReader<int> b, bool aFirst)
    {
        while (true)
        {
            var (first, second) = aFirst ? (a, b) : (b, a);
            if (first.TryRead(out var v)) return (aFirst ? 0 : 1, v);
            if (second.TryRead(out v)) return (aFirst ? 1 : 0, v);
            var ta = a.WaitToReadAsync().AsTask();
            var tb = b.WaitToReadAsync().AsTask();
            await Task.WhenAny(ta, tb);
        }
    }
}
