namespace Weft.Tests.Sysmon;

public class LockOSThreadTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void LockOSThread_GoroutineStaysOnItsThread(int procs)
    {
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            var otherThreads = new Chan<int>(64);
            // Background goroutines that park and wake often, so the locked one has company on the Ps.
            var stop = new Chan<bool>();
            for (int i = 0; i < 4; i++)
            {
                Go.Start(async () =>
                {
                    while (true)
                    {
                        var r = await Select.Of(Select.Receive(stop), Select.Receive(Time.After(TimeSpan.FromMilliseconds(1))));
                        if (r.Index == 0) return;
                    }
                });
            }

            var locked = Go.Spawn(async () =>
            {
                Go.LockOSThread();
                int thread = Environment.CurrentManagedThreadId;
                for (int i = 0; i < 50; i++)
                {
                    await Go.Sleep(TimeSpan.FromMilliseconds(1));
                    await Go.Yield();
                    Assert.Equal(thread, Environment.CurrentManagedThreadId);
                }

                Go.UnlockOSThread();
                return thread;
            });
            await locked;
            stop.Close();
        });
    }

    [Fact]
    public void LockOSThread_OutsideGoroutine_Throws()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Go.LockOSThread());
        Assert.Contains("goroutine", ex.Message);
    }
}
