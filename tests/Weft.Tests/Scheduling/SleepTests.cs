using System.Diagnostics;
using Weft.Scheduling;

namespace Weft.Tests.Scheduling;

/// <summary>Go.Sleep on the per-P timer heaps: never early, every sleeper wakes, zero does not suspend, works outside goroutines.</summary>
public sealed class SleepTests
{
    public static TheoryData<int> Procs => new() { 1, 2, 4 };

    [Theory]
    [MemberData(nameof(Procs))]
    public void Sleep_OneMillisecond_WaitsAtLeastOneMillisecondOnTheMonotonicClock(int procs)
    {
        using var rt = new TestRuntime(procs);
        var elapsed = rt.Run(async () =>
        {
            var all = new List<TimeSpan>();
            for (int i = 0; i < 20; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                if (i % 2 == 0) await Go.Sleep(1);
                else await Go.Sleep(TimeSpan.FromMilliseconds(1));
                all.Add(Stopwatch.GetElapsedTime(t0));
            }

            return all;
        });
        Assert.All(elapsed, e => Assert.True(e >= TimeSpan.FromMilliseconds(1), $"woke after {e.TotalMilliseconds} ms"));
    }

    [Theory]
    [MemberData(nameof(Procs))]
    public void Sleep_ManyConcurrentSleepers_EveryOneWakesNoEarlierThanAsked(int procs)
    {
        const int n = 10_000;
        using var rt = new TestRuntime(procs);
        int early = 0;
        using var done = new CountdownEvent(n);
        for (int i = 0; i < n; i++)
        {
            int ms = 1 + i % 20;
            rt.Runtime.Start(async () =>
            {
                long t0 = Stopwatch.GetTimestamp();
                await Go.Sleep(ms);
                if (Stopwatch.GetElapsedTime(t0) < TimeSpan.FromMilliseconds(ms)) Interlocked.Increment(ref early);
                await Go.Sleep(TimeSpan.FromMilliseconds(ms / 2.0)); // the goroutine's timer is reused
                done.Signal();
            });
        }

        Assert.True(done.Wait(TestRuntime.HangGuard), $"{done.CurrentCount} sleepers never woke");
        Assert.Equal(0, early);
    }

    [Fact]
    public void Sleep_Zero_CompletesWithoutSuspending()
    {
        Assert.True(Go.Sleep(0).GetAwaiter().IsCompleted);
        Assert.True(Go.Sleep(TimeSpan.Zero).GetAwaiter().IsCompleted);
        Assert.True(Go.Sleep(0.0000001).GetAwaiter().IsCompleted); // under a nanosecond
        Assert.False(Go.Sleep(1).GetAwaiter().IsCompleted);

        using var rt = new TestRuntime(maxProcs: 1);
        rt.Run(async () =>
        {
            int ran = 0;
            Go.Start(() => ran = 1); // queued on our only P: it can run only if we suspend
            for (int i = 0; i < 100; i++)
            {
                await Go.Sleep(0);
                await Go.Sleep(TimeSpan.Zero);
            }

            Assert.Equal(0, ran);
            await Go.Yield();
            Assert.Equal(1, ran);
        });
    }

    [Fact]
    public async Task Sleep_OutsideGoroutines_WaitsAndContinuesOnTheThreadPool()
    {
        long t0 = Stopwatch.GetTimestamp();
        await Go.Sleep(5);
        Assert.True(Stopwatch.GetElapsedTime(t0) >= TimeSpan.FromMilliseconds(5));
        Assert.True(Thread.CurrentThread.IsThreadPoolThread);
        Assert.Null(M.Current);

        // .NET timers run on a coarse clock and may fire early by the monotonic one; Go.Sleep must not.
        for (int i = 0; i < 20; i++)
        {
            t0 = Stopwatch.GetTimestamp();
            if (i % 2 == 0) await Go.Sleep(TimeSpan.FromMilliseconds(3));
            else await Go.Sleep(1.5);
            var elapsed = Stopwatch.GetElapsedTime(t0);
            Assert.True(elapsed >= TimeSpan.FromMilliseconds(i % 2 == 0 ? 3 : 1.5), $"woke after {elapsed.TotalMilliseconds} ms");
        }

        await Go.Sleep(0);
    }

    [Fact]
    public void Sleep_ForeverOutsideGoroutines_NeitherThrowsNorWakes()
    {
        var forever = Task.Run(async () => await Go.Sleep(TimeSpan.MaxValue));
        var infinite = Task.Run(async () => await Go.Sleep(double.PositiveInfinity));
        Assert.Equal(-1, Task.WaitAny([forever, infinite], 50)); // neither faulted nor finished
    }

    [Fact]
    public void Sleep_InATaskBodiedGoroutine_ResumesTheSameGoroutine()
    {
        using var rt = new TestRuntime(2);
        var done = new TaskCompletionSource<(long Before, long After, TimeSpan Elapsed, bool OnWeft)>(TaskCreationOptions.RunContinuationsAsynchronously);
        rt.Runtime.Start((Func<Task>)(async () =>
        {
            long id = Go.CurrentId;
            long t0 = Stopwatch.GetTimestamp();
            await Go.Sleep(2);
            done.SetResult((id, Go.CurrentId, Stopwatch.GetElapsedTime(t0), M.Current is not null));
        }));
        Assert.True(done.Task.Wait(TestRuntime.HangGuard));
        var r = done.Task.Result;
        Assert.Equal(r.Before, r.After);
        Assert.True(r.OnWeft);
        Assert.True(r.Elapsed >= TimeSpan.FromMilliseconds(2));
    }

    /// <summary>
    /// A sleep "forever" (infinite or TimeSpan.MaxValue) must park until shutdown: the deadline saturates instead of
    /// overflowing into the past.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Sleep_Forever_DeadlineSaturatesInsteadOfWakingAtOnce(bool infinity)
    {
        using var rt = new TestRuntime(2);
        int woke = 0;
        G? sleeper = null;
        rt.Runtime.Start(async () =>
        {
            sleeper = G.Current;
            if (infinity) await Go.Sleep(double.PositiveInfinity);
            else await Go.Sleep(TimeSpan.MaxValue);
            woke = 1;
        });

        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref sleeper) is { Status: GStatus.Waiting } || Volatile.Read(ref woke) == 1,
            TestRuntime.HangGuard));
        long earliest = rt.Runtime.Scheduler.AllP.Select(p => p.Timers.NextWhen).Where(w => w != 0).DefaultIfEmpty(0).Min();
        Assert.Equal(0, Volatile.Read(ref woke));
        Assert.True(earliest > Clock.Now + TimeSpan.FromDays(365).Ticks * 100, $"the sleep is due at {earliest}, now is {Clock.Now}");
        rt.IgnoreLeaks(); // the sleeper sleeps until shutdown, by design
    }
}
