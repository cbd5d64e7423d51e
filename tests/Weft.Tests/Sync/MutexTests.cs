using Weft.Tests.Channels;

namespace Weft.Tests.Sync;

/// <summary>Go's sync.Mutex behaviours (mutex_test.go): exclusion, TryLock, fairness, starvation hand-off, misuse.</summary>
public class MutexTests
{
    [Fact]
    public void Lock_Uncontended_CompletesWithoutParking_AndUnlockReleases()
    {
        using var rt = new TestRuntime(1);
        rt.Run(async () =>
        {
            var mu = new Weft.Sync.Mutex();
            var lockTask = mu.LockAsync();
            Assert.True(lockTask.IsCompleted);
            await lockTask;
            Assert.False(mu.TryLock());
            mu.Unlock();
            Assert.True(mu.TryLock());
            mu.Unlock();
        });
    }

    [Fact]
    public void Hammer_ManyGoroutines_MutualExclusionAndExactCount()
    {
        // Go's HammerMutex: goroutines lock (some with TryLock) and check that nobody else is inside.
        using var rt = new TestRuntime(2);
        const int goroutines = 10, iterations = 2000;
        long counter = rt.Run(async () =>
        {
            var mu = new Weft.Sync.Mutex();
            int inside = 0;
            long count = 0;
            var wg = new Weft.Sync.WaitGroup();
            for (int i = 0; i < goroutines; i++)
            {
                int id = i;
                wg.Go(async () =>
                {
                    for (int n = 0; n < iterations; n++)
                    {
                        if (n % 3 == id % 3 && mu.TryLock()) { }
                        else await mu.LockAsync();
                        if (Interlocked.Increment(ref inside) != 1) throw new InvalidOperationException("two goroutines inside the mutex");
                        count++;
                        if (n % 50 == 0) await Go.Yield(); // hold it across a park sometimes
                        Interlocked.Decrement(ref inside);
                        mu.Unlock();
                    }
                });
            }

            await wg.WaitAsync();
            return count;
        });
        Assert.Equal(goroutines * iterations, counter);
    }

    [Fact]
    public void Unlock_OfUnlockedMutex_ThrowsNamingTheMistake()
    {
        var mu = new Weft.Sync.Mutex();
        var e = Assert.Throws<SynchronizationLockException>(mu.Unlock);
        Assert.Contains("unlock of unlocked mutex", e.Message);
        Assert.True(mu.TryLock()); // the failed unlock left the state as it was
        mu.Unlock();
    }

    [Fact]
    public void Unlock_FromAnotherGoroutine_ReleasesTheWaiter()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var mu = new Weft.Sync.Mutex();
            await mu.LockAsync();
            var unlocked = new Chan<bool>();
            Go.Start(async () =>
            {
                mu.Unlock(); // not the goroutine that locked: allowed, as in Go
                await unlocked.SendAsync(true);
            });
            await unlocked.ReceiveAsync();
            await mu.LockAsync();
            mu.Unlock();
        });
    }

    [Fact]
    public void Lock_Synchronous_InsideGoroutine_Throws_OutsideBlocksTheThread()
    {
        using var rt = new TestRuntime(1);
        var mu = new Weft.Sync.Mutex();
        rt.Run(async () =>
        {
            var e = Assert.Throws<InvalidOperationException>(mu.Lock);
            Assert.Contains("LockAsync", e.Message);
            await Go.Yield();
        });

        mu.Lock();
        var other = new Thread(() =>
        {
            mu.Lock();
            mu.Unlock();
        });
        other.Start();
        ChanTestUtil.SpinUntil(() => mu.ParkedWaiters == 1, "thread parked on the mutex");
        mu.Unlock();
        Assert.True(other.Join(TestRuntime.HangGuard));
    }

    [Fact]
    public void Fairness_ShortWaiterGetsTheLock_WhileAnotherRelocksInALoop()
    {
        // Go's TestMutexFairness: one goroutine relocks at once in a loop; another must still get the lock.
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var mu = new Weft.Sync.Mutex();
            var stop = new Chan<bool>();
            var hog = Go.Spawn(async () =>
            {
                for (int i = 0; i < 10_000; i++)
                {
                    await mu.LockAsync();
                    await Go.Sleep(TimeSpan.FromMilliseconds(0.1));
                    mu.Unlock();
                    if (stop.TryReceive(out _)) return;
                }

                throw new InvalidOperationException("the waiter never got the mutex");
            });
            for (int i = 0; i < 10; i++)
            {
                await Go.Sleep(TimeSpan.FromMilliseconds(0.1));
                await mu.LockAsync();
                mu.Unlock();
            }

            await stop.SendAsync(true);
            await hog; // (whether starvation mode was needed depends on timing; the hand-off itself is pinned below)
        });
    }

    [Fact]
    public void StarvationMode_HandsOffToTheOldestWaiter_AndLeavesWhenTheQueueEmpties()
    {
        using var rt = new TestRuntime(1);
        rt.Run(async () =>
        {
            var mu = new Weft.Sync.Mutex();
            await mu.LockAsync();
            var order = new List<int>();
            var wg = new Weft.Sync.WaitGroup();
            for (int i = 0; i < 3; i++)
            {
                int id = i;
                wg.Go(async () =>
                {
                    await mu.LockAsync();
                    order.Add(id);
                    mu.Unlock();
                });
                await ChanTestUtil.WaitUntil(() => mu.ParkedWaiters == id + 1, "waiter parked");
            }

            // Let every waiter wait past the 1 ms threshold, then barge: wake one, re-take the lock at once.
            await Go.Sleep(TimeSpan.FromMilliseconds(3));
            mu.Unlock();
            Assert.True(mu.TryLock()); // barging in normal mode succeeds: the woken waiter has not run yet
            await ChanTestUtil.WaitUntil(() => mu.IsStarving, "the woken waiter lost and switched to starvation mode");
            Assert.False(mu.TryLock()); // starving: arrivals do not get it
            mu.Unlock(); // hands off
            await wg.WaitAsync();
            Assert.Equal([0, 1, 2], order); // handed off oldest first, each once
            Assert.False(mu.IsStarving);
            Assert.True(mu.TryLock());
            mu.Unlock();
        });
    }

    [Fact]
    public void LockAsync_Canceled_WithdrawsTheWaiter_AndTheMutexStaysUsable()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var mu = new Weft.Sync.Mutex();
            await mu.LockAsync();
            using var cts = new CancellationTokenSource();
            var waiter = Go.Spawn(async () => await mu.LockAsync(cts.Token));
            await ChanTestUtil.WaitUntil(() => mu.ParkedWaiters == 1, "waiter parked");
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await waiter);
            Assert.Equal(0, mu.ParkedWaiters);
            mu.Unlock();
            Assert.True(mu.TryLock());
            mu.Unlock();

            // A canceled context before the call fails at once, even when the mutex is free.
            var (ctx, cancel) = GoContext.WithCancel(GoContext.Background);
            cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await mu.LockAsync(ctx));
            Assert.False(mu.IsLocked);
        });
    }

    [Fact]
    public void Deadlock_GoroutineWaitingOnAMutexNobodyUnlocks_IsDetected_AndDumpShowsTheReason()
    {
        using var rt = new TestRuntime(2);
        var ex = Assert.Throws<DeadlockException>(() => rt.Run(async () =>
        {
            var mu = new Weft.Sync.Mutex();
            await mu.LockAsync();
            await mu.LockAsync(); // nobody will unlock
        }));
        Assert.Contains("[sync.Mutex.Lock", ex.Dump);
        rt.IgnoreLeaks();
    }
}
