using BenchmarkDotNet.Attributes;
using Weft.Scheduling;

namespace Weft.Benchmarks;

/// <summary>The global run queue: raw ring operations, and the same under the scheduler-style lock. Per goroutine.</summary>
[MemoryDiagnoser]
public class GlobalRunQueueBenchmarks
{
    private const int Batch = 129; // what a full local ring hands over: half of 256 plus one

    private FakeGoroutines _fakes = null!;
    private G[] _gs = null!;
    private GlobalRunQueue _queue = null!;
    private readonly object _lock = new();

    [GlobalSetup]
    public void Setup()
    {
        _fakes = new FakeGoroutines();
        _gs = _fakes.Make(Batch);
        _queue = new GlobalRunQueue();
        // Grow the ring once so the benchmarks measure steady state.
        foreach (var g in _gs) _queue.Push(g);
        while (_queue.Pop() is not null)
        {
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _fakes.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public int PushPop_NoLock_Uncontended()
    {
        var q = _queue;
        foreach (var g in _gs) q.Push(g);
        int n = 0;
        while (q.Pop() is not null) n++;
        return n;
    }

    /// <summary>One lock round trip per push and per pop: a goroutine readied from outside the runtime, then taken.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int PushPop_LockPerOperation_Uncontended()
    {
        var q = _queue;
        foreach (var g in _gs)
        {
            lock (_lock) q.Push(g);
        }

        int n = 0;
        while (true)
        {
            G? g;
            lock (_lock) g = q.Pop();
            if (g is null) break;
            n++;
        }

        return n;
    }

    /// <summary>A local-queue overflow batch pushed in one lock, then taken back in one lock (globrunqget's shape).</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int PushBatchPopBatch_OneLockEach_Uncontended()
    {
        var q = _queue;
        lock (_lock) q.PushBatch(_gs, _gs.Length);
        int n = 0;
        lock (_lock)
        {
            while (q.Pop() is not null) n++;
        }

        return n;
    }
}
