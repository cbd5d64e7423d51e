using System.Collections.Concurrent;
using Weft.Scheduling;

namespace Weft.Tests.Scheduling;

/// <summary>
/// SetMaxProcs racing sysmon's retakes, declared and undeclared blocking calls and timers (issue 17, bugs 2 and 3).
/// </summary>
[Collection(StressCollection.Name)]
public sealed class ResizeRaceTests
{
    /// <summary>
    /// Bug 2: goroutines block their threads undeclared, sysmon retakes their Ps, a plain thread shrinks MaxProcs to 1,
    /// then each goroutine sleeps 1 ms. Adding a timer used the M's stale P, which could be the retired one: the timer
    /// never fired and the run ended in a false deadlock.
    /// </summary>
    [Fact]
    public void TimerAddedByAGoroutineWhosePWasRetakenAndRetired_Fires()
    {
        const int blockers = 3;
        for (int round = 0; round < 5; round++)
        {
            using var rt = new TestRuntime(blockers + 1);
            using var release = new ManualResetEventSlim();
            using var entered = new CountdownEvent(blockers);
            int slept = 0, stop = 0;
            var run = rt.Runtime.RunAsync(async () =>
            {
                var done = new Chan<bool>(blockers);
                for (int i = 0; i < blockers; i++)
                {
                    Go.Start(async () =>
                    {
                        // Work for this P, so sysmon hands it to another M once our thread blocks.
                        Go.Start(async () => { while (Volatile.Read(ref stop) == 0) await Go.Yield(); });
                        entered.Signal();
#pragma warning disable WEFT001 // on purpose: an undeclared blocking call, so sysmon retakes the P
                        release.Wait(TestRuntime.HangGuard); // undeclared blocking: the thread sleeps in the kernel
#pragma warning restore WEFT001
                        await Go.Sleep(1);                    // a timer added while this M holds no P
                        Interlocked.Increment(ref slept);
                        await done.SendAsync(true);
                    });
                }

                for (int i = 0; i < blockers; i++) await done.ReceiveAsync();
                Volatile.Write(ref stop, 1);
            });

            Assert.True(entered.Wait(TestRuntime.HangGuard));
            var sysmon = WaitForSysmon(rt.Runtime);
            // Retaken as blocked (seen in /proc) or as a hog (marked, and still in the same step a round later).
            Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref sysmon.BlockedRetakes) + Volatile.Read(ref sysmon.HogRetakes) >= blockers,
                TestRuntime.HangGuard), $"sysmon did not retake the blocked Ps ({sysmon.BlockedRetakes} blocked, {sysmon.HogRetakes} hog retakes)");
            rt.Runtime.SetMaxProcs(1);
            release.Set();
            TestRuntime.WaitWithHangGuard(run);
            run.GetAwaiter().GetResult(); // a lost timer shows as a DeadlockException here
            Assert.Equal(blockers, slept);
        }
    }

    private static Weft.Scheduling.Sysmon WaitForSysmon(GoRuntime rt)
    {
        Weft.Scheduling.Sysmon? sysmon = null;
        Assert.True(SpinWait.SpinUntil(() => (sysmon = rt.Scheduler.SysmonOrNull) is not null, TestRuntime.HangGuard));
        return sysmon!;
    }

    /// <summary>
    /// Bug 3: entering a blocking call with work waiting (an immediate hand-off), or sysmon's retake, moved a P from
    /// Syscall to Idle outside the scheduler lock before listing it; SetMaxProcs then tried to unlist a P that was not
    /// in the idle list and threw. Goroutines enter declared blocking calls in a loop while other goroutines keep
    /// work queued and a plain thread resizes.
    /// </summary>
    [Theory]
    [InlineData(50)]
    public void SetMaxProcsDuringDeclaredBlockingCalls_NeitherThrowsNorLosesAGoroutine(int resizes)
    {
        using var rt = new TestRuntime(4);
        int stop = 0;
        long calls = 0;
        var run = rt.Runtime.RunAsync(async () =>
        {
            var done = new Chan<bool>(16);
            for (int i = 0; i < 8; i++)
            {
                int id = i;
                Go.Start(async () =>
                {
                    while (Volatile.Read(ref stop) == 0)
                    {
                        Go.Start(() => { }); // queued work: the blocking call hands its P off at once
                        Go.Blocking(() => Thread.Sleep(id % 2));
                        Interlocked.Increment(ref calls);
                        await Go.Yield();
                    }

                    await done.SendAsync(true);
                });
            }

            for (int i = 0; i < 8; i++) await done.ReceiveAsync();
        });

        var random = new Random(17);
        for (int i = 0; i < resizes; i++)
        {
            rt.Runtime.SetMaxProcs(1 + random.Next(4));
            Thread.Sleep(random.Next(3));
        }

        rt.Runtime.SetMaxProcs(2);
        Volatile.Write(ref stop, 1);
        TestRuntime.WaitWithHangGuard(run);
        run.GetAwaiter().GetResult();
        Assert.True(calls > 0);
    }
}
