using BenchmarkDotNet.Attributes;

namespace Weft.Benchmarks;

/// <summary>
/// Starting no-op units of work and waiting for all of them: Go.Start from outside the runtime (global queue) and
/// from inside a goroutine (runnext and the local queue), against Task.Run and ThreadPool.UnsafeQueueUserWorkItem.
/// Per unit started.
/// </summary>
[MemoryDiagnoser]
public class SpawnBenchmarks
{
    private const int Units = 10_000;

    private GoRuntime _runtime = null!;
    private readonly ManualResetEventSlim _done = new();
    private int _remaining;
    private Action _noop = null!;
    private Action<object?> _noopState = null!;

    [GlobalSetup]
    public void Setup()
    {
        _runtime = new GoRuntime(new GoOptions { MaxProcs = Environment.ProcessorCount, Name = "bench" });
        _noop = Finish;
        _noopState = _ => Finish();
    }

    [GlobalCleanup]
    public void Cleanup() => _runtime.Dispose();

    private void Finish()
    {
        if (Interlocked.Decrement(ref _remaining) == 0) _done.Set();
    }

    private void Arm()
    {
        _done.Reset();
        Volatile.Write(ref _remaining, Units);
    }

    [Benchmark(OperationsPerInvoke = Units)]
    public void GoStart_FromGoroutine_Fanout()
    {
        Arm();
        var noop = _noop;
        _runtime.Start(() =>
        {
            for (int i = 0; i < Units; i++) Go.Start(noop);
        });
        _done.Wait();
    }

    [Benchmark(OperationsPerInvoke = Units)]
    public void GoStart_FromOutsideRuntime_GlobalQueue()
    {
        Arm();
        var rt = _runtime;
        for (int i = 0; i < Units; i++) rt.Start(_noop);
        _done.Wait();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Units)]
    public void TaskRun_FromOutsidePool_Baseline()
    {
        Arm();
        for (int i = 0; i < Units; i++) Task.Run(_noop);
        _done.Wait();
    }

    [Benchmark(OperationsPerInvoke = Units)]
    public void TaskRun_FromPoolThread_Fanout()
    {
        Arm();
        var noop = _noop;
        Task.Run(() =>
        {
            for (int i = 0; i < Units; i++) Task.Run(noop);
        });
        _done.Wait();
    }

    [Benchmark(OperationsPerInvoke = Units)]
    public void ThreadPoolUnsafeQueue_FromOutsidePool_Baseline()
    {
        Arm();
        for (int i = 0; i < Units; i++) ThreadPool.UnsafeQueueUserWorkItem(_noopState, null, preferLocal: false);
        _done.Wait();
    }
}
