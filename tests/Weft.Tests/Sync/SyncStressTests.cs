namespace Weft.Tests.Sync;

/// <summary>
/// Stress with exact accounting at MaxProcs 1, 2 and 4: mutual exclusion checked by an in-critical-section counter,
/// every acquisition counted once (no double grant), every waiter eventually served or canceled (no lost wake-up:
/// a lost one hangs and fails on the hang guard), and the primitives idle and empty at the end.
/// </summary>
[Collection(StressCollection.Name)]
public class SyncStressTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Mutex_WithRandomCancellations_ExclusiveAndExactlyCounted(int procs)
    {
        using var rt = new TestRuntime(procs);
        for (int round = 0; round < 3; round++)
        {
            rt.Run(async () =>
            {
                var mu = new Weft.Sync.Mutex();
                int inside = 0;
                long entered = 0, canceled = 0;
                int goroutines = 8 * procs;
                const int iterations = 1500;
                var wg = new Weft.Sync.WaitGroup();
                for (int i = 0; i < goroutines; i++)
                {
                    int seed = i * 7919 + round;
                    wg.Go(async () =>
                    {
                        var rnd = new Random(seed);
                        for (int n = 0; n < iterations; n++)
                        {
                            CancellationTokenSource? cts = null;
                            try
                            {
                                if (rnd.Next(8) == 0)
                                {
                                    cts = new CancellationTokenSource();
                                    if (rnd.Next(2) == 0) cts.CancelAfter(0); else Go.Start(() => cts.Cancel());
                                    await mu.LockAsync(cts.Token);
                                }
                                else
                                {
                                    await mu.LockAsync();
                                }
                            }
                            catch (OperationCanceledException)
                            {
                                Interlocked.Increment(ref canceled);
                                continue;
                            }

                            if (Interlocked.Increment(ref inside) != 1) throw new InvalidOperationException("mutual exclusion broken");
                            entered++;
                            if (rnd.Next(16) == 0) await Go.Yield();
                            Interlocked.Decrement(ref inside);
                            mu.Unlock();
                        }
                    });
                }

                await wg.WaitAsync();
                Assert.Equal((long)goroutines * iterations, entered + canceled);
                Assert.False(mu.IsLocked);
                Assert.Equal(0, mu.ParkedWaiters);
                Assert.True(mu.TryLock());
                mu.Unlock();
            });
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void RWMutex_ReadersAndWriters_ExclusiveAndExactlyCounted(int procs)
    {
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            var rw = new Weft.Sync.RWMutex();
            int readersIn = 0, writersIn = 0;
            long reads = 0, writes = 0;
            int goroutines = 8 * procs;
            const int iterations = 1500;
            var wg = new Weft.Sync.WaitGroup();
            for (int i = 0; i < goroutines; i++)
            {
                int seed = i;
                wg.Go(async () =>
                {
                    var rnd = new Random(seed);
                    for (int n = 0; n < iterations; n++)
                    {
                        if (rnd.Next(4) == 0)
                        {
                            await rw.LockAsync();
                            if (Interlocked.Increment(ref writersIn) != 1 || Volatile.Read(ref readersIn) != 0)
                                throw new InvalidOperationException("writer not alone");
                            writes++;
                            if (rnd.Next(8) == 0) await Go.Yield();
                            Interlocked.Decrement(ref writersIn);
                            rw.Unlock();
                        }
                        else
                        {
                            await rw.RLockAsync();
                            Interlocked.Increment(ref readersIn);
                            if (Volatile.Read(ref writersIn) != 0) throw new InvalidOperationException("reader beside a writer");
                            Interlocked.Increment(ref reads);
                            if (rnd.Next(8) == 0) await Go.Yield();
                            Interlocked.Decrement(ref readersIn);
                            rw.RUnlock();
                        }
                    }
                });
            }

            await wg.WaitAsync();
            Assert.Equal((long)goroutines * iterations, reads + writes);
            Assert.True(rw.TryLock());
            rw.Unlock();
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Semaphore_RandomWeightsAndCancellations_NeverOverGranted(int procs)
    {
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            const long size = 10;
            var sem = new Weft.Sync.Semaphore(size);
            long held = 0, granted = 0, canceled = 0;
            int goroutines = 8 * procs;
            const int iterations = 1000;
            var wg = new Weft.Sync.WaitGroup();
            for (int i = 0; i < goroutines; i++)
            {
                int seed = 31 * i + 1;
                wg.Go(async () =>
                {
                    var rnd = new Random(seed);
                    for (int n = 0; n < iterations; n++)
                    {
                        long w = rnd.Next(1, (int)size + 1);
                        var (ctx, cancel) = GoContext.WithCancel(GoContext.Background);
                        if (rnd.Next(6) == 0) Go.Start(cancel);
                        try
                        {
                            await sem.AcquireAsync(w, ctx);
                        }
                        catch (OperationCanceledException)
                        {
                            Interlocked.Increment(ref canceled);
                            continue;
                        }
                        finally
                        {
                            cancel();
                        }

                        long now = Interlocked.Add(ref held, w);
                        if (now > size) throw new InvalidOperationException($"over-granted: {now} > {size}");
                        Interlocked.Increment(ref granted);
                        if (rnd.Next(8) == 0) await Go.Yield();
                        Interlocked.Add(ref held, -w);
                        sem.Release(w);
                    }
                });
            }

            await wg.WaitAsync();
            Assert.Equal((long)goroutines * iterations, granted + canceled);
            Assert.Equal(0, sem.Held);
            Assert.Equal(0, sem.Waiting);
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void WaitGroup_ManyRounds_EveryWaiterReleasedEveryRound(int procs)
    {
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            for (int round = 0; round < 200; round++)
            {
                var wg = new Weft.Sync.WaitGroup();
                var waiters = new Weft.Sync.WaitGroup();
                int done = 0, released = 0;
                wg.Add(8); // before anyone waits: a Wait on a zero counter returns at once
                for (int w = 0; w < 3; w++)
                {
                    waiters.Go(async () =>
                    {
                        await wg.WaitAsync();
                        if (Volatile.Read(ref done) != 8) throw new InvalidOperationException("released early");
                        Interlocked.Increment(ref released);
                    });
                }

                for (int i = 0; i < 8; i++)
                {
                    Go.Start(async () =>
                    {
                        await Go.Yield();
                        Interlocked.Increment(ref done);
                        wg.Done();
                    });
                }

                await waiters.WaitAsync();
                Assert.Equal(3, released);
            }
        });
    }
}
