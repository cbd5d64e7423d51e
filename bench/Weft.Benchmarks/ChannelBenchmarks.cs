using System.Threading.Channels;
using BenchmarkDotNet.Attributes;

namespace Weft.Benchmarks;

/// <summary>
/// Channel operations, per operation (or per round trip), Weft's <see cref="Chan{T}"/> against
/// System.Threading.Channels, each shape measured the same way for both: the non-blocking calls from a plain
/// thread, the awaited fast path that never parks, and the parking paths (an unbuffered ping-pong and a buffered
/// producer/consumer pair). The Weft loops run as goroutines of one runtime, the baselines as pool tasks.
/// </summary>
[MemoryDiagnoser]
public class ChannelBenchmarks : RuntimeBenchmark
{
    private const int Ops = 10_000;

    // ---- non-blocking calls on a buffered channel, from the benchmark thread ----

    private readonly Chan<int> _buffered = new(1024);
    private readonly Channel<int> _boundedBaseline = Channel.CreateBounded<int>(1024);

    [Benchmark(OperationsPerInvoke = Ops)]
    public int Buffered_TrySend_TryReceive_Weft()
    {
        int sum = 0;
        var ch = _buffered;
        for (int i = 0; i < Ops; i++)
        {
            ch.TrySend(i);
            ch.TryReceive(out int v);
            sum += v;
        }

        return sum;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops)]
    public int Buffered_TryWrite_TryRead_Channels()
    {
        int sum = 0;
        var ch = _boundedBaseline;
        for (int i = 0; i < Ops; i++)
        {
            ch.Writer.TryWrite(i);
            ch.Reader.TryRead(out int v);
            sum += v;
        }

        return sum;
    }

    // ---- awaited send then receive on a buffered channel: always ready, never parks ----

    [Benchmark(OperationsPerInvoke = Ops)]
    public long Buffered_AwaitSend_AwaitReceive_Goroutine() => Runtime.RunAsync(async () =>
    {
        var ch = new Chan<int>(1);
        long sum = 0;
        for (int i = 0; i < Ops; i++)
        {
            await ch.SendAsync(i);
            sum += await ch.ReceiveAsync();
        }

        return sum;
    }).GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = Ops)]
    public long Buffered_AwaitWrite_AwaitRead_Task() => Task.Run(async () =>
    {
        var ch = Channel.CreateBounded<int>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        long sum = 0;
        for (int i = 0; i < Ops; i++)
        {
            await ch.Writer.WriteAsync(i);
            sum += await ch.Reader.ReadAsync();
        }

        return sum;
    }).GetAwaiter().GetResult();

    // ---- unbuffered ping-pong: every operation parks one side and wakes the other ----

    [Benchmark(OperationsPerInvoke = Ops)]
    public long Unbuffered_PingPong_Goroutines() => Runtime.RunAsync(async () =>
    {
        var ping = new Chan<int>();
        var pong = new Chan<int>();
        Go.Start(async () =>
        {
            for (int i = 0; i < Ops; i++) await pong.SendAsync(await ping.ReceiveAsync() + 1);
        });
        long sum = 0;
        for (int i = 0; i < Ops; i++)
        {
            await ping.SendAsync(i);
            sum += await pong.ReceiveAsync();
        }

        return sum;
    }).GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = Ops)]
    public long Unbuffered_PingPong_Tasks() => Task.Run(async () =>
    {
        var options = new BoundedChannelOptions(0) { SingleReader = true, SingleWriter = true };
        var ping = Channel.CreateBounded<int>(options);
        var pong = Channel.CreateBounded<int>(options);
        var echo = Task.Run(async () =>
        {
            for (int i = 0; i < Ops; i++) await pong.Writer.WriteAsync(await ping.Reader.ReadAsync() + 1);
        });
        long sum = 0;
        for (int i = 0; i < Ops; i++)
        {
            await ping.Writer.WriteAsync(i);
            sum += await pong.Reader.ReadAsync();
        }

        await echo;
        return sum;
    }).GetAwaiter().GetResult();

    // ---- one producer, one consumer, a 64-slot buffer ----

    [Benchmark(OperationsPerInvoke = Ops)]
    public long Buffered64_ProducerConsumer_Goroutines() => Runtime.RunAsync(async () =>
    {
        var ch = new Chan<int>(64);
        Go.Start(async () =>
        {
            for (int i = 0; i < Ops; i++) await ch.SendAsync(i);
            ch.Close();
        });
        long sum = 0;
        await foreach (var v in ch) sum += v;
        return sum;
    }).GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = Ops)]
    public long Buffered64_ProducerConsumer_Tasks() => Task.Run(async () =>
    {
        var ch = Channel.CreateBounded<int>(new BoundedChannelOptions(64) { SingleReader = true, SingleWriter = true });
        _ = Task.Run(async () =>
        {
            for (int i = 0; i < Ops; i++) await ch.Writer.WriteAsync(i);
            ch.Writer.Complete();
        });
        long sum = 0;
        await foreach (var v in ch.Reader.ReadAllAsync()) sum += v;
        return sum;
    }).GetAwaiter().GetResult();
}
