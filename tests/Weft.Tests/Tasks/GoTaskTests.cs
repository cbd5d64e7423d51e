// These tests await Task.Delay/Task.Yield/Task.Run inside goroutines on purpose: that is what they test.
#pragma warning disable WEFT002

using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using Weft.Scheduling;

namespace Weft.Tests.Tasks;

/// <summary>
/// GoTask and GoTask&lt;T&gt; semantics: allocation-free synchronous completion, exceptions with their original stack,
/// spawn handles, the await-once rule, conversions to Task/ValueTask, use from ordinary async code, and un-awaited
/// calls inside a goroutine.
/// </summary>
public sealed class GoTaskTests
{
    // ---- methods under test --------------------------------------------------------------------------

    private static async GoTask<int> AddAsync(int a, int b)
    {
        if (a < 0) await Go.Yield(); // never taken: the method completes synchronously
        return a + b;
    }

    private static async GoTask NothingAsync(int a)
    {
        if (a < 0) await Go.Yield();
    }

    private static async GoTask<int> SumOfSyncCallsAsync(int n)
    {
        int total = 0;
        for (int i = 0; i < n; i++) total += await AddAsync(i, 1);
        await NothingAsync(n);
        return total;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async GoTask<int> ThrowAfterYieldAsync()
    {
        await Go.Yield();
        throw new InvalidOperationException("thrown after a yield");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async GoTask ThrowSynchronouslyAsync(bool suspend)
    {
        if (suspend) await Go.Yield();
        throw new FormatException("thrown before any suspension");
    }

    private static async GoTask<int> SuspendingAddAsync(int a, int b)
    {
        await Go.Yield();
        await Go.Sleep(0.1);
        await Task.Delay(1);
        return a + b;
    }

    // ---- synchronous completion ----------------------------------------------------------------------

    /// <summary>
    /// The compiler emits async state machines as structs only in optimized builds (Debug builds make them classes,
    /// which allocate on every call whatever the builder does), so the zero-allocation checks apply to Release, the
    /// configuration CI and the README use.
    /// </summary>
    private static readonly bool s_optimizedBuild =
        typeof(GoTaskTests).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled != true;

    private static void AssertNoAllocation(long allocated)
    {
        if (s_optimizedBuild) Assert.Equal(0, allocated);
    }

    [Fact]
    public void OptimizedBuildDetection_MatchesTheConfiguration()
    {
#if DEBUG
        Assert.False(s_optimizedBuild);
#else
        Assert.True(s_optimizedBuild); // so the allocation checks below really run in Release
#endif
    }

    [Fact]
    public void SyncCompletion_OutsideGoroutines_AllocatesNothing()
    {
        Assert.Equal(3, AddAsync(1, 2).GetAwaiter().GetResult()); // warm up (JIT, statics)
        Assert.Equal(4950 + 100, SumOfSyncCallsAsync(100).GetAwaiter().GetResult());
        NothingAsync(1).GetAwaiter().GetResult();

        long before = GC.GetAllocatedBytesForCurrentThread();
        int total = 0;
        for (int i = 0; i < 1000; i++)
        {
            var t = AddAsync(i, 1);
            Assert.True(t.IsCompleted);
            total += t.GetAwaiter().GetResult();
            NothingAsync(i).GetAwaiter().GetResult();
        }

        total += SumOfSyncCallsAsync(100).GetAwaiter().GetResult();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        AssertNoAllocation(allocated);
        Assert.Equal(500500 + 5050, total);
    }

    [Fact]
    public void SyncCompletion_InsideAGoroutine_AllocatesNothing()
    {
        using var rt = new TestRuntime(1);
        long allocated = rt.Run(async () =>
        {
            await SumOfSyncCallsAsync(10); // warm up
            long before = GC.GetAllocatedBytesForCurrentThread();
            int total = 0;
            for (int i = 0; i < 1000; i++) total += await AddAsync(i, 1);
            total += await SumOfSyncCallsAsync(100);
            await NothingAsync(1);
            long after = GC.GetAllocatedBytesForCurrentThread();
            Assert.Equal(500500 + 5050, total);
            return after - before;
        });
        AssertNoAllocation(allocated);
    }

    [Fact]
    public void SyncCompletion_AsValueTask_AllocatesNothing()
    {
        AddAsync(1, 2).AsValueTask().GetAwaiter().GetResult();
        long before = GC.GetAllocatedBytesForCurrentThread();
        ValueTask<int> vt = AddAsync(1, 2);
        ValueTask v = NothingAsync(1);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        AssertNoAllocation(allocated);
        Assert.True(vt.IsCompletedSuccessfully);
        Assert.Equal(3, vt.Result);
        Assert.True(v.IsCompletedSuccessfully);
    }

    // ---- exceptions ----------------------------------------------------------------------------------

    [Fact]
    public void Await_MethodThrowsAfterSuspending_AwaiterGetsTheExceptionWithItsOriginalStack()
    {
        using var rt = new TestRuntime(2);
        var ex = rt.Run(async () =>
        {
            try
            {
                await ThrowAfterYieldAsync();
                return null;
            }
            catch (InvalidOperationException e)
            {
                return e;
            }
        });
        Assert.NotNull(ex);
        Assert.Equal("thrown after a yield", ex.Message);
        Assert.Contains(nameof(ThrowAfterYieldAsync), ex.StackTrace);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Await_MethodThrows_ExceptionReachesTheAwaiterInsideAndOutsideGoroutines(bool suspend)
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var e = await Assert.ThrowsAsync<FormatException>(async () => await ThrowSynchronouslyAsync(suspend));
            Assert.Contains(nameof(ThrowSynchronouslyAsync), e.StackTrace);
        });

        var outside = Assert.Throws<FormatException>(() => ThrowSynchronouslyAsync(suspend).AsTask().GetAwaiter().GetResult());
        Assert.Contains(nameof(ThrowSynchronouslyAsync), outside.StackTrace);
    }

    [Fact]
    public void FromException_AwaitThrowsIt()
    {
        var e = new TimeoutException("x");
        Assert.Same(e, Assert.Throws<TimeoutException>(() => GoTask.FromException(e).GetAwaiter().GetResult()));
        Assert.Same(e, Assert.Throws<TimeoutException>(() => GoTask<int>.FromException(e).GetAwaiter().GetResult()));
        Assert.True(GoTask.FromException(e).IsCompleted);
        Assert.False(GoTask.FromException(e).IsCompletedSuccessfully);
        Assert.Throws<ArgumentNullException>(() => GoTask.FromException(null!));
    }

    [Fact]
    public void Spawn_BodyThrows_ExceptionGoesToTheAwaiterAndIsNotAPanic()
    {
        using var rt = new TestRuntime(2); // Dispose fails the test on any panic
        rt.Run(async () =>
        {
            var handle = Go.Spawn(ThrowAfterYieldAsync);
            var e = await Assert.ThrowsAsync<InvalidOperationException>(async () => await handle);
            Assert.Contains(nameof(ThrowAfterYieldAsync), e.StackTrace);

            var sync = Go.Spawn(() => ThrowSynchronouslyAsync(false));
            await Assert.ThrowsAsync<FormatException>(async () => await sync);

            // A body delegate that throws before returning a task.
            var direct = Go.Spawn<int>(() => throw new ArithmeticException("in the delegate"));
            await Assert.ThrowsAsync<ArithmeticException>(async () => await direct);
        });
        Assert.Empty(rt.Panics);
    }

    [Fact]
    public void Spawn_FromOutside_AsTaskCarriesTheException()
    {
        using var rt = new TestRuntime(2);
        var t = rt.Runtime.Spawn(ThrowAfterYieldAsync).AsTask();
        Assert.True(((IAsyncResult)t).AsyncWaitHandle.WaitOne(TestRuntime.HangGuard));
        Assert.True(t.IsFaulted);
        Assert.IsType<InvalidOperationException>(t.Exception!.InnerException);
    }

    [Fact]
    public void Start_GoTaskBodyThrows_IsAPanicWithTheGoroutineId()
    {
        var rt = new TestRuntime(2);
        long id = 0;
        rt.Runtime.Start(async () =>
        {
            id = Go.CurrentId;
            await Go.Yield();
            throw new InvalidOperationException("escaped");
        });
        Assert.True(SpinWait.SpinUntil(() => !rt.Panics.IsEmpty, TestRuntime.HangGuard));
        Assert.True(rt.Panics.TryDequeue(out var panic));
        Assert.Equal(id, panic.GoroutineId);
        Assert.Equal("escaped", panic.Exception.Message);
        rt.Dispose();
    }

    // ---- await once ----------------------------------------------------------------------------------

    [Fact]
    public void Await_SecondAwaiterWhileTheFirstIsPending_ThrowsInvalidOperationException()
    {
        using var rt = new TestRuntime(2);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handle = rt.Runtime.Spawn(async () =>
        {
            await gate.Task;
            return 7;
        });
        var first = handle.AsTask(); // the one awaiter

        Func<Task> second = () => handle.AsTask(); // registering a second continuation throws synchronously
        Assert.Throws<InvalidOperationException>(() => { _ = second(); });
        var inside = rt.Run(async () =>
        {
            try
            {
                await handle;
                return null;
            }
            catch (InvalidOperationException e)
            {
                return e;
            }
        });
        Assert.NotNull(inside);
        Assert.Contains("awaited twice", inside.Message);

        gate.SetResult();
        Assert.True(first.Wait(TestRuntime.HangGuard));
        Assert.Equal(7, first.Result);
    }

    // ---- conversions ---------------------------------------------------------------------------------

    [Fact]
    public void AsTaskAsValueTaskAndImplicitConversion_CarryResultsAndExceptions()
    {
        using var rt = new TestRuntime(2);
        Task<int> t = rt.Runtime.Spawn(() => SuspendingAddAsync(1, 2)).AsTask();
        ValueTask<int> vt = rt.Runtime.Spawn(() => SuspendingAddAsync(3, 4)).AsValueTask();
        ValueTask<int> implicitVt = rt.Runtime.Spawn(() => SuspendingAddAsync(5, 6));
        ValueTask voidVt = rt.Runtime.Spawn(async () => await Go.Yield());
        Task voidTask = rt.Runtime.Spawn(async () => await Go.Yield()).AsTask();

        Assert.True(t.Wait(TestRuntime.HangGuard));
        Assert.Equal(3, t.Result);
        Assert.Equal(7, vt.AsTask().Result);
        Assert.Equal(11, implicitVt.AsTask().Result);
        Assert.True(voidVt.AsTask().Wait(TestRuntime.HangGuard));
        Assert.True(voidTask.Wait(TestRuntime.HangGuard));

        ValueTask<int> faulted = rt.Runtime.Spawn(ThrowAfterYieldAsync);
        Assert.Throws<InvalidOperationException>(() => faulted.AsTask().GetAwaiter().GetResult());

        Assert.True(AddAsync(1, 1).AsTask().IsCompletedSuccessfully);
        Assert.True(GoTask.CompletedTask.AsTask().IsCompletedSuccessfully);
    }

    [Fact]
    public void AsTask_OperationCanceledException_TaskIsCanceled()
    {
        using var rt = new TestRuntime(2);
        var t = rt.Runtime.Spawn(async () =>
        {
            await Go.Yield();
            throw new OperationCanceledException("stop");
        }).AsTask();
        Assert.True(((IAsyncResult)t).AsyncWaitHandle.WaitOne(TestRuntime.HangGuard));
        Assert.True(t.IsCanceled);
    }

    // ---- from ordinary async code --------------------------------------------------------------------

    private static async GoTask<(bool Pool, bool Weft)> WhereAfterAwaitsAsync()
    {
        await Task.Delay(1);
        await Go.Yield();
        await Go.Sleep(1);
        await NothingAsync(1);
        return (Thread.CurrentThread.IsThreadPoolThread, M.Current is not null);
    }

    [Fact]
    public async Task GoTaskMethods_AwaitedFromOrdinaryAsyncCode_CompleteAndContinueOnTheThreadPool()
    {
        var (pool, weft) = await WhereAfterAwaitsAsync();
        Assert.True(pool, "the GoTask method did not continue on the ThreadPool");
        Assert.False(weft);
        Assert.Equal(7, await SuspendingAddAsync(3, 4));
        Assert.Null(M.Current);
        Assert.Equal(0, Go.CurrentId);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(async () => await ThrowAfterYieldAsync());
        Assert.Contains(nameof(ThrowAfterYieldAsync), e.StackTrace);
        await Task.WhenAll(Enumerable.Range(0, 100).Select(i => SuspendingAddAsync(i, i).AsTask()));
    }

    // ---- un-awaited calls ----------------------------------------------------------------------------

    /// <summary>
    /// Un-awaited calls that all sleep: several frames of one goroutine wait on timers at once, and timers due on one P
    /// are fired by another P's M while the goroutine runs elsewhere. Every sleep must wake its own frame once.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void UnawaitedSleeps_InsideAGoroutine_EverySleepWakesItsOwnFrame(int procs)
    {
        const int n = 200, sleeps = 5;
        using var rt = new TestRuntime(procs);
        int completed = 0;
        var allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        async GoTask SleeperAsync()
        {
            for (int i = 0; i < sleeps; i++) await Go.Sleep(0.2);
            if (Interlocked.Increment(ref completed) == n) allDone.SetResult();
        }

        rt.Run(async () =>
        {
            for (int i = 0; i < n; i++)
            {
                _ = SleeperAsync();
                if (i % 10 == 0) await Go.Sleep(0.1); // let some timers come due while more frames start sleeping
            }

            var finished = await Task.WhenAny(allDone.Task, Task.Delay(TimeSpan.FromSeconds(20)));
            Assert.True(finished == allDone.Task, $"{n - Volatile.Read(ref completed)} un-awaited sleepers never finished");
        });
    }

    /// <summary>
    /// GoTask calls started and not awaited inside a goroutine belong to it: several of their frames can be ready at
    /// once (the overflow path), yet they all complete, one at a time on the goroutine's strand.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void UnawaitedCalls_InsideAGoroutine_AllCompleteOneAtATime(int procs)
    {
        const int n = 300;
        using var rt = new TestRuntime(procs);
        int completed = 0, inside = 0, overlaps = 0, wrongGoroutine = 0;
        var allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        async GoTask WorkAsync(int k, long owner)
        {
            for (int step = 0; step < 3; step++)
            {
                switch ((k + step) % 4)
                {
                    case 0: await Go.Sleep(0.5); break;
                    case 1: await Go.Yield(); break;
                    case 2: await Task.Delay(1); break;
                    default: await Task.Yield(); break;
                }

                if (Interlocked.Increment(ref inside) != 1) Interlocked.Increment(ref overlaps);
                if (Go.CurrentId != owner) Interlocked.Increment(ref wrongGoroutine);
                Thread.SpinWait(50);
                Interlocked.Decrement(ref inside);
            }

            if (Interlocked.Increment(ref completed) == n) allDone.SetResult();
        }

        rt.Run(async () =>
        {
            long me = Go.CurrentId;
            for (int i = 0; i < n; i++) _ = WorkAsync(i, me);
            var finished = await Task.WhenAny(allDone.Task, Task.Delay(TimeSpan.FromSeconds(20)));
            Assert.True(finished == allDone.Task, $"{n - Volatile.Read(ref completed)} un-awaited calls never finished");
        });

        Assert.Equal(n, completed);
        Assert.Equal(0, overlaps);
        Assert.Equal(0, wrongGoroutine);
    }
}
