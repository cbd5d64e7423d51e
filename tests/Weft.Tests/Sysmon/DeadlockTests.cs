namespace Weft.Tests.Sysmon;

public class DeadlockTests
{
    [Fact]
    public void Deadlock_CycleOfGoroutines_Throws()
    {
        using var rt = new TestRuntime(2);
        var ex = Assert.Throws<DeadlockException>(() => rt.Run(async () =>
        {
            // Each goroutine waits for the next one to send first.
            const int n = 5;
            var chans = new Chan<int>[n];
            for (int i = 0; i < n; i++) chans[i] = new Chan<int>();
            for (int i = 0; i < n; i++)
            {
                int me = i;
                Go.Start(async () =>
                {
                    int v = await chans[me].ReceiveAsync();
                    await chans[(me + 1) % n].SendAsync(v + 1);
                });
            }

            await chans[0].ReceiveAsync(); // main joins the cycle
        }));
        Assert.StartsWith(DeadlockException.Headline, ex.Message);
        Assert.True(CountOccurrences(ex.Dump, "[chan receive") >= 6, ex.Dump);
        rt.IgnoreLeaks();
    }

    [Fact]
    public void Deadlock_WaitForCountThatNeverArrives_Throws()
    {
        using var rt = new TestRuntime(2);
        var ex = Assert.Throws<DeadlockException>(() => rt.Run(async () =>
        {
            // A WaitGroup-style wait: three workers are expected, two report.
            var done = new Chan<bool>(3);
            for (int i = 0; i < 2; i++) Go.Start(async () => await done.SendAsync(true));
            for (int i = 0; i < 3; i++) await done.ReceiveAsync();
        }));
        Assert.StartsWith(DeadlockException.Headline, ex.Message);
        rt.IgnoreLeaks();
    }

    [Fact]
    public void Deadlock_SelectWithNoCases_Throws()
    {
        using var rt = new TestRuntime(1);
        var ex = Assert.Throws<DeadlockException>(() => rt.Run(async () => await Select.Of()));
        Assert.Contains("[select (no cases)", ex.Dump);
        rt.IgnoreLeaks();
    }

    [Fact]
    public void Deadlock_GoroutineInsideBlockingCall_IsNotDeadlock()
    {
        using var rt = new TestRuntime(1);
        using var release = new ManualResetEventSlim();
        var helper = new Thread(() =>
        {
            Thread.Sleep(200);
            release.Set();
        });
        helper.Start();
        int v = rt.Run(async () =>
        {
            var ch = new Chan<int>();
            Go.Start(() =>
            {
                Go.Blocking(() => release.Wait(TestRuntime.HangGuard));
                ch.TrySend(1); // main is waiting: hand it over
            });
            return await ch.ReceiveAsync();
        });
        Assert.Equal(1, v);
        helper.Join();
    }

    [Fact]
    public void Deadlock_CheckCanBeTurnedOff()
    {
        var rt = new GoRuntime(new GoOptions { MaxProcs = 1, DetectDeadlocks = false });
        try
        {
            var ch = new Chan<int>();
            var run = rt.RunAsync(async () => await ch.ReceiveAsync());
            // Sysmon checks within milliseconds of going idle; give it ample time to (wrongly) fire.
            Assert.False(run.Wait(TimeSpan.FromMilliseconds(300)));
            ch.Send(5); // a plain thread wakes it: exactly the case the option exists for
            TestRuntime.WaitWithHangGuard(run);
            Assert.True(run.IsCompletedSuccessfully);
        }
        finally
        {
            rt.ShutdownAsync().Wait(TestRuntime.HangGuard);
        }
    }

    private static int CountOccurrences(string text, string what)
    {
        int n = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + 1, StringComparison.Ordinal)) n++;
        return n;
    }
}
