using Weft.Tests.Channels;

namespace Weft.Tests.Sync;

/// <summary>Go's sync.WaitGroup behaviours (waitgroup_test.go): waiting, misuse, reuse, Go.</summary>
public class WaitGroupTests
{
    [Fact]
    public void Wait_ReturnsOnlyAfterEveryDone_AcrossRounds()
    {
        // Go's TestWaitGroup: two groups used in lock step, several rounds.
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var wg1 = new Weft.Sync.WaitGroup();
            var wg2 = new Weft.Sync.WaitGroup();
            const int n = 16;
            for (int round = 0; round < 5; round++)
            {
                int passed = 0;
                wg1.Add(n);
                wg2.Add(n);
                for (int i = 0; i < n; i++)
                {
                    Go.Start(async () =>
                    {
                        wg1.Done();
                        await wg2.WaitAsync();
                        Interlocked.Increment(ref passed);
                    });
                }

                await wg1.WaitAsync();
                Assert.Equal(0, Volatile.Read(ref passed)); // nobody passed wg2 yet
                for (int i = 0; i < n; i++) wg2.Done();
                await ChanTestUtil.WaitUntil(() => Volatile.Read(ref passed) == n, "every waiter released");
            }
        });
    }

    [Fact]
    public void NegativeCounter_Throws()
    {
        var wg = new Weft.Sync.WaitGroup();
        wg.Add(1);
        wg.Done();
        Assert.Contains("negative WaitGroup counter", Assert.Throws<InvalidOperationException>(wg.Done).Message);
        wg.Add(1); // still usable
        wg.Done();
        wg.Wait();
    }

    [Fact]
    public void ReuseBeforeWaitReturned_IsDetected()
    {
        // Go's TestWaitGroupMisuse2 shape, made deterministic: a waiter is released, and a new round starts before it resumes.
        using var rt = new TestRuntime(1);
        rt.Run(async () =>
        {
            var wg = new Weft.Sync.WaitGroup();
            wg.Add(1);
            var waiter = Go.Spawn(async () => await wg.WaitAsync());
            await ChanTestUtil.WaitUntil(() => (wg.GetType().GetField("_state", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(wg) is long s) && (uint)s == 1, "waiter registered");
            wg.Done();   // releases the waiter (it is runnable, not yet running: one P, and we do not yield)
            wg.Add(1);   // reuse before Wait returned
            var e = await Assert.ThrowsAsync<InvalidOperationException>(async () => await waiter);
            Assert.Contains("reused before previous Wait has returned", e.Message);
            wg.Done();
        });
    }

    [Fact]
    public void Go_CountsTheGoroutine_AndWaitSeesItsEffect()
    {
        using var rt = new TestRuntime(2);
        int sum = rt.Run(async () =>
        {
            var wg = new Weft.Sync.WaitGroup();
            int total = 0;
            for (int i = 1; i <= 100; i++)
            {
                int n = i;
                wg.Go(async () =>
                {
                    await Go.Yield();
                    Interlocked.Add(ref total, n);
                });
            }

            await wg.WaitAsync();
            return total;
        });
        Assert.Equal(5050, sum);
    }

    [Fact]
    public void Wait_OnZeroCounter_ReturnsAtOnce_EverywhereAndDumpShowsTheReasonWhenParked()
    {
        var wg = new Weft.Sync.WaitGroup();
        wg.Wait();
        Assert.True(wg.WaitAsync().IsCompleted);

        using var rt = new TestRuntime(1);
        var ex = Assert.Throws<DeadlockException>(() => rt.Run(async () =>
        {
            wg.Add(1);
            await wg.WaitAsync();
        }));
        Assert.Contains("[sync.WaitGroup.Wait", ex.Dump);
        rt.IgnoreLeaks();
    }
}
