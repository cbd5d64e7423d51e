namespace Weft.Tests.Channels;

/// <summary>
/// Go's TestNonblockRecvRace, TestNonblockSelectRace and TestNonblockSelectRace2: a non-blocking receive or select
/// never takes the default branch while a case is ready, even racing with a close or a send.
/// </summary>
public class NonblockRaceTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void NonblockRecvRace_ReadyBufferedValue_NeverDefault_EvenRacingClose(int procs)
    {
        using var rt = new TestRuntime(procs);
        int failures = rt.Run(async () =>
        {
            const int n = 5000;
            int failed = 0;
            var done = new Chan<bool>(n);
            for (int i = 0; i < n; i++)
            {
                var c = new Chan<int>(1);
                c.TrySend(1);
                bool useSelect = (i & 1) == 0;
                Go.Start(async () =>
                {
                    bool ready = useSelect ? !Select.Try(Select.Receive(c)).IsDefault : c.TryReceive(out _, out _);
                    if (!ready) Interlocked.Increment(ref failed);
                    await done.SendAsync(true);
                });
                c.Close();
                await c.ReceiveAsync();
            }

            for (int i = 0; i < n; i++) await done.ReceiveAsync();
            return failed;
        });
        Assert.True(failures == 0, $"{failures} non-blocking receives took default on a ready channel");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void NonblockSelectRace_OneCaseAlwaysReady_NeverDefault_RacingSend(int procs)
    {
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            const int n = 20_000;
            var done = new Chan<bool>(1);
            for (int i = 0; i < n; i++)
            {
                var c1 = new Chan<int>(1);
                var c2 = new Chan<int>(1);
                c1.TrySend(1);
                Go.Start(async () =>
                {
                    var r = Select.Try(Select.Receive(c1), Select.Receive(c2));
                    await done.SendAsync(!r.IsDefault);
                });
                c2.TrySend(1);
                Select.Try(Select.Receive(c1));
                Assert.True(await done.ReceiveAsync(), $"iteration {i}: no channel was ready");
            }
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void NonblockSelectRace2_OneCaseAlwaysReady_NeverDefault_RacingClose(int procs)
    {
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            const int n = 20_000;
            var done = new Chan<bool>(1);
            for (int i = 0; i < n; i++)
            {
                var c1 = new Chan<int>(1);
                var c2 = new Chan<int>();
                c1.TrySend(1);
                Go.Start(async () =>
                {
                    var r = Select.Try(Select.Receive(c1), Select.Receive(c2));
                    await done.SendAsync(!r.IsDefault);
                });
                c2.Close();
                Select.Try(Select.Receive(c1));
                Assert.True(await done.ReceiveAsync(), $"iteration {i}: no channel was ready");
            }
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void NonblockSend_ToBufferWithSpace_NeverFails_RacingReceives(int procs)
    {
        // The mirror image: while a slot is free (only receivers run concurrently), a non-blocking send must succeed.
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            const int n = 5000;
            var done = new Chan<bool>(1);
            for (int i = 0; i < n; i++)
            {
                var c = new Chan<int>(2);
                c.TrySend(1);
                Go.Start(async () =>
                {
                    bool ok = (i & 1) == 0 ? c.TrySend(2) : !Select.Try(Select.Send(c, 2)).IsDefault;
                    await done.SendAsync(ok);
                });
                c.TryReceive(out _);
                Assert.True(await done.ReceiveAsync(), $"iteration {i}: a send with buffer space took default");
            }
        });
    }
}
