using System.Diagnostics;

namespace Weft.Tests.Sysmon;

/// <summary>
/// Fairness while the GC runs (issue 17, bug 7). Sysmon discounts GC pauses from the time a step or a time slice has
/// run; it used to restart every observation whenever any GC had happened since its last round, so a goroutine that
/// allocated enough to cause a GC every few milliseconds was never preempted or retaken, and everything beside it
/// starved. Each test stalls one P with an allocating loop until another goroutine (or a timer) gets to run. The bound
/// is generous (the fixed runtime lets the other one run within one or two 10 ms time slices); the old code failed
/// it every time.
/// </summary>
[Collection(StressCollection.Name)]
public sealed class GcFairnessTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    public static TheoryData<string> Allocations => new() { "gen0 collections", "spawning goroutines", "creating channels" };

    private static object? s_sink;

    private static void Allocate(string how, int i)
    {
        switch (how)
        {
            case "gen0 collections":
                s_sink = new byte[64];
                break;
            case "spawning goroutines":
                Go.Start(() => { }); // each goroutine and its body allocate
                break;
            case "creating channels":
                s_sink = new Chan<int>(16);
                break;
        }

        // A gen0 collection every 256 iterations, whatever gen0's budget on this machine: a GC every few milliseconds.
        if (i % 256 == 0) GC.Collect(0);
    }

    /// <summary>A loop of channel operations that complete at once (await points that never suspend) and allocate.</summary>
    [Theory]
    [MemberData(nameof(Allocations))]
    public void AllocatingLoopOfCompletedAwaits_IsPreempted_ARunnableGoroutineRuns(string how)
    {
        using var rt = new TestRuntime(1);
        long gcBefore = GC.CollectionCount(0);
        var elapsed = rt.Run(async () =>
        {
            int flag = 0;
            var ch = new Chan<int>(1);
            Go.Start(() => Volatile.Write(ref flag, 1));
            var sw = Stopwatch.StartNew();
            for (int i = 0; Volatile.Read(ref flag) == 0; i++)
            {
                Assert.True(sw.Elapsed < Bound, $"the runnable goroutine did not run within {Bound.TotalSeconds} s beside a loop {how}");
                await ch.SendAsync(i);
                Assert.Equal(i, await ch.ReceiveAsync());
                Allocate(how, i);
            }

            return sw.Elapsed;
        });
        Assert.True(GC.CollectionCount(0) > gcBefore, "the loop caused no GC: the test does not test what it says");
        Assert.True(elapsed < Bound);
    }

    /// <summary>A loop with no await at all, allocating: sysmon must retake its P so a 10 ms timer fires.</summary>
    [Theory]
    [MemberData(nameof(Allocations))]
    public void AllocatingHogWithoutAwaits_IsRetaken_ATimerFires(string how)
    {
        using var rt = new TestRuntime(1);
        long gcBefore = GC.CollectionCount(0);
        rt.Run(async () =>
        {
            int fired = 0;
            Time.AfterFunc(TimeSpan.FromMilliseconds(10), () => Volatile.Write(ref fired, 1));
            var sw = Stopwatch.StartNew();
            for (int i = 0; Volatile.Read(ref fired) == 0; i++)
            {
                Assert.True(sw.Elapsed < Bound, $"a 10 ms timer did not fire within {Bound.TotalSeconds} s beside a hog {how}");
                Allocate(how, i);
            }

            await Go.Yield();
        });
        Assert.True(GC.CollectionCount(0) > gcBefore, "the hog caused no GC: the test does not test what it says");
    }

    [Fact]
    public void Discount_MovesTheStartByThePauseButNeverPastNow()
    {
        Assert.Equal(150, Weft.Scheduling.Sysmon.Discount(100, 50, 1_000));
        Assert.Equal(1_000, Weft.Scheduling.Sysmon.Discount(990, 50, 1_000)); // younger than the pause: starts now
        Assert.Equal(1_000, Weft.Scheduling.Sysmon.Discount(1_000, 50, 1_000));
    }
}
