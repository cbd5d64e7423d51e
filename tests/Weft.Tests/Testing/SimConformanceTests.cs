using Weft.Testing;
using WeftSync = Weft.Sync;

namespace Weft.Tests.Testing;

/// <summary>
/// The runtime's own channel, select, timer, sync and context rules checked under Sim.Explore: every check runs in
/// <see cref="Schedules"/> seeded schedules at MaxProcs 1, 2 and 4, each with its invariants asserted (nothing lost,
/// duplicated or leaked; timers in virtual-time order). Bounded: a few seconds in all.
/// </summary>
public class SimConformanceTests
{
    private const int Schedules = 150;

    private static void Explore(int procs, Func<GoTask> body, SimStrategy? strategy = null)
    {
        var options = new SimOptions { MaxProcs = procs, Output = _ => { } };
        Sim.Explore(Schedules, strategy ?? SimStrategy.Random, body, options);
        Sim.Explore(Schedules / 3, SimStrategy.Pct(depth: 3), body, new SimOptions { MaxProcs = procs, BaseSeed = 99, Output = _ => { } });
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 0)]
    [InlineData(4, 0)]
    [InlineData(2, 2)]
    [InlineData(4, 5)]
    public void Channel_ProducersConsumersClose_NothingLostOrDuplicated(int procs, int capacity) => Explore(procs, async () =>
    {
        const int producers = 3, items = 4, consumers = 2;
        var ch = new Chan<int>(capacity);
        var sent = new WeftSync.WaitGroup();
        var received = new Chan<List<int>>(consumers);
        for (int p = 0; p < producers; p++)
        {
            int id = p;
            sent.Go(async () =>
            {
                for (int i = 0; i < items; i++) await ch.SendAsync(id * 100 + i);
            });
        }

        for (int c = 0; c < consumers; c++)
        {
            Go.Start(async () =>
            {
                var mine = new List<int>();
                await foreach (var v in ch) mine.Add(v);
                await received.SendAsync(mine);
            });
        }

        await sent.WaitAsync();
        ch.Close();
        var all = new List<int>();
        for (int c = 0; c < consumers; c++) all.AddRange(await received.ReceiveAsync());
        all.Sort();
        var expected = Enumerable.Range(0, producers).SelectMany(p => Enumerable.Range(0, items).Select(i => p * 100 + i)).ToList();
        Sim.Assert(all.SequenceEqual(expected), $"received {string.Join(",", all)}");
        var (_, ok) = await ch.ReceiveWithOkAsync();
        Sim.Assert(!ok, "a receive from a closed, drained channel reported a value");
    });

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Select_FanInWithQuit_EveryValueOnce_AndQuitWins(int procs) => Explore(procs, async () =>
    {
        var a = new Chan<int>();
        var b = new Chan<int>(1);
        var quit = new Chan<bool>();
        var senders = new WeftSync.WaitGroup();
        senders.Go(async () => { for (int i = 0; i < 3; i++) await a.SendAsync(i); });
        senders.Go(async () => { for (int i = 10; i < 13; i++) await b.SendAsync(i); });
        Go.Start(async () =>
        {
            await senders.WaitAsync();
            quit.Close();
        });
        var got = new List<int>();
        while (true)
        {
            var r = await Select.Of(Select.Receive(a), Select.Receive(b), Select.Receive(quit));
            if (r.Index == 2) break;
            got.Add(r.Value<int>());
        }

        // Select picks at random among ready cases, so quit may win while b still buffers its last value: drain it.
        // (The first version of this test asserted nothing was left; the explorer found the schedule in which that
        // is false, at seed 7450095311090342049 with one P.)
        while (b.TryReceive(out int late)) got.Add(late);
        got.Sort();
        Sim.Assert(got.SequenceEqual(new[] { 0, 1, 2, 10, 11, 12 }), $"fan-in got {string.Join(",", got)}");
    });

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Select_SendAndReceiveOnOneUnbufferedChannel_NeverReceivesOwnValue(int procs) => Explore(procs, async () =>
    {
        var c = new Chan<int>();
        var done = new Chan<bool>(2);
        for (int p = 0; p < 2; p++)
        {
            int me = p;
            Go.Start(async () =>
            {
                for (int i = 0; i < 4; i++)
                {
                    var r = await Select.Of(Select.Send(c, me), Select.Receive(c));
                    Sim.Assert(r.Index == 0 || r.Value<int>() != me, $"goroutine {me} received its own value");
                }

                await done.SendAsync(true);
            });
        }

        await done.ReceiveAsync();
        await done.ReceiveAsync();
    });

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Timers_SleepsWakeInDeadlineOrder_TickerAndTimeoutInVirtualTime(int procs) => Explore(procs, async () =>
    {
        var order = new Chan<int>(4);
        foreach (int ms in new[] { 30, 10, 40, 20 })
        {
            Go.Start(async () =>
            {
                await Go.Sleep(TimeSpan.FromMilliseconds(ms));
                await order.SendAsync(ms);
            });
        }

        for (int expected = 10; expected <= 40; expected += 10)
        {
            int got = await order.ReceiveAsync();
            Sim.Assert(got == expected, $"sleep of {got} ms woke before the one of {expected} ms");
        }

        var start = Sim.Elapsed;
        var ticker = Time.NewTicker(TimeSpan.FromMilliseconds(5));
        for (int i = 0; i < 3; i++) await ticker.C.ReceiveAsync();
        ticker.Stop();
        Sim.Assert(Sim.Elapsed - start == TimeSpan.FromMilliseconds(15), $"three 5 ms ticks took {Sim.Elapsed - start}");

        var never = new Chan<int>();
        var r = await Select.Of(Select.Receive(never), Select.Receive(Time.After(TimeSpan.FromHours(1))));
        Sim.Assert(r.Index == 1, "the timeout case did not win");
    });

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Sync_MutexRWMutexOnceWaitGroup_KeepTheirInvariants(int procs) => Explore(procs, async () =>
    {
        var mu = new WeftSync.Mutex();
        var rw = new WeftSync.RWMutex();
        var once = new WeftSync.Once();
        var wg = new WeftSync.WaitGroup();
        int counter = 0, onceRuns = 0, readers = 0, writers = 0;
        for (int g = 0; g < 3; g++)
        {
            wg.Go(async () =>
            {
                await once.DoAsync(() => onceRuns++);
                for (int i = 0; i < 2; i++)
                {
                    await mu.LockAsync();
                    int seen = counter;
                    await Go.Yield();
                    counter = seen + 1;
                    mu.Unlock();
                }

                await rw.RLockAsync();
                readers++;
                Sim.Assert(writers == 0, "a reader holds the RWMutex with a writer");
                await Go.Yield();
                readers--;
                rw.RUnlock();
            });
        }

        wg.Go(async () =>
        {
            await rw.LockAsync();
            writers++;
            Sim.Assert(readers == 0 && writers == 1, $"a writer holds the RWMutex with {readers} readers and {writers} writers");
            await Go.Yield();
            writers--;
            rw.Unlock();
        });
        await wg.WaitAsync();
        Sim.Assert(counter == 6, $"mutex counter is {counter}, expected 6");
        Sim.Assert(onceRuns == 1, $"Once ran {onceRuns} times");
    });

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Context_TimeoutCancelsWaiters_InVirtualTime(int procs) => Explore(procs, async () =>
    {
        var (ctx, cancel) = GoContext.WithTimeout(GoContext.Background, TimeSpan.FromMinutes(5));
        var stopped = new Chan<bool>(2);
        for (int i = 0; i < 2; i++)
        {
            Go.Start(async () =>
            {
                await ctx.Done.ReceiveAsync();
                await stopped.SendAsync(true);
            });
        }

        await stopped.ReceiveAsync();
        await stopped.ReceiveAsync();
        Sim.Assert(ctx.Err == GoContext.DeadlineExceeded, $"context ended with {ctx.Err}");
        Sim.Assert(Sim.Elapsed == TimeSpan.FromMinutes(5), $"the deadline fired at {Sim.Elapsed}");
        cancel();
    });
}
