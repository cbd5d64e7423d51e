using System.Diagnostics;
using Weft.Scheduling;

namespace Weft.Tests.Scheduling;

/// <summary>
/// The scheduler end to end: everything started runs (a million goroutines, MaxProcs=1), goroutines run in parallel,
/// idle Ps steal from a loaded one, and yield lets every goroutine progress (Go's proc_test equivalents).
/// </summary>
[Collection(StressCollection.Name)]
public sealed class SchedulerTests
{
    public static TheoryData<int> Procs => new() { 1, 2, 4 };

    private static void WaitOrFail(ManualResetEventSlim done, string what)
    {
        if (!done.Wait(TestRuntime.HangGuard)) Assert.Fail($"{what} did not happen within the hang guard");
    }

    [Theory]
    [MemberData(nameof(Procs))]
    public void Start_AMillionGoroutinesFromAGoroutine_EveryOneRunsExactlyOnce(int procs)
    {
        const int n = 1_000_000;
        using var rt = new TestRuntime(procs);
        var runs = new byte[n];
        int remaining = n;
        using var done = new ManualResetEventSlim();

        rt.Runtime.Start(() =>
        {
            for (int i = 0; i < n; i++)
            {
                int k = i;
                Go.Start(() =>
                {
                    runs[k]++; // each goroutine owns its byte; a second run would show as 2
                    if (Interlocked.Decrement(ref remaining) == 0) done.Set();
                });
            }
        });

        WaitOrFail(done, "a million goroutines completing");
        Assert.Equal(0, Volatile.Read(ref remaining));
        Thread.MemoryBarrier();
        Assert.True(Array.TrueForAll(runs, r => r == 1), "a goroutine ran more than once");
    }

    [Theory]
    [MemberData(nameof(Procs))]
    public void Start_ManyGoroutinesFromOutsideTheRuntime_AllComplete(int procs)
    {
        const int n = 100_000;
        using var rt = new TestRuntime(procs);
        int remaining = n;
        using var done = new ManualResetEventSlim();
        for (int i = 0; i < n; i++)
        {
            rt.Runtime.Start(() =>
            {
                if (Interlocked.Decrement(ref remaining) == 0) done.Set();
            });
        }

        WaitOrFail(done, "every goroutine started from outside completing");
    }

    /// <summary>Go's TestGoroutineParallelism: each CPU-bound goroutine spins until it has seen all the others running.</summary>
    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Start_CpuBoundGoroutinesWithMaxProcsN_AllRunAtTheSameTime(int procs)
    {
        using var rt = new TestRuntime(procs);
        int arrived = 0, timedOut = 0;
        var threads = new int[procs];
        using var done = new CountdownEvent(procs);
        for (int i = 0; i < procs; i++)
        {
            int k = i;
            rt.Runtime.Start(() =>
            {
                threads[k] = Environment.CurrentManagedThreadId;
                Interlocked.Increment(ref arrived);
                var sw = Stopwatch.StartNew();
                // No goroutine yields: the others can only arrive if they run on other Ms at the same time.
                while (Volatile.Read(ref arrived) < procs)
                {
                    if (sw.Elapsed > TestRuntime.HangGuard)
                    {
                        Interlocked.Increment(ref timedOut);
                        break;
                    }

                    Thread.SpinWait(20);
                }

                done.Signal();
            });
        }

        Assert.True(done.Wait(TestRuntime.HangGuard + TimeSpan.FromSeconds(5)), "the goroutines did not finish");
        Assert.Equal(0, timedOut);
        Assert.Equal(procs, threads.Distinct().Count());
    }

    /// <summary>
    /// A goroutine starts children onto its own P and then holds that P without yielding: the children can only run
    /// if idle Ps steal them, so they all complete while it spins and the steal counter rises.
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Start_ChildrenQueuedOnABusyP_IdlePsStealThemAll(int procs)
    {
        const int children = 200; // fewer than a ring: nothing overflows to the global queue
        using var rt = new TestRuntime(procs);
        int finished = 0, parentThread = 0, ranOnParentThread = 0;
        using var done = new ManualResetEventSlim();
        long stealsBefore = Interlocked.Read(ref rt.Runtime.Scheduler.StealCount);

        rt.Runtime.Start(() =>
        {
            parentThread = Environment.CurrentManagedThreadId;
            for (int i = 0; i < children; i++)
            {
                Go.Start(() =>
                {
                    if (Environment.CurrentManagedThreadId == Volatile.Read(ref parentThread)) Interlocked.Increment(ref ranOnParentThread);
                    Thread.SpinWait(200);
                    Interlocked.Increment(ref finished);
                });
            }

            var sw = Stopwatch.StartNew();
            while (Volatile.Read(ref finished) < children && sw.Elapsed < TestRuntime.HangGuard) Thread.SpinWait(50);
            done.Set();
        });

        WaitOrFail(done, "the spawner finishing");
        Assert.Equal(children, Volatile.Read(ref finished));
        Assert.Equal(0, ranOnParentThread);
        Assert.True(Interlocked.Read(ref rt.Runtime.Scheduler.StealCount) > stealsBefore, "no steal was counted");
    }

    /// <summary>Go's TestYieldProgress: a goroutine looping on yield does not keep the one that releases it from running.</summary>
    [Theory]
    [MemberData(nameof(Procs))]
    public void Yield_InALoop_AnotherGoroutineStillGetsToRun(int procs)
    {
        using var rt = new TestRuntime(procs);
        int released = 0;
        var task = rt.Runtime.RunAsync(async () =>
        {
            var sw = Stopwatch.StartNew();
            while (Volatile.Read(ref released) == 0 && sw.Elapsed < TestRuntime.HangGuard) await Go.Yield();
        });
        rt.Runtime.Start(() => Volatile.Write(ref released, 1));

        Assert.True(task.Wait(TestRuntime.HangGuard + TimeSpan.FromSeconds(5)));
        Assert.Equal(1, Volatile.Read(ref released));
    }

    /// <summary>Every goroutine of a group that only yields makes progress: none finishes until all have done 100 rounds.</summary>
    [Theory]
    [MemberData(nameof(Procs))]
    public void Yield_ManyGoroutinesWaitingForEachOther_EveryOneProgresses(int procs)
    {
        const int n = 16, rounds = 100;
        using var rt = new TestRuntime(procs);
        var progress = new int[n];
        int stuck = 0;
        using var done = new CountdownEvent(n);
        for (int i = 0; i < n; i++)
        {
            int k = i;
            rt.Runtime.Start(async () =>
            {
                var sw = Stopwatch.StartNew();
                while (true)
                {
                    if (progress[k] < rounds) Volatile.Write(ref progress[k], progress[k] + 1);
                    bool all = true;
                    for (int j = 0; j < n; j++) all &= Volatile.Read(ref progress[j]) >= rounds;
                    if (all) break;
                    if (sw.Elapsed > TestRuntime.HangGuard)
                    {
                        Interlocked.Increment(ref stuck);
                        break;
                    }

                    await Go.Yield();
                }

                done.Signal();
            });
        }

        Assert.True(done.Wait(TestRuntime.HangGuard + TimeSpan.FromSeconds(5)));
        Assert.Equal(0, stuck);
    }

    [Fact]
    public void MaxProcs1_MixedWorkload_EverythingRuns()
    {
        const int n = 2_000;
        using var rt = new TestRuntime(maxProcs: 1);
        long sum = rt.Run(async () =>
        {
            var handles = new GoTask<long>[n];
            for (int i = 0; i < n; i++)
            {
                long k = i;
                handles[i] = Go.Spawn(async () =>
                {
                    switch (k % 5)
                    {
                        case 0: await Go.Yield(); break;
                        case 1: await Go.Sleep(TimeSpan.FromMilliseconds(1)); break;
#pragma warning disable WEFT002 // a foreign await among the Weft ones, on purpose
                        case 2: await Task.Yield(); break;
#pragma warning restore WEFT002
                        case 3: k += await Go.Spawn(async () => { await Go.Yield(); return 0L; }); break;
                    }

                    return k;
                });
            }

            long total = 0;
            foreach (var h in handles) total += await h;
            return total;
        });

        Assert.Equal((long)n * (n - 1) / 2, sum);
        Assert.Equal(1, rt.Runtime.MaxProcs);
    }
}
