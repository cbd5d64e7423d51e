using System.Collections.Concurrent;
using Weft.Scheduling;

namespace Weft.Tests.Scheduling;

/// <summary>
/// Runtime-level behaviour: shutdown leaves no thread behind, SetMaxProcs resizes under load without losing a
/// goroutine, NumGoroutine and goroutine ids, and goroutines start children in their own runtime.
/// </summary>
public sealed class RuntimeLifecycleTests
{
    public static TheoryData<int> Procs => new() { 1, 2, 4 };

    // ---- shutdown ------------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(Procs))]
    public void ShutdownAsync_AfterWork_EveryRuntimeThreadHasExited(int procs)
    {
        var rt = new GoRuntime(new GoOptions { MaxProcs = procs });
        var done = rt.RunAsync(async () =>
        {
            var handles = new List<GoTask>();
            for (int i = 0; i < 100; i++) handles.Add(Go.Spawn(async () => { await Go.Sleep(1); await Go.Yield(); }));
            foreach (var h in handles) await h;
        });
        Assert.True(done.Wait(TestRuntime.HangGuard));
        var threads = rt.Scheduler.SnapshotMs().Select(m => m.Thread!).ToList();
        Assert.NotEmpty(threads);

        Assert.True(rt.ShutdownAsync().Wait(TestRuntime.HangGuard), "ShutdownAsync did not complete");

        Assert.Equal(0, rt.Scheduler.ThreadCount);
        Assert.Empty(rt.Scheduler.SnapshotMs());
        foreach (var t in threads)
        {
            Assert.True(t.Join(TestRuntime.HangGuard), $"{t.Name} is still alive");
            Assert.StartsWith("weft-m", t.Name);
        }
    }

    [Fact]
    public void Dispose_WithGoroutinesParkedOnLongSleepsAndForeignTasks_ThreadsExitPromptly()
    {
        var rt = new GoRuntime(new GoOptions { MaxProcs = 2 });
        int parked = 0;
        var never = new TaskCompletionSource();
        for (int i = 0; i < 10; i++)
        {
            rt.Start(async () =>
            {
                Interlocked.Increment(ref parked);
                await Go.Sleep(TimeSpan.FromMinutes(10)); // an M sleeps until this timer
            });
            rt.Start(async () =>
            {
                Interlocked.Increment(ref parked);
                await never.Task;
            });
        }

        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref parked) == 20, TestRuntime.HangGuard));
        var threads = rt.Scheduler.SnapshotMs().Select(m => m.Thread!).ToList();

        var shutdown = rt.ShutdownAsync();
        Assert.True(shutdown.Wait(TestRuntime.HangGuard), "the runtime's threads did not exit");
        Assert.Equal(0, rt.Scheduler.ThreadCount);
        Assert.All(threads, t => Assert.True(t.Join(TestRuntime.HangGuard)));
        rt.Dispose(); // idempotent
    }

    /// <summary>Shutdown while goroutines keep starting children, yielding and sleeping: every thread still exits.</summary>
    [Theory]
    [MemberData(nameof(Procs))]
    public void ShutdownAsync_WhileGoroutinesSpawnYieldAndSleep_EveryThreadExits(int procs)
    {
        var rt = new GoRuntime(new GoOptions { MaxProcs = procs, PanicHandler = _ => { } }); // late Starts fail after shutdown
        int running = 0;
        for (int i = 0; i < 8; i++)
        {
            rt.Start(async () =>
            {
                Interlocked.Increment(ref running);
                for (long n = 0; ; n++)
                {
                    Go.Start(() => Thread.SpinWait(50));
                    if (n % 3 == 0) await Go.Yield();
                    else if (n % 3 == 1) await Go.Sleep(0.05);
#pragma warning disable WEFT002 // a foreign await among the Weft ones, on purpose
                    else await Task.Yield();
#pragma warning restore WEFT002
                }
            });
        }

        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref running) == 8, TestRuntime.HangGuard));
        var threads = rt.Scheduler.SnapshotMs().Select(m => m.Thread!).ToList();
        Assert.True(rt.ShutdownAsync().Wait(TestRuntime.HangGuard), "the runtime's threads did not exit");
        Assert.Equal(0, rt.Scheduler.ThreadCount);
        Assert.All(threads, t => Assert.True(t.Join(TestRuntime.HangGuard), $"{t.Name} is still alive"));
    }

    [Fact]
    public void Dispose_NeverStarted_CompletesAndCreatedNoThread()
    {
        var rt = new GoRuntime(new GoOptions { MaxProcs = 2 });
        Assert.Equal(0, rt.Scheduler.ThreadCount);
        rt.Dispose();
        Assert.Equal(0, rt.Scheduler.ThreadCount);
        Assert.True(rt.ShutdownAsync().IsCompleted);
    }

    [Fact]
    public void ShutdownAsync_DefaultRuntime_Refused()
    {
        Action shutdownDefault = () => _ = GoRuntime.Default.ShutdownAsync(); // throws synchronously
        Assert.Throws<InvalidOperationException>(shutdownDefault);
    }

    // ---- SetMaxProcs ---------------------------------------------------------------------------------

    [Fact]
    public void SetMaxProcs_ReturnsThePreviousValue()
    {
        using var rt = new TestRuntime(maxProcs: 2);
        Assert.Equal(2, rt.Runtime.MaxProcs);
        Assert.Equal(2, rt.Runtime.SetMaxProcs(3));
        Assert.Equal(3, rt.Runtime.MaxProcs);
        Assert.Equal(3, rt.Runtime.SetMaxProcs(1));
        Assert.Equal(1, rt.Runtime.SetMaxProcs(1));
        Assert.Equal(1, rt.Runtime.SetMaxProcs(4));
        Assert.Equal(4, rt.Run(async () =>
        {
            await Go.Yield();
            return Go.SetMaxProcs(2); // the static form acts on the goroutine's runtime
        }));
        Assert.Equal(2, rt.Runtime.MaxProcs);
    }

    [Fact]
    public void SetMaxProcs_Grow_MoreGoroutinesRunInParallel()
    {
        using var rt = new TestRuntime(maxProcs: 1);
        rt.Runtime.SetMaxProcs(2);
        int arrived = 0, timedOut = 0;
        using var done = new CountdownEvent(2);
        for (int i = 0; i < 2; i++)
        {
            rt.Runtime.Start(() =>
            {
                Interlocked.Increment(ref arrived);
                var sw = System.Diagnostics.Stopwatch.StartNew();
                while (Volatile.Read(ref arrived) < 2)
                {
                    if (sw.Elapsed > TestRuntime.HangGuard)
                    {
                        Volatile.Write(ref timedOut, 1);
                        break;
                    }

                    Thread.SpinWait(20);
                }

                done.Signal();
            });
        }

        Assert.True(done.Wait(TestRuntime.HangGuard + TimeSpan.FromSeconds(5)));
        Assert.Equal(0, timedOut);
    }

    /// <summary>
    /// Goroutines that yield, sleep and start children while another thread flips MaxProcs between 1 and 4: every
    /// goroutine still finishes, and the count is exact (retired Ps hand their queues and timers on).
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void SetMaxProcs_FlippedUpAndDownUnderLoad_NoGoroutineIsLost(int initialProcs)
    {
        const int n = 2_000, steps = 60;
        using var rt = new TestRuntime(initialProcs);
        int finished = 0, stepsDone = 0;
        using var allDone = new ManualResetEventSlim();
        for (int i = 0; i < n; i++)
        {
            int k = i;
            rt.Runtime.Start(async () =>
            {
                for (int s = 0; s < steps; s++)
                {
                    switch ((k + s) % 4)
                    {
                        case 0: await Go.Yield(); break;
                        case 1: await Go.Sleep(0.2); break;
                        case 2: await Go.Spawn(async () => await Go.Yield()); break;
                        default: Thread.SpinWait(100); await Go.Yield(); break;
                    }

                    Interlocked.Increment(ref stepsDone);
                }

                if (Interlocked.Increment(ref finished) == n) allDone.Set();
            });
        }

        int flips = 0;
        var rnd = new Random(initialProcs);
        while (!allDone.IsSet)
        {
            int previous = rt.Runtime.SetMaxProcs(flips % 2 == 0 ? 4 : 1);
            Assert.Equal(flips == 0 ? initialProcs : flips % 2 == 0 ? 1 : 4, previous);
            flips++;
            if (flips > 100_000) break;
            Thread.SpinWait(rnd.Next(100, 20_000));
        }

        Assert.True(allDone.Wait(TestRuntime.HangGuard), $"{n - Volatile.Read(ref finished)} goroutines never finished ({flips} flips)");
        Assert.Equal(n, Volatile.Read(ref finished));
        Assert.Equal(n * steps, Volatile.Read(ref stepsDone));
        Assert.True(flips >= 2, "MaxProcs was never flipped");
    }

    [Fact]
    public void SetMaxProcs_ShrinkWhileGoroutinesSleep_TimersOfRetiredPsStillFire()
    {
        using var rt = new TestRuntime(maxProcs: 4);
        const int n = 400;
        int parked = 0;
        using var done = new CountdownEvent(n);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        for (int i = 0; i < n; i++)
        {
            rt.Runtime.Start(async () =>
            {
                await gate.Task;
                Interlocked.Increment(ref parked);
                await Go.Sleep(50 + Go.CurrentId % 50); // timers land on whichever P runs the goroutine
                done.Signal();
            });
        }

        gate.SetResult();
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref parked) == n, TestRuntime.HangGuard));
        rt.Runtime.SetMaxProcs(1); // timers of P1..P3 move to P0
        Assert.True(done.Wait(TestRuntime.HangGuard), $"{done.CurrentCount} sleepers never woke");
    }

    // ---- NumGoroutine, ids, current ------------------------------------------------------------------

    /// <summary>Go's TestNumGoroutine: the count matches the goroutines that exist.</summary>
    [Theory]
    [MemberData(nameof(Procs))]
    public void NumGoroutine_CountsStartedAndNotFinishedGoroutines(int procs)
    {
        const int n = 500;
        using var rt = new TestRuntime(procs);
        Assert.Equal(0, rt.Runtime.NumGoroutine);
        rt.Run(async () =>
        {
            Assert.Equal(1, Go.NumGoroutine); // main
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var handles = new GoTask[n];
            for (int i = 0; i < n; i++) handles[i] = Go.Spawn(async () => await gate.Task);
            Assert.Equal(n + 1, Go.NumGoroutine);
            await Go.Yield();
            Assert.Equal(n + 1, Go.NumGoroutine); // parked goroutines still exist
            gate.SetResult();
            foreach (var h in handles) await h; // a handle completes after its goroutine has exited
            Assert.Equal(1, Go.NumGoroutine);
        });
        Assert.Equal(0, rt.Runtime.NumGoroutine);
    }

    /// <summary>
    /// A Spawn handle completes only after its goroutine has exited, also when the body finishes without suspending
    /// (as leak checks and NumGoroutine after a join need): after awaiting every handle only main is left.
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void NumGoroutine_AfterAwaitingHandlesOfSynchronousBodies_OnlyMainIsLeft(int procs)
    {
        const int n = 200, rounds = 30;
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            for (int round = 0; round < rounds; round++)
            {
                var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var handles = new GoTask<int>[n];
                var voids = new GoTask[n];
                for (int i = 0; i < n; i++)
                {
                    int k = i;
                    handles[i] = Go.Spawn(() => new GoTask<int>(k)); // completes without suspending
                    voids[i] = Go.Spawn(() => k % 2 == 0 ? GoTask.CompletedTask : throw new FormatException("sync"));
                }

#pragma warning disable WEFT002 // a foreign await parks main without readying it on this P
                await Task.Yield(); // park main, so other Ms run the children while it waits
#pragma warning restore WEFT002
                int sum = 0;
                foreach (var h in handles) sum += await h;
                foreach (var v in voids)
                {
                    try
                    {
                        await v;
                    }
                    catch (FormatException)
                    {
                    }
                }

                Assert.Equal(n * (n - 1) / 2, sum);
                Assert.Equal(1, Go.NumGoroutine);
            }
        });
    }

    [Fact]
    public void NumGoroutine_StartedFromOutsideAndExitingInside_BalancesToZero()
    {
        const int n = 1_000;
        using var rt = new TestRuntime(2);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var done = new CountdownEvent(n);
        for (int i = 0; i < n; i++) rt.Runtime.Start(async () => { await gate.Task; done.Signal(); });
        Assert.Equal(n, rt.Runtime.NumGoroutine);
        gate.SetResult();
        Assert.True(done.Wait(TestRuntime.HangGuard));
        // The last goroutines count themselves out right after signalling.
        Assert.True(SpinWait.SpinUntil(() => rt.Runtime.NumGoroutine == 0, TestRuntime.HangGuard), $"NumGoroutine stuck at {rt.Runtime.NumGoroutine}");
    }

    [Theory]
    [MemberData(nameof(Procs))]
    public void CurrentId_ManyGoroutinesOnEveryP_IdsArePositiveAndUnique(int procs)
    {
        const int n = 50_000;
        using var rt = new TestRuntime(procs);
        var ids = new ConcurrentBag<long>();
        long mainId = rt.Run(async () =>
        {
            var handles = new GoTask[n];
            for (int i = 0; i < n; i++)
            {
                handles[i] = Go.Spawn(async () =>
                {
                    ids.Add(Go.CurrentId);
                    await Go.Yield();
                    Go.Start(() => ids.Add(Go.CurrentId)); // grandchildren take ids on other Ps too
                });
            }

            foreach (var h in handles) await h;
            return Go.CurrentId;
        });
        for (int i = 0; i < n; i++) rt.Runtime.Start(() => ids.Add(Go.CurrentId)); // ids from outside the runtime
        Assert.True(SpinWait.SpinUntil(() => ids.Count == 3 * n, TestRuntime.HangGuard));

        var all = ids.Append(mainId).ToList();
        Assert.All(all, id => Assert.True(id > 0));
        Assert.Equal(all.Count, all.Distinct().Count());
    }

    [Fact]
    public void CurrentId_OutsideGoroutines_IsZeroAndStableInside()
    {
        using var rt = new TestRuntime(2);
        Assert.Equal(0, Go.CurrentId);
        Assert.False(Go.IsGoroutine);
        rt.Run(async () =>
        {
            long id = Go.CurrentId;
            Assert.True(id > 0);
            Assert.True(Go.IsGoroutine);
            await Go.Yield();
            await Go.Sleep(1);
            Assert.Equal(id, Go.CurrentId);
            long childId = await Go.Spawn(async () => { await Go.Yield(); return Go.CurrentId; });
            Assert.NotEqual(id, childId);
            Assert.Equal(id, Go.CurrentId);
        });
    }

    [Fact]
    public void GoStart_InsideAGoroutine_StartsChildrenInThatGoroutinesRuntime()
    {
        using var a = new TestRuntime(2);
        using var b = new TestRuntime(1);
        GoRuntime? Check(TestRuntime rt) => rt.Run(async () =>
        {
            Assert.Same(rt.Runtime, GoRuntime.Current);
            var seen = new TaskCompletionSource<GoRuntime?>(TaskCreationOptions.RunContinuationsAsynchronously);
            Go.Start(() => seen.SetResult(GoRuntime.Current));
            var fromStart = await seen.Task;
            var fromSpawn = await Go.Spawn(async () => { await Go.Yield(); return GoRuntime.Current; });
            Assert.Same(rt.Runtime, fromSpawn);
            Assert.Equal(rt.Runtime.MaxProcs, Go.MaxProcs);
            return fromStart;
        });

        Assert.Same(a.Runtime, Check(a));
        Assert.Same(b.Runtime, Check(b));
        Assert.Null(GoRuntime.Current);
    }
}
