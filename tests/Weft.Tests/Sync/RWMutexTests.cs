using Weft.Tests.Channels;

namespace Weft.Tests.Sync;

/// <summary>Go's sync.RWMutex behaviours (rwmutex_test.go): parallel readers, writer exclusion, writer preference, misuse.</summary>
public class RWMutexTests
{
    [Fact]
    public void ParallelReaders_AllHoldTheReadLockAtOnce()
    {
        // Go's TestParallelReaders: every reader takes the lock, then waits until all have it.
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            const int readers = 8;
            var rw = new Weft.Sync.RWMutex();
            var locked = new Chan<bool>(readers);
            var release = new Chan<bool>();
            var wg = new Weft.Sync.WaitGroup();
            for (int i = 0; i < readers; i++)
            {
                wg.Go(async () =>
                {
                    await rw.RLockAsync();
                    await locked.SendAsync(true);
                    await release.ReceiveAsync();
                    rw.RUnlock();
                });
            }

            for (int i = 0; i < readers; i++) await locked.ReceiveAsync();
            Assert.False(rw.TryLock());
            release.Close();
            await wg.WaitAsync();
            Assert.True(rw.TryLock());
            rw.Unlock();
        });
    }

    [Fact]
    public void WaitingWriter_BlocksNewReaders_AndGetsTheLockBeforeThem()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var rw = new Weft.Sync.RWMutex();
            await rw.RLockAsync();
            var order = new Chan<string>(2);
            var writer = Go.Spawn(async () =>
            {
                await rw.LockAsync();
                await order.SendAsync("writer");
                rw.Unlock();
            });
            await ChanTestUtil.WaitUntil(() => rw.WriterPending, "the writer announced itself");
            Assert.False(rw.TryRLock());
            var reader = Go.Spawn(async () =>
            {
                await rw.RLockAsync();
                await order.SendAsync("reader");
                rw.RUnlock();
            });
            rw.RUnlock(); // the last old reader leaves: the writer goes first
            Assert.Equal("writer", await order.ReceiveAsync());
            Assert.Equal("reader", await order.ReceiveAsync());
            await writer;
            await reader;
        });
    }

    [Fact]
    public void Hammer_ReadersAndWriters_NoWriterOverlapsAnyone()
    {
        // Go's HammerRWMutex: an activity counter, +1 per reader and +10000 per writer.
        using var rt = new TestRuntime(4);
        rt.Run(async () =>
        {
            var rw = new Weft.Sync.RWMutex();
            int activity = 0;
            var wg = new Weft.Sync.WaitGroup();
            for (int g = 0; g < 10; g++)
            {
                bool isWriter = g % 3 == 0;
                wg.Go(async () =>
                {
                    for (int i = 0; i < 500; i++)
                    {
                        if (isWriter)
                        {
                            await rw.LockAsync();
                            int n = Interlocked.Add(ref activity, 10000);
                            if (n != 10000) throw new InvalidOperationException($"writer overlaps: {n}");
                            if (i % 20 == 0) await Go.Yield();
                            Interlocked.Add(ref activity, -10000);
                            rw.Unlock();
                        }
                        else
                        {
                            await rw.RLockAsync();
                            int n = Interlocked.Increment(ref activity);
                            if (n < 1 || n >= 10000) throw new InvalidOperationException($"reader overlaps a writer: {n}");
                            if (i % 20 == 0) await Go.Yield();
                            Interlocked.Decrement(ref activity);
                            rw.RUnlock();
                        }
                    }
                });
            }

            await wg.WaitAsync();
            Assert.Equal(0, activity);
        });
    }

    [Fact]
    public void Misuse_UnlockingWhatIsNotLocked_Throws()
    {
        var rw = new Weft.Sync.RWMutex();
        Assert.Contains("RUnlock of unlocked RWMutex", Assert.Throws<SynchronizationLockException>(rw.RUnlock).Message);
        Assert.Contains("Unlock of unlocked RWMutex", Assert.Throws<SynchronizationLockException>(rw.Unlock).Message);
        Assert.True(rw.TryLock()); // the failed calls left the lock usable
        rw.Unlock();
    }

    [Fact]
    public void ThreadsOutsideGoroutines_UseTheBlockingCalls()
    {
        var rw = new Weft.Sync.RWMutex();
        rw.Lock();
        var reader = new Thread(() =>
        {
            rw.RLock();
            rw.RUnlock();
        });
        reader.Start();
        Assert.False(reader.Join(50)); // held by the writer (a bounded check that it is parked, not a timing assumption about when it runs)
        rw.Unlock();
        Assert.True(reader.Join(TestRuntime.HangGuard));
    }
}
