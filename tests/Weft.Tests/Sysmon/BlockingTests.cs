namespace Weft.Tests.Sysmon;

public class BlockingTests
{
    /// <summary>
    /// Regression: a blocking call that came back on a different P than its step started with made the M drop that
    /// P at the end of the step, leaking it; after a few dozen such returns no P was left and the runtime stalled.
    /// </summary>
    [Theory]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(2, false)]
    [InlineData(4, true)]
    public void ManyBlockingCalls_AllGoroutinesFinish(int procs, bool yieldBetweenCalls)
    {
        using var rt = new TestRuntime(procs);
        int done = 0;
        long calls = 0;
        const int n = 60, callsEach = 5;
        rt.Run(async () =>
        {
            var finished = new Chan<bool>(n);
            for (int i = 0; i < n; i++)
            {
                if (yieldBetweenCalls)
                {
                    Go.Start(async () =>
                    {
                        for (int c = 0; c < callsEach; c++)
                        {
                            Go.Blocking(() => Thread.Sleep(5));
                            Interlocked.Increment(ref calls);
                            await Go.Yield();
                        }

                        Interlocked.Increment(ref done);
                        await finished.SendAsync(true);
                    });
                }
                else
                {
                    Go.Start(() =>
                    {
                        for (int c = 0; c < callsEach; c++)
                        {
                            Go.Blocking(() => Thread.Sleep(5));
                            Interlocked.Increment(ref calls);
                        }

                        Interlocked.Increment(ref done);
                        finished.TrySend(true);
                    });
                }
            }

            // The main goroutine keeps sleeping meanwhile: it must keep getting a P until everyone is done.
            int naps = 0;
            while (Volatile.Read(ref done) < n)
            {
                await Go.Sleep(TimeSpan.FromMilliseconds(1));
                naps++;
            }

            for (int i = 0; i < n; i++) await finished.ReceiveAsync();
            Assert.True(naps > 0);
        });
        Assert.Equal(n, done);
        Assert.Equal(n * callsEach, calls);
    }

    [Fact]
    public void Blocking_OutsideGoroutine_JustRuns()
    {
        Assert.Equal(42, Go.Blocking(() => 42));
        Assert.Throws<ArgumentNullException>(() => Go.Blocking((Action)null!));
    }
}
