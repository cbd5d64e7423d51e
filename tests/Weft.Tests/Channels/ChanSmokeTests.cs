namespace Weft.Tests.Channels;

public class ChanSmokeTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void PingPong_Unbuffered_AllRoundTrips(int procs)
    {
        using var rt = new TestRuntime(procs);
        int last = rt.Run(async () =>
        {
            var a = new Chan<int>();
            var b = new Chan<int>();
            Go.Start(async () =>
            {
                for (int i = 0; i < 10000; i++) await b.SendAsync(await a.ReceiveAsync() + 1);
            });
            int v = 0;
            for (int i = 0; i < 10000; i++)
            {
                await a.SendAsync(v);
                v = await b.ReceiveAsync();
            }

            return v;
        });
        Assert.Equal(10000, last);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(16)]
    public void ProducersConsumers_SumMatches(int capacity)
    {
        using var rt = new TestRuntime(2);
        long total = rt.Run(async () =>
        {
            var ch = new Chan<long>(capacity);
            var done = new Chan<long>();
            const int producers = 4, per = 2000;
            var finished = new Chan<bool>(producers);
            for (int p = 0; p < producers; p++)
            {
                int id = p;
                Go.Start(async () =>
                {
                    for (int i = 1; i <= per; i++) await ch.SendAsync(i);
                    await finished.SendAsync(true);
                });
            }

            for (int c = 0; c < 3; c++)
            {
                Go.Start(async () =>
                {
                    long s = 0;
                    await foreach (var v in ch) s += v;
                    await done.SendAsync(s);
                });
            }

            for (int p = 0; p < producers; p++) await finished.ReceiveAsync();
            ch.Close();
            long sum = 0;
            for (int c = 0; c < 3; c++) sum += await done.ReceiveAsync();
            return sum;
        });
        Assert.Equal(4L * 2000 * 2001 / 2, total);
    }

    [Fact]
    public void Select_TwoReadyCases_BothChosen()
    {
        using var rt = new TestRuntime(1);
        var counts = rt.Run(async () =>
        {
            var c1 = new Chan<int>(1);
            var c2 = new Chan<int>(1);
            var n = new int[2];
            for (int i = 0; i < 2000; i++)
            {
                c1.TrySend(1);
                c2.TrySend(2);
                var r = await Select.Of(Select.Receive(c1), Select.Receive(c2));
                n[r.Index]++;
                Assert.Equal(r.Index + 1, r.Value<int>());
                if (r.Index == 0) c2.TryReceive(out _);
                else c1.TryReceive(out _);
            }

            return n;
        });
        Assert.True(counts[0] > 700 && counts[1] > 700, $"{counts[0]} / {counts[1]}");
    }

    [Fact]
    public void Select_Blocking_WakesOnSendAndClose()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var a = new Chan<string>();
            var quit = new Chan<bool>();
            Go.Start(async () =>
            {
                await a.SendAsync("hi");
                quit.Close();
            });
            var r1 = await Select.Of(Select.Receive(a), Select.Receive(quit));
            Assert.Equal(0, r1.Index);
            Assert.Equal("hi", r1.Value<string>());
            var r2 = await Select.Of(Select.Receive(a), Select.Receive(quit));
            Assert.Equal(1, r2.Index);
            Assert.False(r2.Ok);
        });
    }

    [Fact]
    public void Timer_After_Fires()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var t0 = DateTime.Now;
            var fired = await Time.After(TimeSpan.FromMilliseconds(5)).ReceiveAsync();
            Assert.True(fired >= t0);
            var timeout = Time.After(TimeSpan.FromMilliseconds(5));
            var never = new Chan<int>();
            var r = await Select.Of(Select.Receive(never), Select.Receive(timeout));
            Assert.Equal(1, r.Index);
        });
    }

    [Fact]
    public void Chan_OutsideGoroutines_Works()
    {
        var ch = new Chan<int>();
        var t = Task.Run(() => ch.Send(5));
        Assert.Equal(5, ch.Receive());
        t.Wait();
    }
}
