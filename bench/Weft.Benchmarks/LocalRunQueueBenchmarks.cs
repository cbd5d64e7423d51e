using BenchmarkDotNet.Attributes;
using Weft.Scheduling;

namespace Weft.Benchmarks;

/// <summary>
/// The per-P local run queue: owner push/pop, runnext, and steal, uncontended and with a thief hammering the head.
/// Per-operation figures (OperationsPerInvoke = one batch).
/// </summary>
[MemoryDiagnoser]
public class LocalRunQueueBenchmarks
{
    private const int Batch = 128;

    private FakeGoroutines _fakes = null!;
    private G[] _gs = null!;
    private LocalRunQueue _queue = null!;
    private LocalRunQueue _thiefQueue = null!;
    private DiscardingOverflow _overflow = null!;
    private Thread? _thief;
    private volatile bool _stop;

    [GlobalSetup]
    public void Setup()
    {
        _fakes = new FakeGoroutines();
        _gs = _fakes.Make(Batch);
        _queue = new LocalRunQueue();
        _thiefQueue = new LocalRunQueue();
        _overflow = new DiscardingOverflow();
    }

    [GlobalSetup(Target = nameof(PushPop_OwnerWithOneThief_Contended))]
    public void SetupContended()
    {
        Setup();
        _stop = false;
        _thief = new Thread(() =>
        {
            var mine = new LocalRunQueue();
            while (!_stop)
            {
                if (_queue.StealInto(mine, stealRunNext: false) is null)
                {
                    Thread.SpinWait(8);
                    continue;
                }

                while (mine.Pop(out _) is not null)
                {
                }
            }
        }) { IsBackground = true, Name = "bench thief" };
        _thief.Start();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop = true;
        _thief?.Join();
        _thief = null;
        _fakes.Dispose();
    }

    /// <summary>The owner pushes a batch to the tail and pops it back: the ring's fast path, nobody else around.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public int PushPop_OwnerOnly_Uncontended()
    {
        var q = _queue;
        var gs = _gs;
        for (int i = 0; i < gs.Length; i++) q.Push(gs[i], next: false, _overflow);
        int n = 0;
        while (q.Pop(out _) is not null) n++;
        return n;
    }

    /// <summary>Push into runnext and pop it at once (a goroutine readying its partner, then switching to it).</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int RunNextPushPop_OwnerOnly_Uncontended()
    {
        var q = _queue;
        var gs = _gs;
        int n = 0;
        for (int i = 0; i < gs.Length; i++)
        {
            q.Push(gs[i], next: true, _overflow);
            if (q.Pop(out bool inherit) is not null && inherit) n++;
        }

        return n;
    }

    /// <summary>A burst of spawns into runnext: each kicks the previous runnext to the tail; then drain.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int RunNextKickToTail_OwnerOnly_Uncontended()
    {
        var q = _queue;
        var gs = _gs;
        for (int i = 0; i < gs.Length; i++) q.Push(gs[i], next: true, _overflow);
        int n = 0;
        while (q.Pop(out _) is not null) n++;
        return n;
    }

    /// <summary>Fill with a batch, a thief steals half into its own ring, both sides drain. Per goroutine moved.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int StealHalf_IdleVictim_Uncontended()
    {
        var q = _queue;
        var gs = _gs;
        for (int i = 0; i < gs.Length; i++) q.Push(gs[i], next: false, _overflow);
        int n = q.StealInto(_thiefQueue, stealRunNext: false) is null ? 0 : 1;
        while (_thiefQueue.Pop(out _) is not null) n++;
        while (q.Pop(out _) is not null) n++;
        return n;
    }

    /// <summary>Two full rings' worth of pushes with no pops: every 129th push pays for moving half a ring to the overflow.</summary>
    [Benchmark(OperationsPerInvoke = 4 * Batch)]
    public int Push_OverflowingRing_Uncontended()
    {
        var q = _queue;
        var gs = _gs;
        for (int round = 0; round < 4; round++)
            for (int i = 0; i < gs.Length; i++) q.Push(gs[i], next: false, _overflow);
        int n = 0;
        while (q.Pop(out _) is not null) n++;
        return n;
    }

    /// <summary>The owner pushes and pops while another thread keeps stealing half of whatever is there.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int PushPop_OwnerWithOneThief_Contended()
    {
        var q = _queue;
        var gs = _gs;
        for (int i = 0; i < gs.Length; i++) q.Push(gs[i], next: false, _overflow);
        int n = 0;
        while (q.Pop(out _) is not null) n++;
        return n;
    }
}
