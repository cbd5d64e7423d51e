using System.Diagnostics;
using Weft.Lab.Measurement;

namespace Weft.Lab.Workloads;

/// <summary>
/// <c>blocking</c>: a unit sleeping 1 ms in a loop measures its wake-up rate alone for a fixed time (1 s), then
/// again while 100 other units sit in 50 ms blocking calls (<c>Thread.Sleep(50)</c> in a loop) for the same time.
/// Figures: <c>ratio</c> = rate with the blockers ÷ rate without (1.0: unharmed), and <c>threads</c> = the most OS
/// threads the process had during the second phase. Weft runs twice: <c>weft</c> with the blocking call undeclared
/// (sysmon must notice), <c>weft-declared</c> with it wrapped in <c>Go.Blocking</c>.
/// </summary>
public sealed class BlockingWorkload : Workload
{
    /// <summary>Units in blocking calls.</summary>
    public const int Blockers = 100;

    /// <summary>Length of one blocking call, ms.</summary>
    public const int BlockMs = 50;

    /// <inheritdoc />
    public override string Name => "blocking";

    /// <inheritdoc />
    public override string Description => "100 units in 50 ms blocking calls; the 1 ms sleeper's rate vs without them";

    /// <inheritdoc />
    public override IReadOnlyList<FigureSpec> Figures { get; } =
    [
        new("ratio", "x", false, "sleeper rate vs alone"),
        new("threads", "threads", true, "OS threads"),
    ];

    /// <inheritdoc />
    public override IReadOnlyList<string> Models { get; } =
        [Lab.Workloads.Models.Weft, Lab.Workloads.Models.WeftDeclared, Lab.Workloads.Models.Tasks, Lab.Workloads.Models.TasksLong, Lab.Workloads.Models.Threads];

    /// <inheritdoc />
    public override int Repeats => 1;

    /// <inheritdoc />
    public override long DefaultSize => 1_000;

    /// <inheritdoc />
    public override long QuickSize => 300;

    /// <inheritdoc />
    public override string SizeUnit => "ms per phase";

    /// <inheritdoc />
    public override long WarmupSize(long size) => 0;

    /// <inheritdoc />
    protected override Outcome RunModel(string model, long size)
    {
        int poolThreads = ThreadPool.ThreadCount;
        var r = model switch
        {
            Lab.Workloads.Models.Weft => Weft(size, declared: false),
            Lab.Workloads.Models.WeftDeclared => Weft(size, declared: true),
            Lab.Workloads.Models.Tasks => Tasks(size, longRunning: false),
            Lab.Workloads.Models.TasksLong => Tasks(size, longRunning: true),
            Lab.Workloads.Models.Threads => Threads(size),
            _ => throw new ArgumentOutOfRangeException(nameof(model)),
        };
        return new Outcome(new Dictionary<string, double> { ["ratio"] = r.Ratio, ["threads"] = r.Threads },
            HogWorkload.Note(model, poolThreads, null));
    }

    /// <summary>What one run measured.</summary>
    /// <param name="Alone">Sleeper wake-ups per second alone.</param>
    /// <param name="WithBlockers">Sleeper wake-ups per second beside the blockers.</param>
    /// <param name="Threads">Peak OS threads of the process beside the blockers.</param>
    /// <param name="BlockingCalls">Blocking calls completed.</param>
    public readonly record struct Result(double Alone, double WithBlockers, int Threads, long BlockingCalls)
    {
        /// <summary>The <c>ratio</c> figure.</summary>
        public double Ratio => Alone > 0 ? WithBlockers / Alone : 0;
    }

    /// <summary>
    /// Goroutines: the main goroutine is the sleeper (<c>Go.Sleep</c>); 100 goroutines call <c>Thread.Sleep(50)</c>,
    /// undeclared or inside <c>Go.Blocking</c>.
    /// </summary>
    public static Result Weft(long milliseconds, bool declared)
    {
        using var lab = new LabRuntime();
        double alone = lab.Run(() => SleepWorkload.WeftSleeper(Measure.DeadlineIn(milliseconds)));
        long calls = 0;
        var blockersDone = new Latch(Blockers);
        using var sampler = new Sampler();
        var end = new Deadline();
        double beside = lab.Run(async () =>
        {
            for (int i = 0; i < Blockers; i++)
            {
                if (declared) Go.Start(() => DeclaredBlocker(end, blockersDone, () => Interlocked.Increment(ref calls)));
                else
                {
                    Go.Start(() =>
                    {
                        while (Stopwatch.GetTimestamp() < end.At)
                        {
                            // The undeclared model on purpose: sysmon must find this blocking call by itself.
#pragma warning disable WEFT001
                            Thread.Sleep(BlockMs);
#pragma warning restore WEFT001
                            Interlocked.Increment(ref calls);
                        }

                        blockersDone.Signal();
                    });
                }
            }

            sampler.Sample();
            return await SleepWorkload.WeftSleeper(end.Start(milliseconds));
        });
        blockersDone.Wait(TimeSpan.FromMilliseconds(milliseconds) + TimeSpan.FromSeconds(5)); // blockers end with the window (+ one call)
        sampler.Dispose();
        return new Result(alone, beside, sampler.PeakThreads, calls);
    }

    /// <summary>
    /// The end of the second phase, set once every blocker has been started, so that starting 100 threads (slow)
    /// does not eat into the sleeper's window. Blockers started before it is set run until it is.
    /// </summary>
    private sealed class Deadline
    {
        private long _at = long.MaxValue;

        /// <summary>The end, as a Stopwatch timestamp (long.MaxValue until started).</summary>
        public long At => Volatile.Read(ref _at);

        /// <summary>Starts the window: it ends <paramref name="milliseconds"/> from now. Returns the end.</summary>
        public long Start(long milliseconds)
        {
            long at = Measure.DeadlineIn(milliseconds);
            Volatile.Write(ref _at, at);
            return at;
        }
    }

    private static void DeclaredBlocker(Deadline end, Latch done, Action count)
    {
        while (Stopwatch.GetTimestamp() < end.At)
        {
            Go.Blocking(() => Thread.Sleep(BlockMs));
            count();
        }

        done.Signal();
    }

    /// <summary>
    /// Tasks: the sleeper task starts 100 tasks that call <c>Thread.Sleep(50)</c> — with <c>Task.Run</c>, or with
    /// <c>TaskCreationOptions.LongRunning</c> (a dedicated thread each) when <paramref name="longRunning"/> — then awaits
    /// <c>Task.Delay(1)</c> in a loop. With <c>Task.Run</c> the blockers hold every pool thread and the pool adds
    /// threads only slowly (about one a second while they stay blocked), so the sleeper's continuations wait.
    /// </summary>
    public static Result Tasks(long milliseconds, bool longRunning = false)
    {
        double alone = Task.Run(() => SleepWorkload.TaskSleeper(Measure.DeadlineIn(milliseconds))).GetAwaiter().GetResult();
        long calls = 0;
        using var sampler = new Sampler();
        var end = new Deadline();
        var blockers = new Task[Blockers];
        double beside = Task.Run(() =>
        {
            for (int i = 0; i < Blockers; i++)
            {
                blockers[i] = HogWorkload.StartTask(() =>
                {
                    while (Stopwatch.GetTimestamp() < end.At)
                    {
                        Thread.Sleep(BlockMs);
                        Interlocked.Increment(ref calls);
                    }
                }, longRunning);
            }

            sampler.Sample();
            return SleepWorkload.TaskSleeper(end.Start(milliseconds));
        }).GetAwaiter().GetResult();
        Task.WaitAll(blockers);
        sampler.Dispose();
        return new Result(alone, beside, sampler.PeakThreads, calls);
    }

    /// <summary>Dedicated threads: a sleeper thread on <c>Thread.Sleep(1)</c>; 100 threads call <c>Thread.Sleep(50)</c>.</summary>
    public static Result Threads(long milliseconds)
    {
        double alone = SleepWorkload.Threads(milliseconds);
        long calls = 0;
        using var sampler = new Sampler();
        var end = new Deadline();
        var threads = new Thread[Blockers];
        for (int i = 0; i < Blockers; i++)
        {
            threads[i] = new Thread(() =>
            {
                while (Stopwatch.GetTimestamp() < end.At)
                {
                    Thread.Sleep(BlockMs);
                    Interlocked.Increment(ref calls);
                }
            }) { IsBackground = true };
            threads[i].Start();
        }

        double beside = 0;
        sampler.Sample(); // every blocker thread is running now (Thread.Start returns once it runs)
        long until = end.Start(milliseconds);
        var sleeper = new Thread(() => beside = SleepWorkload.ThreadSleeper(until)) { IsBackground = true };
        sleeper.Start();
        sleeper.Join();
        foreach (var t in threads) t.Join();
        sampler.Dispose();
        return new Result(alone, beside, sampler.PeakThreads, calls);
    }
}
