namespace Weft.Tests.Sysmon;

public class SysmonTests
{
    [Fact]
    public void Blocking_WaitingForAnotherGoroutine_CompletesWithOneProc()
    {
        using var rt = new TestRuntime(1);
        rt.Run(async () =>
        {
            using var signal = new ManualResetEventSlim();
            Go.Start(async () =>
            {
                await Go.Yield();
                signal.Set();
            });
            // Without handing off the only P, the setter could never run.
            bool set = Go.Blocking(() => signal.Wait(TestRuntime.HangGuard));
            Assert.True(set);
        });
    }

    [Fact]
    public void Hog_SpinningUntilFlag_CompletesWithOneProc() => StallUntilAnotherGoroutineSetsAFlag(() => Thread.SpinWait(100));

    [Fact]
    public void UndeclaredSleep_UntilFlag_CompletesWithOneProc() => StallUntilAnotherGoroutineSetsAFlag(() => Thread.Sleep(1));

    /// <summary>
    /// With one P, main stalls its thread in a loop (never reaching an await point) until a goroutine it started sets
    /// a flag: only sysmon taking the P away from the stuck step lets that goroutine run.
    /// </summary>
    private static void StallUntilAnotherGoroutineSetsAFlag(Action stall)
    {
        using var rt = new TestRuntime(1);
        rt.Run(async () =>
        {
            int flag = 0;
            Go.Start(() => Volatile.Write(ref flag, 1));
            var deadline = DateTime.UtcNow + TestRuntime.HangGuard;
            while (Volatile.Read(ref flag) == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "the setter never ran");
                stall();
            }

            await Go.Yield();
        });
    }

    [Fact]
    public void Deadlock_MainReceivingFromSilentChannel_Throws()
    {
        using var rt = new TestRuntime(2);
        var ex = Assert.Throws<DeadlockException>(() => rt.Run(async () =>
        {
            var ch = new Chan<int>();
            await ch.ReceiveAsync();
        }));
        Assert.StartsWith("all goroutines are asleep - deadlock!", ex.Message);
        Assert.Contains("[chan receive", ex.Message);
        rt.IgnoreLeaks();
    }

    [Fact]
    public void Deadlock_SleepingGoroutine_IsNotDeadlock()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var ch = new Chan<int>();
            Go.Start(async () =>
            {
                await Go.Sleep(TimeSpan.FromMilliseconds(200));
                await ch.SendAsync(1);
            });
            Assert.Equal(1, await ch.ReceiveAsync());
        });
    }

    [Fact]
    public void Deadlock_ForeignAwaitCompletedLater_IsNotDeadlock()
    {
        using var rt = new TestRuntime(2);
        var tcs = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            Thread.Sleep(200);
            tcs.SetResult(7);
        });
        thread.Start();
        int v = rt.Run(async () => await tcs.Task);
        Assert.Equal(7, v);
        thread.Join();
    }

    [Fact]
    public void Dump_ShowsWaitReasonAndFrames()
    {
        using var rt = new TestRuntime(2, trackCreationSites: true);
        rt.Run(async () =>
        {
            var ch = new Chan<int>();
            var parked = new Chan<bool>();
            Go.Start(() => Waiter(ch, parked));
            await parked.ReceiveAsync();
            // Wait for the event itself (the waiter parked on its receive), not for a number of yields that a loaded
            // machine may not give it time enough in; the hang guard bounds the wait.
            string dump = "";
            await Weft.Tests.Channels.ChanTestUtil.WaitUntil(() => (dump = Go.Dump()).Contains("[chan receive"), "the waiter parked on its receive");

            Assert.Contains("[chan receive", dump);
            Assert.Contains("SysmonTests.Waiter()", dump);
            Assert.Contains("created by", dump);
            ch.Close();
        });
    }

    private static async GoTask Waiter(Chan<int> ch, Chan<bool> parked)
    {
        await parked.SendAsync(true);
        await ch.ReceiveAsync();
    }

    [Fact]
    public void GoLeak_FindsLeakedGoroutine()
    {
        using var rt = new TestRuntime(2);
        var never = new Chan<int>();
        rt.Run(async () =>
        {
            Go.Start(async () => await never.ReceiveAsync());
            await Go.Yield();
        });
        var ex = Assert.Throws<GoroutineLeakException>(() =>
            GoLeak.VerifyNone(rt.Runtime, new GoLeakOptions { MaxWait = TimeSpan.FromMilliseconds(50) }));
        Assert.Contains("[chan receive", ex.Message);
        never.Close();
        GoLeak.VerifyNone(rt.Runtime);
    }
}
