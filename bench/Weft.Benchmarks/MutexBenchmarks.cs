using BenchmarkDotNet.Attributes;

namespace Weft.Benchmarks;

/// <summary>
/// Uncontended Lock+Unlock, per pair: Weft's <see cref="Sync.Mutex"/> (TryLock, and the awaited LockAsync fast path
/// inside a goroutine) beside the C# <c>lock</c> statement on a <see cref="Lock"/> and <see cref="SemaphoreSlim"/>'s
/// synchronous and awaited paths. The bar (issue 11): uncontended Lock+Unlock ≤ 20 ns.
/// </summary>
[MemoryDiagnoser]
public class MutexBenchmarks : RuntimeBenchmark
{
    private const int Ops = 10_000;
    private readonly Sync.Mutex _mutex = new();
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _semaphore = new(1, 1);
    private long _counter;

    [Benchmark(OperationsPerInvoke = Ops)]
    public long Uncontended_TryLock_Unlock_Weft()
    {
        var mu = _mutex;
        for (int i = 0; i < Ops; i++)
        {
            mu.TryLock();
            _counter++;
            mu.Unlock();
        }

        return _counter;
    }

    [Benchmark(OperationsPerInvoke = Ops)]
    public long Uncontended_AwaitLockAsync_Unlock_Goroutine() => Runtime.RunAsync(async () =>
    {
        var mu = _mutex;
        for (int i = 0; i < Ops; i++)
        {
            await mu.LockAsync();
            _counter++;
            mu.Unlock();
        }

        return _counter;
    }).GetAwaiter().GetResult();

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops)]
    public long Uncontended_LockStatement()
    {
        var gate = _lock;
        for (int i = 0; i < Ops; i++)
        {
            lock (gate) _counter++;
        }

        return _counter;
    }

    [Benchmark(OperationsPerInvoke = Ops)]
    public long Uncontended_SemaphoreSlim_Wait_Release()
    {
        var gate = _semaphore;
        for (int i = 0; i < Ops; i++)
        {
            gate.Wait();
            _counter++;
            gate.Release();
        }

        return _counter;
    }

    [Benchmark(OperationsPerInvoke = Ops)]
    public long Uncontended_SemaphoreSlim_AwaitWaitAsync_Release() => Task.Run(async () =>
    {
        var gate = _semaphore;
        for (int i = 0; i < Ops; i++)
        {
            await gate.WaitAsync();
            _counter++;
            gate.Release();
        }

        return _counter;
    }).GetAwaiter().GetResult();
}
