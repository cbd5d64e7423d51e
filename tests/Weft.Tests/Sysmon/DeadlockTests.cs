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

    // ---- no false positives (issue 17, bug 9) ------------------------------------------------------

    /// <summary>
    /// Goroutines waiting on receives and selects whose tokens cancel after 0–2 ms: the cancellation comes from a
    /// ThreadPool timer, outside the runtime. Sysmon's grace wait used to return at once when its parker held an
    /// earlier wake-up, and the waits were reported as a deadlock in about half the runs.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void CancellableWaits_CanceledFromOutside_AreNotADeadlock(int procs)
    {
        using var rt = new TestRuntime(procs);
        for (int round = 0; round < 10; round++)
        {
            int canceled = rt.Run(async () =>
            {
                var silent = new Chan<int>();
                var done = new Chan<bool>(8);
                int n = 0;
                for (int i = 0; i < 8; i++)
                {
                    int id = i;
                    Go.Start(async () =>
                    {
                        using var cts = new CancellationTokenSource();
                        cts.CancelAfter(id % 3);
                        try
                        {
                            if (id % 2 == 0) await silent.ReceiveAsync(cts.Token);
                            else await Select.Of(cts.Token, Select.Receive(silent));
                        }
                        catch (OperationCanceledException)
                        {
                            Interlocked.Increment(ref n);
                        }

                        await done.SendAsync(true);
                    });
                }

                for (int i = 0; i < 8; i++) await done.ReceiveAsync();
                return n;
            });
            Assert.Equal(8, canceled);
        }
    }

    /// <summary>A lone receive whose token cancels after a second (well past the grace) is not a deadlock.</summary>
    [Fact]
    public void LoneReceive_WithTokenCanceledAfterTheGrace_IsNotADeadlock()
    {
        using var rt = new TestRuntime(2);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        Assert.Throws<OperationCanceledException>(() => rt.Run(async () => { await new Chan<int>().ReceiveAsync(cts.Token); }));
    }

    /// <summary>Goroutines of two runtimes talking over channels: neither is deadlocked while the other works.</summary>
    [Fact]
    public void TwoRuntimesTalkingOverChannels_AreNotADeadlock()
    {
        using var a = new TestRuntime(1);
        using var b = new TestRuntime(1);
        var ping = new Chan<int>();
        var pong = new Chan<int>();
        var server = b.Runtime.RunAsync(async () =>
        {
            for (int i = 0; i < 5; i++)
            {
                int v = await ping.ReceiveAsync();
                await Go.Sleep(150); // longer than the grace: runtime a has nothing to do meanwhile
                await pong.SendAsync(v + 1);
            }
        });
        int last = a.Run(async () =>
        {
            int v = 0;
            for (int i = 0; i < 5; i++)
            {
                await ping.SendAsync(v);
                v = await pong.ReceiveAsync();
            }

            return v;
        });
        Assert.Equal(5, last);
        TestRuntime.WaitWithHangGuard(server);
        server.GetAwaiter().GetResult();
    }

    /// <summary>A real deadlock beside a cancellable wait that ends is still reported once the wait is over.</summary>
    [Fact]
    public void RealDeadlock_AfterACancellableWaitEnds_IsStillReported()
    {
        using var rt = new TestRuntime(2);
        var ex = Assert.Throws<DeadlockException>(() => rt.Run(async () =>
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(20));
            try { await new Chan<int>().ReceiveAsync(cts.Token); } catch (OperationCanceledException) { }
            await new Chan<int>().ReceiveAsync(); // nobody will ever send
        }));
        Assert.StartsWith(DeadlockException.Headline, ex.Message);
        rt.IgnoreLeaks();
    }
}
