namespace Weft.Tests.Channels;

/// <summary>
/// Channels used from code that is not a goroutine: plain async Task code (awaits complete on the .NET ThreadPool)
/// and synchronous callers (blocking Send/Receive), mixed with goroutines.
/// </summary>
public class ChanOutsideGoroutineTests
{
    [Fact]
    public async Task AsyncTaskCode_SendAndReceive_CompleteOnTheThreadPool()
    {
        var c = new Chan<int>();
        var receiver = Task.Run(async () =>
        {
            int sum = 0;
            bool allPool = true;
            for (int i = 0; i < 1000; i++)
            {
                sum += await c.ReceiveAsync();
                allPool &= Thread.CurrentThread.IsThreadPoolThread;
            }

            return (sum, allPool);
        });
        for (int i = 0; i < 1000; i++) await c.SendAsync(i);
        var (s, pool) = await receiver.WaitAsync(TestRuntime.HangGuard);
        Assert.Equal(999 * 1000 / 2, s);
        Assert.True(pool);
    }

    [Fact]
    public async Task AsyncTaskCode_Select_WaitsAndWakes()
    {
        var a = new Chan<string>();
        var b = new Chan<string>(1);
        var sel = Task.Run(async () =>
        {
            var r = await Select.Of(Select.Receive(a), Select.Receive(b));
            return (r.Index, r.Value<string>(), Thread.CurrentThread.IsThreadPoolThread);
        });
        ChanTestUtil.SpinUntil(() => a.WaitingCounts.Receivers == 1, "select parked");
        await a.SendAsync("x");
        var (index, value, pool) = await sel.WaitAsync(TestRuntime.HangGuard);
        Assert.Equal((0, "x", true), (index, value, pool));
        Assert.Equal((0, 0), b.WaitingCounts);
    }

    [Fact]
    public void BlockingSendAndReceive_BetweenPlainThreads()
    {
        foreach (int cap in new[] { 0, 1, 16 })
        {
            var c = new Chan<int>(cap);
            var t = new Thread(() =>
            {
                for (int i = 0; i < 2000; i++) c.Send(i);
                c.Close();
            });
            t.Start();
            int expect = 0;
            while (true)
            {
                var (v, ok) = c.ReceiveWithOk();
                if (!ok) break;
                Assert.Equal(expect++, v);
            }

            Assert.Equal(2000, expect);
            Assert.True(t.Join(TestRuntime.HangGuard));
            Assert.Equal(0, c.Receive()); // closed and drained
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void BlockingCallers_InteroperateWithGoroutines(int procs)
    {
        using var rt = new TestRuntime(procs, detectDeadlocks: false);
        var requests = new Chan<int>();
        var replies = new Chan<int>();
        rt.Runtime.Start(async () =>
        {
            await foreach (int r in requests) await replies.SendAsync(r * 2);
            replies.Close();
        });
        for (int i = 0; i < 500; i++)
        {
            requests.Send(i);
            Assert.Equal(i * 2, replies.Receive());
        }

        requests.Close();
        Assert.Equal((0, false), replies.ReceiveWithOk());
    }

    [Fact]
    public void BlockingOps_InsideAGoroutine_Throw()
    {
        using var rt = new TestRuntime(1, detectDeadlocks: false);
        rt.Run(async () =>
        {
            await Go.Yield();
            var c = new Chan<int>(1);
            Assert.Throws<InvalidOperationException>(() => c.Send(1));
            Assert.Throws<InvalidOperationException>(() => c.Receive());
            Assert.Throws<InvalidOperationException>(() => c.ReceiveWithOk());
        });
    }

    [Fact]
    public void NonBlockingSelect_OutsideGoroutines_Works()
    {
        var a = new Chan<int>(1);
        Assert.True(Select.Try(Select.Receive(a)).IsDefault);
        a.TrySend(3);
        var r = Select.Try(Select.Receive(a), Select.Send(a, 4));
        Assert.Equal(0, r.Index);
        Assert.Equal(3, r.Value<int>());
    }

    [Fact]
    public async Task CanceledReceive_FromAsyncTaskCode_ThrowsAndLosesNothing()
    {
        var c = new Chan<int>();
        using var cts = new CancellationTokenSource();
        var recv = Task.Run(async () => await c.ReceiveAsync(cts.Token));
        ChanTestUtil.SpinUntil(() => c.WaitingCounts.Receivers == 1, "receiver parked");
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => recv.WaitAsync(TestRuntime.HangGuard));
        Assert.Equal((0, 0), c.WaitingCounts);
        Assert.False(c.TrySend(1), "no receiver is left");
    }

    [Fact]
    public void SelectSendCase_ChannelClosedBetweenPollAndPark_FaultsTheAwait_NotTheCaller()
    {
        // The window between the awaiter's first poll (IsCompleted) and parking (OnCompleted), opened by hand: the
        // close must surface from GetResult, not be thrown out of OnCompleted (for Task-based code an exception from
        // OnCompleted escapes to the ThreadPool and ends the process).
        var never = new Chan<int>();
        var c = new Chan<int>();
        var awaiter = Select.Of(Select.Receive(never), Select.Send(c, 1)).GetAwaiter();
        Assert.False(awaiter.IsCompleted);
        c.Close();
        using var resumed = new ManualResetEventSlim();
        awaiter.UnsafeOnCompleted(resumed.Set);
        Assert.True(resumed.Wait(TestRuntime.HangGuard));
        Assert.Throws<ChannelClosedException>(() => awaiter.GetResult());
        Assert.Equal((0, 0), never.WaitingCounts);

        // The thread's select state was released: the next select works.
        var d = new Chan<int>(1);
        d.TrySend(5);
        Assert.Equal(5, Select.Try(Select.Receive(d)).Value<int>());
    }
}
