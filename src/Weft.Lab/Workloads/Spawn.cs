using System.Diagnostics;
using Weft.Lab.Measurement;

namespace Weft.Lab.Workloads;

/// <summary>
/// <c>spawn</c>: start N units that all park on one gate, measure the heap once every unit is parked, then open the
/// gate and wait for all of them to finish.
/// <list type="bullet">
/// <item><c>bytes_per_unit</c>: growth of the settled heap (after a full compacting GC) between before the first start
/// and the moment all N units are parked, divided by N. For <c>threads</c> the growth of resident memory (with any
/// memory the GC gave back meanwhile added back), since a thread's cost (its stack, kernel structures) lives outside
/// the managed heap.</item>
/// <item><c>ns_per_spawn</c>: time from the first start until all N units are parked, divided by N.</item>
/// </list>
/// All N units are parked when the counter each unit increments just before it parks reaches N: at that moment at
/// most one unit per running thread is between its increment and its park (an error of a few units in a million),
/// and the full GC that follows gives them time to finish parking.
/// </summary>
public sealed class SpawnWorkload : Workload
{
    /// <summary>The most OS threads the <c>threads</c> model starts (a size this machine allows).</summary>
    public const int ThreadCap = 10_000;

    /// <inheritdoc />
    public override string Name => "spawn";

    /// <inheritdoc />
    public override string Description => "start N units that all park on one gate, then release them";

    /// <inheritdoc />
    public override IReadOnlyList<FigureSpec> Figures { get; } =
    [
        new("bytes_per_unit", "bytes", true, "bytes per parked unit"),
        new("ns_per_spawn", "ns", true, "ns per spawn"),
    ];

    /// <inheritdoc />
    public override IReadOnlyList<string> Models { get; } =
        [Lab.Workloads.Models.Weft, Lab.Workloads.Models.Tasks, Lab.Workloads.Models.TasksCall, Lab.Workloads.Models.Threads];

    /// <inheritdoc />
    public override long DefaultSize => 1_000_000;

    /// <inheritdoc />
    public override long QuickSize => 100_000;

    /// <inheritdoc />
    public override long WarmupSize(long size) => Math.Min(size / 10, 20_000);

    /// <inheritdoc />
    protected override Outcome RunModel(string model, long size)
    {
        var r = model switch
        {
            Lab.Workloads.Models.Weft => Weft((int)size),
            Lab.Workloads.Models.Tasks => Tasks((int)size, taskRun: true),
            Lab.Workloads.Models.TasksCall => Tasks((int)size, taskRun: false),
            Lab.Workloads.Models.Threads => Threads((int)Math.Min(size, ThreadCap)),
            _ => throw new ArgumentOutOfRangeException(nameof(model)),
        };
        string? note = model == Lab.Workloads.Models.Threads && size > ThreadCap ? $"{ThreadCap:N0} threads (capped), resident bytes" : null;
        return new Outcome(new Dictionary<string, double> { ["bytes_per_unit"] = r.BytesPerUnit, ["ns_per_spawn"] = r.NsPerSpawn }, note);
    }

    /// <summary>What one run measured; <see cref="Released"/> counts the units that finished after the gate opened.</summary>
    public readonly record struct Result(double BytesPerUnit, double NsPerSpawn, int Released);

    /// <summary>Goroutines started with <c>Go.Start</c> from a goroutine, parked on a channel receive; the gate is closed.</summary>
    public static Result Weft(int n)
    {
        using var lab = new LabRuntime();
        int parked = 0;
        var released = new Latch(n);
        var gate = new Chan<int>();
        Func<GoTask> body = async () =>
        {
            Interlocked.Increment(ref parked);
            await gate.ReceiveAsync();
            released.Signal();
        };
        long heap0 = Measure.SettledHeap();
        long t0 = Stopwatch.GetTimestamp();
        lab.Run(() =>
        {
            for (int i = 0; i < n; i++) Go.Start(body);
            return GoTask.CompletedTask;
        });
        WaitParked(ref parked, n);
        long t1 = Stopwatch.GetTimestamp();
        long heap1 = Measure.SettledHeap();
        gate.Close();
        released.Wait();
        lab.ThrowIfPanicked();
        return new Result((heap1 - heap0) / (double)n, Measure.Nanoseconds(t0, t1) / n, n - released.Remaining);
    }

    /// <summary>
    /// Async methods from a pool thread, each awaiting one shared gate Task: started with <c>Task.Run</c> (the
    /// <c>tasks</c> model: a unit the pool schedules, like a goroutine), or, when <paramref name="taskRun"/> is false,
    /// by a plain call <c>_ = body()</c> (<c>tasks-call</c>: it runs on the caller's thread up to its first await, so
    /// it costs only its state machine, but it is not scheduled independently until then).
    /// </summary>
    public static Result Tasks(int n, bool taskRun = true)
    {
        int parked = 0;
        var released = new Latch(n);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Func<Task> body = async () =>
        {
            Interlocked.Increment(ref parked);
            await gate.Task;
            released.Signal();
        };
        long heap0 = Measure.SettledHeap();
        long t0 = Stopwatch.GetTimestamp();
        Task.Run(() =>
        {
            if (taskRun) for (int i = 0; i < n; i++) _ = Task.Run(body);
            else for (int i = 0; i < n; i++) _ = body();
        }).Wait();
        WaitParked(ref parked, n);
        long t1 = Stopwatch.GetTimestamp();
        long heap1 = Measure.SettledHeap();
        gate.SetResult();
        released.Wait();
        return new Result((heap1 - heap0) / (double)n, Measure.Nanoseconds(t0, t1) / n, n - released.Remaining);
    }

    /// <summary>Dedicated OS threads (default stack size) blocked on one <see cref="ManualResetEventSlim"/>.</summary>
    public static Result Threads(int n)
    {
        int parked = 0;
        var released = new Latch(n);
        var gate = new ManualResetEventSlim(false, spinCount: 0); // park at once: measure the thread, not 10k spinners
        ThreadStart body = () =>
        {
            Interlocked.Increment(ref parked);
            gate.Wait();
            released.Signal();
        };
        var threads = new Thread[n];
        Measure.SettledHeap();
        SettleThreadCount(); // threads of earlier work still exiting would free their stacks inside the window
        long committed0 = GC.GetGCMemoryInfo().TotalCommittedBytes;
        long rss0 = Sampler.ReadProcess().Rss;
        long t0 = Stopwatch.GetTimestamp();
        for (int i = 0; i < n; i++) (threads[i] = new Thread(body) { IsBackground = true }).Start();
        WaitParked(ref parked, n);
        long t1 = Stopwatch.GetTimestamp();
        Measure.SettledHeap();
        long committed1 = GC.GetGCMemoryInfo().TotalCommittedBytes;
        long rss1 = Sampler.ReadProcess().Rss;
        gate.Set();
        released.Wait();
        foreach (var thread in threads) thread.Join(); // gone before whatever is measured next
        // Resident growth: the threads' stacks and kernel structures, and the managed objects they added. Memory the
        // GC gave back meanwhile is added back: the settling collection may return what an earlier model left, which
        // would otherwise count against the threads (it once made the figure negative). Commit growth is not taken
        // out, so the figure errs high, never low.
        long returnedByGc = Math.Max(0, committed0 - committed1);
        return new Result((rss1 - rss0 + returnedByGc) / (double)n, Measure.Nanoseconds(t0, t1) / n, n - released.Remaining);
    }

    /// <summary>
    /// Waits (at most half a second) until the process's OS thread count has not changed for three readings 2 ms
    /// apart, so no thread is exiting while resident memory is measured.
    /// </summary>
    private static void SettleThreadCount()
    {
        long deadline = Measure.DeadlineIn(500);
        int last = Sampler.ReadProcess().Threads, stable = 0;
        while (stable < 3 && Stopwatch.GetTimestamp() < deadline)
        {
            Thread.Sleep(2);
            int now = Sampler.ReadProcess().Threads;
            stable = now == last ? stable + 1 : 0;
            last = now;
        }
    }

    /// <summary>
    /// Waits until <paramref name="parked"/> reaches <paramref name="n"/>: a short spin, then 1 ms sleeps, so the
    /// waiting thread takes no CPU from the units it waits for (there are only 2 cores here).
    /// </summary>
    private static void WaitParked(ref int parked, int n)
    {
        var spinner = new SpinWait();
        long deadline = Measure.DeadlineIn(LabRuntime.HangGuard.TotalMilliseconds);
        while (Volatile.Read(ref parked) < n)
        {
            if (Stopwatch.GetTimestamp() > deadline) throw new TimeoutException($"only {Volatile.Read(ref parked)} of {n} units parked");
            if (spinner.Count < 20) spinner.SpinOnce(sleep1Threshold: -1);
            else Thread.Sleep(1);
        }
    }
}
