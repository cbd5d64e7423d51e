using System.Diagnostics;

namespace Weft.Tests.Scheduling;

/// <summary>
/// A resize storm (issue 17's gaps; issue 9 §3): a plain thread grows and shrinks MaxProcs over and over while
/// goroutines sleep, arm, reset and stop timers, tickers and AfterFuncs, make declared and undeclared blocking calls,
/// lock themselves to threads (some exit locked), spawn and join; sysmon retakes Ps all along. Exact accounting:
/// every sleep wakes exactly once and never early, a stopped timer never delivers, a reset timer delivers exactly
/// once, every AfterFunc either fires once or was stopped, every goroutine finishes. WEFT_STRESS_ROUNDS raises the
/// number of rounds for a local soak run.
/// </summary>
[Collection(StressCollection.Name)]
public sealed class ResizeStormTests
{
    public static TheoryData<int> Procs => new() { 1, 2, 4 };

    private sealed class Tally
    {
        public long Sleeps, Early, TimersDelivered, StoppedThenDelivered, ResetDelivered, Doubled;
        public long FuncsCreated, FuncsFired, FuncsStopped, Ticks, TicksAfterStop, Blocking, Locked, Joined;
    }

    [Theory]
    [MemberData(nameof(Procs))]
    public void ResizeStorm_WithTimersBlockingLockedAndJoins_NothingLostDoubledOrEarly(int startProcs)
    {
        int rounds = int.TryParse(Environment.GetEnvironmentVariable("WEFT_STRESS_ROUNDS"), out int r) && r > 0 ? r : 2;
        for (int round = 0; round < rounds; round++) RunStorm(startProcs, seed: 1000 * startProcs + round);
    }

    private static void RunStorm(int startProcs, int seed)
    {
        const int workers = 24, iterations = 40;
        using var rt = new TestRuntime(startProcs);
        var tally = new Tally();
        int stormStop = 0;
        var storm = new Thread(() =>
        {
            var random = new Random(seed);
            while (Volatile.Read(ref stormStop) == 0)
            {
                rt.Runtime.SetMaxProcs(1 + random.Next(4));
                Thread.Sleep(random.Next(3));
            }
        }) { IsBackground = true, Name = "resize-storm" };
        storm.Start();
        try
        {
            rt.Run(async () =>
            {
                var done = new Chan<int>(workers);
                for (int w = 0; w < workers; w++)
                {
                    int id = w;
                    Go.Start(async () =>
                    {
                        var random = new Random(seed * 31 + id);
                        for (int i = 0; i < iterations; i++) await Step(random, tally);
                        await done.SendAsync(id);
                    });
                }

                var seen = new bool[workers];
                for (int w = 0; w < workers; w++)
                {
                    int id = await done.ReceiveAsync();
                    Assert.False(seen[id], $"worker {id} finished twice");
                    seen[id] = true;
                }
            });
        }
        finally
        {
            Volatile.Write(ref stormStop, 1);
            storm.Join();
        }

        // AfterFuncs run as goroutines of their own: let the last ones finish before counting.
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref tally.FuncsFired) + Volatile.Read(ref tally.FuncsStopped) >= Volatile.Read(ref tally.FuncsCreated),
            TestRuntime.HangGuard), "an AfterFunc neither fired nor was stopped");
        Assert.Equal(0, tally.Early);
        Assert.Equal(0, tally.StoppedThenDelivered);
        Assert.Equal(0, tally.Doubled);
        Assert.Equal(0, tally.TicksAfterStop);
        Assert.Equal(tally.FuncsCreated, tally.FuncsFired + tally.FuncsStopped);
        Assert.True(tally.Sleeps > 0 && tally.TimersDelivered > 0 && tally.Blocking > 0 && tally.Locked > 0 && tally.Joined > 0);
    }

    private static async GoTask Step(Random random, Tally tally)
    {
        switch (random.Next(9))
        {
            case 0: // a sleep: wakes once, never early
            {
                double ms = random.NextDouble() * 2;
                long start = Stopwatch.GetTimestamp();
                await Go.Sleep(ms);
                if (Stopwatch.GetElapsedTime(start).TotalMilliseconds < ms) Interlocked.Increment(ref tally.Early);
                Interlocked.Increment(ref tally.Sleeps);
                break;
            }

            case 1: // a timer received once, never early, then nothing more
            {
                double ms = 0.5 + random.NextDouble();
                long start = Stopwatch.GetTimestamp();
                var t = Time.NewTimer(TimeSpan.FromMilliseconds(ms));
                await t.C.ReceiveAsync();
                if (Stopwatch.GetElapsedTime(start).TotalMilliseconds < ms) Interlocked.Increment(ref tally.Early);
                Interlocked.Increment(ref tally.TimersDelivered);
                if (t.C.TryReceive(out _)) Interlocked.Increment(ref tally.Doubled);
                break;
            }

            case 2: // stop: a stopped timer never delivers; reset: exactly one delivery after it
            {
                var t = Time.NewTimer(TimeSpan.FromMilliseconds(random.NextDouble() * 2));
                if (random.Next(2) == 0) await Go.Yield();
                bool stopped = t.Stop();
                if (stopped && t.C.TryReceive(out _)) Interlocked.Increment(ref tally.StoppedThenDelivered);
                t.Reset(TimeSpan.FromMilliseconds(0.5));
                var sel = await Select.Of(Select.Receive(t.C), Select.Receive(Time.After(TimeSpan.FromSeconds(30))));
                Assert.Equal(0, sel.Index);
                Interlocked.Increment(ref tally.ResetDelivered);
                if (t.C.TryReceive(out _)) Interlocked.Increment(ref tally.Doubled);
                break;
            }

            case 3: // AfterFunc: fires once, or Stop reports it had not started
            {
                Interlocked.Increment(ref tally.FuncsCreated);
                var f = Time.AfterFunc(TimeSpan.FromMilliseconds(random.NextDouble() * 2), () => { Interlocked.Increment(ref tally.FuncsFired); });
                if (random.Next(2) == 0)
                {
                    await Go.Yield();
                    if (f.Stop()) Interlocked.Increment(ref tally.FuncsStopped);
                }

                break;
            }

            case 4: // a ticker: a few ticks, then none after Stop
            {
                var ticker = Time.NewTicker(TimeSpan.FromMilliseconds(0.5));
                for (int k = 0; k < 3; k++) await ticker.C.ReceiveAsync();
                ticker.Stop();
                Interlocked.Add(ref tally.Ticks, 3);
                await Go.Sleep(1);
                if (ticker.C.TryReceive(out _)) Interlocked.Increment(ref tally.TicksAfterStop);
                break;
            }

            case 5: // a declared blocking call
                Go.Blocking(() => Thread.Sleep(random.Next(2)));
                Interlocked.Increment(ref tally.Blocking);
                break;

            case 6: // an undeclared blocking call (sysmon retakes the P)
#pragma warning disable WEFT001 // on purpose: sysmon must retake the P of a thread blocked without Go.Blocking
                Thread.Sleep(1);
#pragma warning restore WEFT001
                await Go.Yield();
                break;

            case 7: // a locked goroutine, sometimes exiting while locked (its thread ends)
            {
                bool exitLocked = random.Next(2) == 0;
                await Go.Spawn(async () =>
                {
                    Go.LockOSThread();
                    int thread = Environment.CurrentManagedThreadId;
                    await Go.Sleep(0.2);
                    Assert.Equal(thread, Environment.CurrentManagedThreadId);
                    if (!exitLocked) Go.UnlockOSThread();
                });
                Interlocked.Increment(ref tally.Locked);
                break;
            }

            default: // fork-join with short blocking calls inside
            {
                var a = Go.Spawn(async () => { Go.Blocking(() => Thread.Sleep(0)); await Go.Yield(); return 1; });
                var b = Go.Spawn(() => new GoTask<int>(2));
                if (await a + await b != 3) throw new InvalidOperationException("join returned a wrong sum");
                Interlocked.Increment(ref tally.Joined);
                break;
            }
        }
    }
}
