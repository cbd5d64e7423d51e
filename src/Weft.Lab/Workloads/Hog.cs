using System.Diagnostics;
using Weft.Lab.Measurement;

namespace Weft.Lab.Workloads;

/// <summary>
/// <c>hog</c>: 4 CPU hogs in tight loops on 2 procs, and beside them one unit that sleeps 1 ms in a loop for a fixed
/// time (2 s); each wake-up's lateness is what it overslept. Figures: <c>worst_late_ms</c>, <c>mean_late_ms</c>.
/// The hogs stop by themselves when the time is up, so a starved sleeper shows as one wake-up about 2 s late
/// instead of a hang. Weft runs with MaxProcs = 2; the .NET ThreadPool and the OS get the machine as it is.
/// </summary>
/// <remarks>
/// Why the <c>tasks</c> sleeper is late by the whole window: the hogs occupy every pool thread (as many as cores), the
/// sleeper's continuation waits in the pool's queue behind the hogs not yet running, and the pool's starvation
/// logic adds a thread only about once a second while its threads stay busy, so the window ends before the
/// sleeper runs again. <c>tasks-long</c> starts the hogs with <c>TaskCreationOptions.LongRunning</c> (a dedicated
/// thread each, as .NET advises for CPU-bound work that does not return), which leaves the pool to the sleeper and
/// the preemption to the OS, as for <c>threads</c>.
/// </remarks>
public sealed class HogWorkload : Workload
{
    /// <summary>CPU hogs.</summary>
    public const int Hogs = 4;

    /// <summary>Ps of the Weft runtime (DESIGN §1: 4 hogs on 2 procs).</summary>
    public const int Procs = 2;

    /// <inheritdoc />
    public override string Name => "hog";

    /// <inheritdoc />
    public override string Description => "4 CPU hogs on 2 procs; a unit sleeps 1 ms in a loop for 2 s";

    /// <inheritdoc />
    public override IReadOnlyList<FigureSpec> Figures { get; } =
    [
        new("worst_late_ms", "ms", true, "worst lateness"),
        new("mean_late_ms", "ms", true, "mean lateness"),
    ];

    /// <inheritdoc />
    public override IReadOnlyList<string> Models { get; } =
        [Lab.Workloads.Models.Weft, Lab.Workloads.Models.Tasks, Lab.Workloads.Models.TasksLong, Lab.Workloads.Models.Threads];

    /// <inheritdoc />
    public override int Repeats => 1;

    /// <inheritdoc />
    public override long DefaultSize => 2_000;

    /// <inheritdoc />
    public override long QuickSize => 500;

    /// <inheritdoc />
    public override string SizeUnit => "ms";

    /// <inheritdoc />
    public override long WarmupSize(long size) => 0; // the loops are trivial; a warm-up would double a 2 s workload

    /// <inheritdoc />
    protected override Outcome RunModel(string model, long size)
    {
        int poolThreads = ThreadPool.ThreadCount;
        var log = model switch
        {
            Lab.Workloads.Models.Weft => Weft(size),
            Lab.Workloads.Models.Tasks => Tasks(size, longRunning: false),
            Lab.Workloads.Models.TasksLong => Tasks(size, longRunning: true),
            Lab.Workloads.Models.Threads => Threads(size),
            _ => throw new ArgumentOutOfRangeException(nameof(model)),
        };
        return new Outcome(new Dictionary<string, double> { ["worst_late_ms"] = log.Worst, ["mean_late_ms"] = log.Mean },
            Note(model, poolThreads, log.Count <= 2 ? $"{log.Count} wake-up(s) in {size} ms" : null));
    }

    /// <summary>
    /// The remark of a run: for the tasks models, how many ThreadPool threads existed when it started — a pool that
    /// kept threads injected by earlier work starves less behind a hog or blocking calls (each workload × model runs in
    /// a fresh process unless <c>--in-process</c>, so this is normally the core count).
    /// </summary>
    internal static string? Note(string model, int poolThreads, string? other)
    {
        var pool = Lab.Workloads.Models.Family(model) == Lab.Workloads.Models.Tasks ? $"{poolThreads} pool threads at start" : null;
        return pool is null ? other : other is null ? pool : $"{other}; {pool}";
    }

    /// <summary>Starts <paramref name="work"/> with <c>Task.Run</c>, or on a dedicated thread (<c>LongRunning</c>).</summary>
    internal static Task StartTask(Action work, bool longRunning) => longRunning
        ? Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)
        : Task.Run(work);

    /// <summary>A hog's loop: spin on the clock until <paramref name="end"/>.</summary>
    public static long Spin(long end)
    {
        long n = 0;
        while (Stopwatch.GetTimestamp() < end) n++;
        return n;
    }

    /// <summary>Goroutines on a 2-P runtime: 4 synchronous hogs, the main goroutine sleeps with <c>Go.Sleep</c>.</summary>
    public static LatenessLog Weft(long milliseconds)
    {
        using var lab = new LabRuntime(Procs);
        var log = new LatenessLog();
        var hogsDone = new Latch(Hogs);
        long end = Measure.DeadlineIn(milliseconds);
        lab.Run(async () =>
        {
            for (int i = 0; i < Hogs; i++)
            {
                Go.Start(() =>
                {
                    Spin(end);
                    hogsDone.Signal();
                });
            }

            while (Stopwatch.GetTimestamp() < end)
            {
                long t0 = Stopwatch.GetTimestamp();
                await Go.Sleep(TimeSpan.FromMilliseconds(1));
                log.Add(t0, Stopwatch.GetTimestamp(), 1);
            }
        });
        hogsDone.Wait(TimeSpan.FromMilliseconds(milliseconds) + TimeSpan.FromSeconds(5)); // hogs end with the window
        return log;
    }

    /// <summary>
    /// Tasks: an async Task (the sleeper) starts 4 hogs with <c>Task.Run</c> (or, when <paramref name="longRunning"/>,
    /// with <c>TaskCreationOptions.LongRunning</c>: a dedicated thread each), then sleeps with <c>Task.Delay(1)</c>, the
    /// same shape as the Weft version.
    /// </summary>
    public static LatenessLog Tasks(long milliseconds, bool longRunning = false)
    {
        var log = new LatenessLog();
        long end = Measure.DeadlineIn(milliseconds);
        var hogs = new Task[Hogs];
        Task.Run(async () =>
        {
            for (int i = 0; i < Hogs; i++) hogs[i] = StartTask(() => Spin(end), longRunning);
            while (Stopwatch.GetTimestamp() < end)
            {
                long t0 = Stopwatch.GetTimestamp();
                await Task.Delay(1);
                log.Add(t0, Stopwatch.GetTimestamp(), 1);
            }
        }).GetAwaiter().GetResult();
        Task.WaitAll(hogs);
        return log;
    }

    /// <summary>Dedicated threads: the sleeper thread starts 4 hog threads, then sleeps with <c>Thread.Sleep(1)</c>. The OS preempts.</summary>
    public static LatenessLog Threads(long milliseconds)
    {
        var log = new LatenessLog();
        long end = Measure.DeadlineIn(milliseconds);
        var hogs = new Thread[Hogs];
        var sleeper = new Thread(() =>
        {
            for (int i = 0; i < Hogs; i++)
            {
                hogs[i] = new Thread(() => Spin(end)) { IsBackground = true };
                hogs[i].Start();
            }

            while (Stopwatch.GetTimestamp() < end)
            {
                long t0 = Stopwatch.GetTimestamp();
                Thread.Sleep(1);
                log.Add(t0, Stopwatch.GetTimestamp(), 1);
            }
        }) { IsBackground = true };
        sleeper.Start();
        sleeper.Join();
        foreach (var t in hogs) t.Join();
        return log;
    }
}
