using System.Diagnostics;
using Weft.Scheduling;

namespace Weft.Tests.Sysmon;

/// <summary>What sysmon reads about a thread from /proc: asleep or not, and how long it has been on a CPU.</summary>
public class ThreadStatTests
{
    [Fact]
    public void RunNanoseconds_GrowsWhileTheThreadComputes_AndNotWhileItSleeps()
    {
        if (!ThreadInspector.Supported) return; // not Linux: sysmon judges by wall time alone
        using var cache = new ThreadStatCache();
        int tid = ThreadInspector.CurrentThreadId();
        long? start = cache.RunNanoseconds(tid);
        Assert.NotNull(start);

        // Compute until the kernel has counted 5 ms on a CPU (the hang guard only matters on a starved machine).
        var guard = Stopwatch.StartNew();
        long spins = 0;
        while (cache.RunNanoseconds(tid) - start < 5_000_000)
        {
            for (int i = 0; i < 10_000; i++) spins += i ^ spins;
            Assert.True(guard.Elapsed < TimeSpan.FromSeconds(60), "the thread's CPU time never reached 5 ms");
        }

        // Another thread that only sleeps accumulates (almost) none while it is asleep.
        using var asleep = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        int sleeperId = 0;
        var sleeper = new Thread(() =>
        {
            sleeperId = ThreadInspector.CurrentThreadId();
            asleep.Set();
            release.Wait();
        });
        sleeper.Start();
        asleep.Wait();
        var seenAsleep = Stopwatch.StartNew();
        while (!cache.IsBlocked(sleeperId)) Assert.True(seenAsleep.Elapsed < TimeSpan.FromSeconds(60), "the sleeper never slept");
        long before = cache.RunNanoseconds(sleeperId) ?? -1;
        Thread.Sleep(20);
        long after = cache.RunNanoseconds(sleeperId) ?? -1;
        release.Set();
        sleeper.Join();
        Assert.True(before >= 0 && after >= before, $"sleeper's CPU time {before} → {after}");
        Assert.True(after - before < 15_000_000, $"a sleeping thread was counted {(after - before) / 1e6:0.0} ms on a CPU in 20 ms");
    }
}
