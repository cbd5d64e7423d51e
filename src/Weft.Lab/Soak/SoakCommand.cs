using System.Diagnostics;

namespace Weft.Lab.Soak;

/// <summary>
/// The Lab's <c>soak</c> command: mixed workloads on one real runtime for a given duration, in rounds, with the
/// invariants checked after every round — no message lost or duplicated, every goroutine of the round gone, the
/// thread count bounded, memory flat after warm-up — and one summary line per reporting period (a minute).
/// </summary>
public static class SoakCommand
{
    /// <summary>Runs the soak. Returns 0 when every invariant held, 1 otherwise.</summary>
    public static int Execute(TimeSpan duration, TimeSpan reportEvery, int maxProcs, TextWriter output)
    {
        if (duration <= TimeSpan.Zero) throw new ArgumentException($"--duration must be positive (got {duration})");
        if (reportEvery <= TimeSpan.Zero) throw new ArgumentException($"--report-every must be positive (got {reportEvery})");
        using var runtime = new GoRuntime(new GoOptions { MaxProcs = maxProcs, Name = "soak" });
        var clock = Stopwatch.StartNew();
        var stats = new SoakStats();
        long baselineGoroutines = runtime.NumGoroutine;
        long warmHeap = 0;
        var nextReport = reportEvery;
        int period = 0;
        output.WriteLine($"soak: {duration} on {maxProcs} procs, a summary every {reportEvery}");
        while (clock.Elapsed < duration)
        {
            int procs = 1 + (int)(stats.Rounds % (ulong)maxProcs); // SetMaxProcs changes between rounds
            runtime.SetMaxProcs(procs);
            runtime.Run(() => Round(stats));
            stats.Rounds++;
            if (!WaitForGoroutines(runtime, baselineGoroutines))
                stats.Fail($"round {stats.Rounds}: {runtime.NumGoroutine - baselineGoroutines} goroutine(s) still alive after the round:\n{runtime.Dump()}");
            if (runtime.Scheduler.ThreadCount > 64) stats.Fail($"round {stats.Rounds}: {runtime.Scheduler.ThreadCount} threads (bound 64)");

            if (clock.Elapsed >= nextReport || clock.Elapsed >= duration)
            {
                period++;
                long heap = GC.GetTotalMemory(forceFullCollection: true);
                if (period == 1) warmHeap = heap; // warm-up ends with the first period
                else if (heap > warmHeap * 2 + 8 * 1024 * 1024) stats.Fail($"heap grew from {warmHeap / 1024} KiB after warm-up to {heap / 1024} KiB");
                output.WriteLine($"[{clock.Elapsed:hh\\:mm\\:ss}] rounds {stats.Rounds}  messages {stats.Messages}  selects {stats.Selects}  timers {stats.Timers}  " +
                                 $"blocking {stats.BlockingCalls}  hogs {stats.Hogs}  threads {runtime.Scheduler.ThreadCount}  heap {heap / 1024} KiB  failures {stats.Failures.Count}");
                nextReport += reportEvery;
            }

            if (stats.Failures.Count > 0) break;
        }

        foreach (var failure in stats.Failures) output.WriteLine("FAILED: " + failure);
        output.WriteLine(stats.Failures.Count == 0 ? $"soak: ok, {stats.Rounds} rounds, every invariant held" : "soak: FAILED");
        return stats.Failures.Count == 0 ? 0 : 1;
    }

    private static bool WaitForGoroutines(GoRuntime runtime, long baseline)
    {
        var deadline = Stopwatch.StartNew();
        while (runtime.NumGoroutine > baseline)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(5)) return false;
#pragma warning disable WEFT001 // the soak's driver is an ordinary thread polling between rounds
            Thread.Sleep(1);
#pragma warning restore WEFT001
        }

        return true;
    }

    /// <summary>One round: every workload at once, each checking its own invariant.</summary>
    private static async GoTask Round(SoakStats stats)
    {
        var wg = new Sync.WaitGroup();
        wg.Go(() => ProducersConsumers(stats));
        wg.Go(() => SelectFanIn(stats));
        wg.Go(() => TimersAndSleeps(stats));
        wg.Go(() => BlockingAndHogs(stats));
        await wg.WaitAsync();
    }

    private static async GoTask ProducersConsumers(SoakStats stats)
    {
        const int producers = 4, items = 500;
        var ch = new Chan<int>(16);
        var producing = new Sync.WaitGroup();
        for (int p = 0; p < producers; p++)
        {
            int id = p;
            producing.Go(async () =>
            {
                for (int i = 0; i < items; i++) await ch.SendAsync(id * items + i);
            });
        }

        Go.Start(async () =>
        {
            await producing.WaitAsync();
            ch.Close();
        });
        var seen = new bool[producers * items];
        int count = 0;
        await foreach (var v in ch)
        {
            if (seen[v]) stats.Fail($"message {v} received twice");
            seen[v] = true;
            count++;
        }

        if (count != producers * items) stats.Fail($"{producers * items - count} message(s) lost");
        Interlocked.Add(ref stats.Messages, count);
    }

    private static async GoTask SelectFanIn(SoakStats stats)
    {
        var a = new Chan<int>();
        var b = new Chan<int>(4);
        var done = new Chan<bool>();
        Go.Start(async () => { for (int i = 0; i < 200; i++) await a.SendAsync(1); });
        Go.Start(async () =>
        {
            for (int i = 0; i < 200; i++) await b.SendAsync(1);
            await done.SendAsync(true);
        });
        int sum = 0;
        bool bDone = false;
        while (sum < 400 || !bDone)
        {
            var r = await Select.Of(Select.Receive(a), Select.Receive(b), Select.Receive(done), Select.Receive(Time.After(TimeSpan.FromSeconds(10))));
            if (r.Index == 3)
            {
                stats.Fail($"select fan-in stalled at {sum} of 400 values");
                return;
            }

            if (r.Index == 2) bDone = true;
            else sum += r.Value<int>();
            Interlocked.Increment(ref stats.Selects);
        }
    }

    private static async GoTask TimersAndSleeps(SoakStats stats)
    {
        var fired = new Chan<long>(20);
        for (int i = 0; i < 20; i++)
        {
            int ms = 1 + i % 5;
            Go.Start(async () =>
            {
                var start = Stopwatch.GetTimestamp();
                if (ms % 2 == 0) await Go.Sleep(TimeSpan.FromMilliseconds(ms));
                else await Time.After(TimeSpan.FromMilliseconds(ms)).ReceiveAsync();
                long elapsedUs = (long)Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                if (elapsedUs < ms * 1000 - 50) stats.Fail($"a {ms} ms timer fired after {elapsedUs} µs");
                await fired.SendAsync(elapsedUs);
            });
        }

        for (int i = 0; i < 20; i++) await fired.ReceiveAsync();
        Interlocked.Add(ref stats.Timers, 20);
    }

    private static async GoTask BlockingAndHogs(SoakStats stats)
    {
        var wg = new Sync.WaitGroup();
        for (int i = 0; i < 4; i++)
        {
#pragma warning disable WEFT001 // a declared blocking call, on purpose
            wg.Go(() =>
            {
                Go.Blocking(() => Thread.Sleep(1));
                Interlocked.Increment(ref stats.BlockingCalls);
                return GoTask.CompletedTask;
            });
#pragma warning restore WEFT001
        }

        wg.Go(() =>
        {
            // A hog: 3 ms of computation without an await point; the other workloads must keep running.
            var spin = Stopwatch.StartNew();
            double x = 1;
            while (spin.ElapsedMilliseconds < 3) x = Math.Sqrt(x + 1);
            Interlocked.Increment(ref stats.Hogs);
            return GoTask.CompletedTask;
        });
        await wg.WaitAsync();
    }

    private sealed class SoakStats
    {
        public ulong Rounds;
        public long Messages, Selects, Timers, BlockingCalls, Hogs;
        public readonly List<string> Failures = new();

        public void Fail(string message)
        {
            lock (Failures) Failures.Add(message);
        }
    }
}
