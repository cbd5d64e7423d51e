using System.Runtime.CompilerServices;
using Weft.Tests.Channels;

namespace Weft.Tests.Timers;

/// <summary>
/// Timers with Go 1.23 semantics: <c>Time.After</c>, <c>NewTimer</c> Stop/Reset (return values, no stale value
/// after either returns, also when racing the scheduler firing the timer), tickers dropping ticks for a slow
/// receiver, <c>AfterFunc</c> in its own goroutine, unreferenced timers collectable, and Go's TestTimerFairness.
/// </summary>
public class TimerTests
{
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);

    [Fact]
    public void After_FiresOnce_WithATimeNotBeforeTheCall()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var start = DateTime.Now;
            var c = Time.After(5 * Ms);
            Assert.Equal((0, 0), (c.Len, c.Cap)); // reported as unbuffered (Go 1.23)
            var (t, ok) = await c.ReceiveWithOkAsync();
            Assert.True(ok);
            Assert.True(t >= start, $"{t:O} < {start:O}");
            Assert.True(DateTime.Now - start >= 4 * Ms);
            await Go.Sleep(10 * Ms);
            Assert.False(c.TryReceive(out _), "a one-shot timer fires once");
        });
    }

    [Fact]
    public void NegativeDurations_AndNonPositivePeriods_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Time.After(-Ms));
        Assert.Throws<ArgumentOutOfRangeException>(() => Time.NewTimer(-Ms));
        Assert.Throws<ArgumentOutOfRangeException>(() => Time.NewTicker(TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => Time.Tick(-Ms));
        Assert.Throws<ArgumentOutOfRangeException>(() => Time.AfterFunc(-Ms, () => { }));
        Assert.Throws<ArgumentNullException>(() => Time.AfterFunc(Ms, (Action)null!));
    }

    [Fact]
    public void Stop_BeforeFiring_ReturnsTrue_AndNothingIsReceivedAfterTheDueTime()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var t = Time.NewTimer(3 * Ms);
            Assert.True(t.Stop());
            Assert.False(t.Stop(), "a stopped timer is not stopped again");
            await Go.Sleep(15 * Ms); // well past the old due time
            Assert.False(t.C.TryReceive(out _));
            var r = await Select.Of(Select.Receive(t.C), Select.Receive(Time.After(10 * Ms)));
            Assert.Equal(1, r.Index);
        });
    }

    [Fact]
    public void Stop_AfterExpiryButBeforeReceive_ReturnsTrue_AndDrainsTheValue()
    {
        // Go 1.23: "if the program has not received from t.C already and the timer is running, Stop is guaranteed
        // to return true" — also when the timer's value is already sitting in the channel.
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var ready = new Chan<int>(1);
            for (int attempt = 0; attempt < 200; attempt++)
            {
                var t = Time.NewTimer(TimeSpan.Zero);
                await Go.Sleep(Ms);
                ready.TrySend(1);
                // The select fires the due timer into its channel, then picks one of the two ready cases at random.
                var r = Select.Try(Select.Receive(ready), Select.Receive(t.C));
                if (r.Index == 1)
                {
                    ready.TryReceive(out _);
                    Assert.False(t.Stop(), "received already: Stop reports false");
                    continue;
                }

                Assert.Equal(0, r.Index);
                Assert.True(t.Stop(), "expired but not received: Stop reports true");
                Assert.False(t.C.TryReceive(out _), "no stale value after Stop");
                return;
            }

            Assert.Fail("the ready case never won in 200 fair coin flips");
        });
    }

    [Fact]
    public void Stop_AfterReceive_ReturnsFalse()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var t = Time.NewTimer(Ms);
            await t.C.ReceiveAsync();
            Assert.False(t.Stop());
        });
    }

    [Fact]
    public void Reset_OfExpiredUnreceivedTimer_ReturnsTrue_AndOnlyTheNewValueArrives()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var t = Time.NewTimer(Ms);
            await Go.Sleep(10 * Ms); // expired, nobody received
            var resetAt = DateTime.Now;
            Assert.True(t.Reset(100 * Ms));
            Assert.False(t.C.TryReceive(out _), "the value from before Reset must not be received");
            var v = await t.C.ReceiveAsync();
            Assert.True(v >= resetAt.AddMilliseconds(90), $"received {v:O}, reset at {resetAt:O}: a stale value");
            Assert.False(t.Reset(Ms), "received: Reset reports false");
            await t.C.ReceiveAsync(); // and the timer fires again
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void ResetAndStop_WhileAReceiverWaits_MoveOrCancelItsWakeUp(int procs)
    {
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            // Brought forward: an hour-long timer reset to 2 ms wakes the waiting receiver.
            var t = Time.NewTimer(TimeSpan.FromHours(1));
            var r1 = Go.Spawn<DateTime>(async () => await t.C.ReceiveAsync());
            await ChanTestUtil.WaitUntil(() => t.C.Channel!.WaitingCounts.Receivers == 1, "receiver parked");
            Assert.True(t.Reset(2 * Ms));
            await r1;

            // Pushed back: a 5 ms timer reset to an hour does not wake it; reset again to 1 ms, it does.
            var t2 = Time.NewTimer(5 * Ms);
            var r2 = Go.Spawn<DateTime>(async () => await t2.C.ReceiveAsync());
            // (A slow first run — JIT — can let the 5 ms pass before the receiver parks: then it receives at once.)
            await ChanTestUtil.WaitUntil(() => t2.C.Channel!.WaitingCounts.Receivers == 1 || r2.IsCompleted, "receiver parked or done");
            bool pending = t2.Reset(TimeSpan.FromHours(1));
            if (pending)
            {
                await Go.Sleep(20 * Ms); // past the old due time
                Assert.False(r2.IsCompleted, "the receiver woke at the old due time");
                Assert.True(t2.Reset(Ms));
            }

            await r2; // (not pending: it had already fired into the receiver before the first Reset)

            // Stopped: the waiting receiver stays parked; only a later Reset wakes it.
            var t3 = Time.NewTimer(5 * Ms);
            var r3 = Go.Spawn<DateTime>(async () => await t3.C.ReceiveAsync());
            await ChanTestUtil.WaitUntil(() => t3.C.Channel!.WaitingCounts.Receivers == 1 || r3.IsCompleted, "receiver parked or done");
            if (t3.Stop())
            {
                await Go.Sleep(20 * Ms);
                Assert.False(r3.IsCompleted, "a stopped timer woke its receiver");
                Assert.False(t3.Reset(Ms), "a stopped timer was not pending");
            }

            await r3;
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void StopRacingFire_ReturnValueMatchesWhetherTheValueWasReceived(int procs)
    {
        // A goroutine waits in a select on the timer (so the scheduler fires it from a heap, on some M) while this
        // goroutine stops it at about the due time. Stop returns true exactly when the value was not delivered, and
        // after Stop returns nothing arrives.
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            var rnd = new Random(1234);
            int stoppedCount = 0, receivedCount = 0;
            for (int i = 0; i < 1000; i++)
            {
                var t = Time.NewTimer(TimeSpan.FromTicks(rnd.Next(0, 3000))); // 0 to 300 µs
                var quit = new Chan<bool>();
                var waiter = Go.Spawn<bool>(async () =>
                {
                    var r = await Select.Of(Select.Receive(t.C), Select.Receive(quit));
                    return r.Index == 0;
                });
                for (int spin = rnd.Next(0, 2000); spin > 0; spin--) Thread.SpinWait(1);
                bool stopped = t.Stop();
                quit.Close();
                bool received = await waiter;
                Assert.True(stopped != received, $"iteration {i}: Stop returned {stopped}, receiver got a value: {received}");
                Assert.False(t.C.TryReceive(out _), "no value after Stop");
                if (stopped) stoppedCount++;
                else receivedCount++;
            }

            Assert.Equal(1000, stoppedCount + receivedCount);
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void ResetRacingFire_NoStaleValueAfterReset(int procs)
    {
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            var rnd = new Random(4321);
            for (int i = 0; i < 1000; i++)
            {
                var t = Time.NewTimer(TimeSpan.FromTicks(rnd.Next(0, 3000)));
                var quit = new Chan<bool>();
                var waiter = Go.Spawn<bool>(async () =>
                {
                    var r = await Select.Of(Select.Receive(t.C), Select.Receive(quit));
                    return r.Index == 0;
                });
                for (int spin = rnd.Next(0, 2000); spin > 0; spin--) Thread.SpinWait(1);
                bool pending = t.Reset(TimeSpan.FromHours(1));
                quit.Close();
                bool received = await waiter;
                Assert.True(pending != received, $"iteration {i}: Reset returned {pending}, receiver got a value: {received}");
                Assert.False(t.C.TryReceive(out _), "the re-armed timer is an hour away: nothing to receive");
                Assert.True(t.Stop());
            }
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Ticker_DropsTicks_ForASlowReceiver(int procs)
    {
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            var ticker = Time.NewTicker(10 * Ms);
            await ticker.C.ReceiveAsync();
            await Go.Sleep(250 * Ms); // ~25 periods without a receiver
            int burst = 0;
            var loop = System.Diagnostics.Stopwatch.StartNew();
            while (ticker.C.TryReceive(out _)) burst++;
            loop.Stop();
            // At most one tick waits, plus one for each period boundary that passes while this loop runs (a loaded
            // machine can stall it), not the twenty-five the receiver missed.
            int boundaries = (int)(loop.Elapsed.TotalMilliseconds / 10) + 1;
            Assert.InRange(burst, 0, 1 + boundaries);
            Assert.True(burst < 20, $"{burst} ticks were waiting: missed ticks were not dropped");
            await ticker.C.ReceiveAsync(); // and it keeps ticking
            ticker.Stop();
        });
    }

    [Fact]
    public void Ticker_Stop_NoTickAfterStopReturns()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var ticker = Time.NewTicker(Ms);
            for (int i = 0; i < 3; i++) await ticker.C.ReceiveAsync();
            await Go.Sleep(3 * Ms); // a tick may be due now; Stop must drop it
            ticker.Stop();
            Assert.False(ticker.C.TryReceive(out _));
            var r = await Select.Of(Select.Receive(ticker.C), Select.Receive(Time.After(15 * Ms)));
            Assert.Equal(1, r.Index);
        });
    }

    [Fact]
    public void Ticker_Reset_ChangesThePeriod()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var ticker = Time.NewTicker(TimeSpan.FromHours(1));
            ticker.Reset(2 * Ms);
            var start = DateTime.Now;
            for (int i = 0; i < 3; i++) await ticker.C.ReceiveAsync();
            Assert.True(DateTime.Now - start < TimeSpan.FromMinutes(1));
            Assert.Throws<ArgumentOutOfRangeException>(() => ticker.Reset(TimeSpan.Zero));
            ticker.Stop();
            var tick = Time.Tick(Ms);
            await tick.ReceiveAsync();
        });
    }

    [Fact]
    public void AfterFunc_RunsInItsOwnGoroutine()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var ran = new Chan<(long Id, bool IsGoroutine)>(1);
            long me = Go.CurrentId;
            Time.AfterFunc(2 * Ms, () => ran.TrySend((Go.CurrentId, Go.IsGoroutine)));
            var (id, isG) = await ran.ReceiveAsync();
            Assert.True(isG);
            Assert.NotEqual(me, id);
            Assert.NotEqual(0, id);

            var ran2 = new Chan<long>(1);
            Time.AfterFunc(Ms, async () =>
            {
                await Go.Yield(); // a GoTask body may block: it has a goroutine to itself
                await ran2.SendAsync(Go.CurrentId);
            });
            Assert.NotEqual(me, await ran2.ReceiveAsync());
        });
    }

    [Fact]
    public void AfterFunc_StopBeforeFiring_ReturnsTrue_AndTheFunctionNeverRuns()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            // Stop's result must say whether the function will run. (A stall of the calling thread longer than the
            // duration — a first call's JIT and thread start take ~15 ms here — legitimately lets it fire first, so
            // consistency is asserted on every attempt, and a successful Stop on at least one.)
            int stoppedAttempts = 0;
            for (int attempt = 0; attempt < 5; attempt++)
            {
                int runs = 0;
                var f = Time.AfterFunc(30 * Ms, () => Interlocked.Increment(ref runs));
                bool stopped = f.Stop();
                Assert.False(f.Stop(), "a stopped (or started) AfterFunc is not stopped again");
                if (stopped)
                {
                    stoppedAttempts++;
                    await Go.Sleep(60 * Ms); // well past the due time
                    Assert.Equal(0, Volatile.Read(ref runs));
                }
                else
                {
                    await ChanTestUtil.WaitUntil(() => Volatile.Read(ref runs) == 1, "the AfterFunc that Stop did not stop runs");
                }
            }

            Assert.True(stoppedAttempts > 0, "Stop never won against a 30 ms timer");

            var ran = new Chan<bool>(4);
            var g = Time.AfterFunc(Ms, () => ran.TrySend(true));
            await ran.ReceiveAsync();
            Assert.False(g.Stop(), "already started: Stop reports false");
            Assert.False(g.Reset(Ms), "Reset of a fired AfterFunc reports false");
            await ran.ReceiveAsync(); // Reset re-armed it
        });
    }

    [Fact]
    public void UnreferencedTimerAndTicker_AreCollectable()
    {
        using var rt = new TestRuntime(2);
        var refs = rt.Run(async () =>
        {
            await Go.Yield();
            return MakeUnreferencedTimers();
        });
        AssertCollected(refs);
    }

    [Fact]
    public void TimerThatLostASelect_IsCollectable_OnceUnreferenced()
    {
        // The select parks on the timer's channel (the timer enters a P's heap), then wins through another case and
        // withdraws: the timer must leave the heap, so nothing but the dropped owner references it.
        using var rt = new TestRuntime(2);
        var refs = rt.Run(async () =>
        {
            var ready = new Chan<int>();
            var weak = Go.Spawn<WeakReference[]>(() => SelectAgainstAnHourTimer(ready));
            await ChanTestUtil.WaitUntil(() => ready.WaitingCounts.Receivers == 1, "select parked");
            await ready.SendAsync(1);
            return await weak;
        });
        AssertCollected(refs);
    }

    private static async GoTask<WeakReference[]> SelectAgainstAnHourTimer(Chan<int> ready)
    {
        var refs = MakeTimerChannel(out var c);
        var r = await Select.Of(Select.Receive(ready), Select.Receive(c));
        Assert.Equal(0, r.Index);
        return refs;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference[] MakeTimerChannel(out ChanReader<DateTime> c)
    {
        var timer = Time.NewTimer(TimeSpan.FromHours(1));
        c = timer.C;
        return [new WeakReference(timer), new WeakReference(timer.C.Channel)];
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference[] MakeUnreferencedTimers()
    {
        var timer = Time.NewTimer(TimeSpan.FromHours(1));
        var ticker = Time.NewTicker(Ms);
        var after = Time.After(TimeSpan.FromHours(1));
        return [new WeakReference(timer), new WeakReference(timer.C.Channel), new WeakReference(ticker),
            new WeakReference(ticker.C.Channel), new WeakReference(after.Channel)];
    }

    private static void AssertCollected(WeakReference[] refs)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20); // hang guard only
        while (refs.Any(r => r.IsAlive) && DateTime.UtcNow < deadline)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            if (refs.Any(r => r.IsAlive)) Thread.Sleep(10);
        }

        for (int i = 0; i < refs.Length; i++) Assert.False(refs[i].IsAlive, $"object {i} is still alive");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void TimerFairness_TimerFiresDespiteAHotSelectLoop(int procs)
    {
        // Go's TestTimerFairness: two goroutines keep a channel always ready; the loop must still see its timer.
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            var done = new Chan<bool>();
            var c = new Chan<bool>();
            for (int i = 0; i < 2; i++)
            {
                Go.Start(async () =>
                {
                    while (true)
                    {
                        var r = await Select.Of(Select.Send(c, true), Select.Receive(done));
                        if (r.Index == 1) return;
                    }
                });
            }

            var timer = Time.After(20 * Ms);
            long spins = 0;
            while (true)
            {
                var r = await Select.Of(Select.Receive(c), Select.Receive(timer));
                if (r.Index == 1) break;
                spins++;
            }

            done.Close();
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void TimerFairness2_TimersFireWhileGoroutinesPingPong(int procs)
    {
        // Go's TestTimerFairness2: each goroutine selects over send, receive and its own timer.
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            var done = new Chan<bool>();
            var c = new Chan<bool>();
            for (int i = 0; i < 2; i++)
            {
                Go.Start(async () =>
                {
                    var timer = Time.After(20 * Ms);
                    while (true)
                    {
                        var r = await Select.Of(Select.Send(c, true), Select.Receive(c), Select.Receive(timer));
                        if (r.Index == 2)
                        {
                            await done.SendAsync(true);
                            return;
                        }
                    }
                });
            }

            await done.ReceiveAsync();
            await done.ReceiveAsync();
        });
    }

    [Fact]
    public void TimerChannel_FromPlainAsyncCode_CompletesOnTheThreadPool()
    {
        // Outside goroutines the timer lives on the default runtime; the await resumes on the ThreadPool.
        var task = Task.Run(async () =>
        {
            await Time.After(2 * Ms).ReceiveAsync();
            return Thread.CurrentThread.IsThreadPoolThread;
        });
        Assert.True(task.WaitGuarded());
    }
}
