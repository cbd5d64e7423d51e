using Weft.Tests.Channels;

namespace Weft.Tests.Sync;

/// <summary>Go's sync.Once (once_test.go, oncefunc_test.go) and sync.Cond (cond_test.go) behaviours.</summary>
public class OnceCondTests
{
    [Fact]
    public void Once_RunsTheFunctionOnce_ConcurrentCallersWaitForIt()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var once = new Weft.Sync.Once();
            int calls = 0, sawDone = 0;
            var wg = new Weft.Sync.WaitGroup();
            for (int i = 0; i < 10; i++)
            {
                wg.Go(async () =>
                {
                    await once.DoAsync(async () =>
                    {
                        await Go.Sleep(TimeSpan.FromMilliseconds(1)); // others arrive while it runs
                        Interlocked.Increment(ref calls);
                    });
                    if (Volatile.Read(ref calls) == 1) Interlocked.Increment(ref sawDone); // returned only after it ran
                });
            }

            await wg.WaitAsync();
            Assert.Equal(1, calls);
            Assert.Equal(10, sawDone);
        });
    }

    [Fact]
    public void Once_WhosFunctionThrows_CountsAsDone()
    {
        // Go's TestOncePanic: the first call panics, the second does not call the function.
        var once = new Weft.Sync.Once();
        Assert.Throws<InvalidOperationException>(() => once.Do(() => throw new InvalidOperationException("boom")));
        bool called = false;
        once.Do(() => called = true);
        Assert.False(called);
    }

    [Fact]
    public async Task OnceFunc_And_OnceValue_CallOnce_AndRethrowTheSameFailure()
    {
        int calls = 0;
        var f = Weft.Sync.OnceFunc(() => calls++);
        await f();
        await f();
        Assert.Equal(1, calls);

        int computed = 0;
        var v = Weft.Sync.OnceValue(() => ++computed * 42);
        Assert.Equal(42, await v());
        Assert.Equal(42, await v());
        Assert.Equal(1, computed);

        var failing = Weft.Sync.OnceValue<int>(() => throw new FormatException("once"));
        var first = await Assert.ThrowsAsync<FormatException>(async () => await failing());
        var second = await Assert.ThrowsAsync<FormatException>(async () => await failing());
        Assert.Same(first, second);
    }

    [Fact]
    public void Cond_SignalWakesOneWaiterInOrder_BroadcastWakesAll()
    {
        // Go's TestCondSignal / TestCondBroadcast / TestCondSignalStealing, with exact accounting.
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var mu = new Weft.Sync.Mutex();
            var cond = new Weft.Sync.Cond(mu);
            int woken = 0;
            const int n = 5;
            var wg = new Weft.Sync.WaitGroup();
            var order = new List<int>();
            for (int i = 0; i < n; i++)
            {
                int id = i;
                wg.Go(async () =>
                {
                    await mu.LockAsync();
                    await cond.WaitAsync();
                    order.Add(id);
                    woken++;
                    mu.Unlock();
                });
                await ChanTestUtil.WaitUntil(() => cond.Waiting == id + 1, "waiter parked on the cond");
            }

            cond.Signal();
            await ChanTestUtil.WaitUntil(() => { lock (order) return order.Count == 1; }, "one waiter woke");
            Assert.Equal(0, order[0]); // the longest waiter
            Assert.Equal(n - 1, cond.Waiting);
            cond.Broadcast();
            await wg.WaitAsync();
            Assert.Equal(n, woken);
            Assert.Equal(0, cond.Waiting);
        });
    }

    [Fact]
    public void Cond_Wait_WithoutHoldingTheMutex_Throws()
    {
        using var rt = new TestRuntime(1);
        rt.Run(async () =>
        {
            var cond = new Weft.Sync.Cond(new Weft.Sync.Mutex());
            await Assert.ThrowsAsync<SynchronizationLockException>(async () => await cond.WaitAsync());
        });
    }

    [Fact]
    public void Cond_ProducerConsumer_NoLostWakeUp()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var mu = new Weft.Sync.Mutex();
            var cond = new Weft.Sync.Cond(mu);
            var queue = new Queue<int>();
            const int items = 2000, consumers = 4;
            long sum = 0;
            int received = 0;
            var wg = new Weft.Sync.WaitGroup();
            for (int c = 0; c < consumers; c++)
            {
                wg.Go(async () =>
                {
                    while (true)
                    {
                        await mu.LockAsync();
                        while (queue.Count == 0 && received < items) await cond.WaitAsync();
                        if (queue.Count == 0)
                        {
                            mu.Unlock();
                            return;
                        }

                        sum += queue.Dequeue();
                        if (++received == items) cond.Broadcast();
                        mu.Unlock();
                    }
                });
            }

            for (int i = 1; i <= items; i++)
            {
                await mu.LockAsync();
                queue.Enqueue(i);
                cond.Signal();
                mu.Unlock();
                if (i % 100 == 0) await Go.Yield();
            }

            await wg.WaitAsync();
            Assert.Equal((long)items * (items + 1) / 2, sum);
        });
    }
}
