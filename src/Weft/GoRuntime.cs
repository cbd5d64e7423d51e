using System.Diagnostics;
using Weft.Diagnostics;
using Weft.Scheduling;
using Weft.Tasks;

namespace Weft;

/// <summary>
/// One Weft runtime: its Ps, its Ms (OS threads), its global run queue, timers and options. Most programs use
/// <see cref="Default"/> through the static <see cref="Go"/> class; tests and hosts that want isolation create their
/// own. Goroutines always start new goroutines in the runtime they run on.
/// </summary>
public sealed class GoRuntime : IDisposable, IAsyncDisposable
{
    private static readonly Lazy<GoRuntime> s_default = new(() => new GoRuntime(new GoOptions { Name = "weft" }));

    internal readonly Scheduler Scheduler;
    private readonly SchedTrace? _schedTrace;
    private int _disposed;

    /// <summary>Creates and starts a runtime. Its threads start on demand, when goroutines do.</summary>
    /// <param name="options">Settings; null for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">MaxProcs or MaxThreads is not positive.</exception>
    /// <exception cref="FormatException">The debug settings cannot be parsed.</exception>
    public GoRuntime(GoOptions? options = null)
    {
        Options = options ?? new GoOptions();
        if (Options.MaxProcs is { } procs && procs <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), procs, "GoOptions.MaxProcs must be at least 1.");
        if (Options.MaxThreads <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), Options.MaxThreads, "GoOptions.MaxThreads must be at least 1.");
        Debug = DebugSettings.Parse(Options.Debug ?? Environment.GetEnvironmentVariable("WEFT_DEBUG"));
        DiagnosticOutput = Options.DiagnosticOutput ?? Console.Error;
        if (Options.TimeSlice <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(options), Options.TimeSlice, "GoOptions.TimeSlice must be positive.");
        Scheduler = new Scheduler(this, Options.MaxProcs ?? MaxProcsDefault.Resolve());
        StartedAt = Stopwatch.GetTimestamp();
        LiveRuntimes.Add(this);
        SigQuit.EnsureInstalled();
        WeftMetrics.EnsureCreated();
        Tracing.Tracer.Initialize();
        if (Debug.SchedTraceMilliseconds > 0) _schedTrace = new SchedTrace(this, Debug.SchedTraceMilliseconds);
    }

    /// <summary>
    /// Name of the <see cref="System.Diagnostics.Metrics.Meter"/> every runtime reports on: <c>weft.goroutines</c>,
    /// <c>weft.goroutines.runnable</c>, <c>weft.threads</c>, <c>weft.blocking_calls</c>, <c>weft.steals</c>,
    /// <c>weft.handoffs</c>, <c>weft.preemptions</c>, <c>weft.stuck_retakes</c>, one measurement per runtime tagged
    /// <c>weft.runtime</c> with <see cref="GoOptions.Name"/> (<c>dotnet-counters monitor -n app Weft</c>).
    /// </summary>
    public const string MeterName = WeftMetrics.MeterName;

    /// <summary>The process-wide runtime behind <see cref="Go"/>, created on first use.</summary>
    public static GoRuntime Default => s_default.Value;

    /// <summary>The runtime of the goroutine running on this thread, or null outside goroutines.</summary>
    public static GoRuntime? Current => G.Current?.Runtime ?? M.Current?.Scheduler.Runtime;

    /// <summary>The current goroutine's runtime, or <see cref="Default"/>.</summary>
    internal static GoRuntime CurrentOrDefault => Current ?? Default;

    /// <summary>The options the runtime was created with.</summary>
    public GoOptions Options { get; }

    internal DebugSettings Debug { get; }

    internal TextWriter DiagnosticOutput { get; }

    internal long StartedAt { get; }

    /// <summary>The number of Ps: how many goroutines can run in parallel.</summary>
    public int MaxProcs => Scheduler.MaxProcs;

    /// <summary>Sets the number of Ps while the runtime runs; returns the previous value.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is less than 1.</exception>
    public int SetMaxProcs(int n)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "SetMaxProcs: the number of procs must be at least 1.");
        ThrowIfDisposed();
        return Scheduler.SetMaxProcs(n);
    }

    /// <summary>The number of goroutines that have started and not yet finished.</summary>
    public int NumGoroutine => (int)Math.Max(0, Scheduler.LiveGoroutines);

    // ---- starting goroutines -------------------------------------------------------------------------

    /// <summary>
    /// Starts a goroutine running <paramref name="body"/> (Go's <c>go f()</c>). An exception escaping it is a panic
    /// (see <see cref="GoOptions.PanicHandler"/>). Async lambdas bind here.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The runtime has been disposed.</exception>
    [System.Runtime.CompilerServices.OverloadResolutionPriority(2)]
    public void Start(Func<GoTask> body) => StartCore(body ?? throw new ArgumentNullException(nameof(body)));

    /// <summary>
    /// Starts a goroutine whose body is ordinary Task-based async code; its awaits resume on the same goroutine
    /// (except after <c>ConfigureAwait(false)</c>). An exception escaping it is a panic.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The runtime has been disposed.</exception>
    [System.Runtime.CompilerServices.OverloadResolutionPriority(1)]
    public void Start(Func<Task> body) => StartCore(body ?? throw new ArgumentNullException(nameof(body)));

    /// <summary>Starts a goroutine running a synchronous delegate. An exception escaping it is a panic.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The runtime has been disposed.</exception>
    public void Start(Action body) => StartCore(body ?? throw new ArgumentNullException(nameof(body)));

    /// <summary>
    /// Starts a goroutine and returns a task for its completion: its exception goes to whoever awaits the task
    /// (it is not a panic). Await the task once; use <see cref="GoTask.AsTask"/> to share it.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The runtime has been disposed.</exception>
    public GoTask Spawn(Func<GoTask> body)
    {
        var spawned = new SpawnedVoidBody(body ?? throw new ArgumentNullException(nameof(body)));
        StartCore(spawned);
        return new GoTask(spawned);
    }

    /// <summary>Starts a goroutine and returns a task for its result (see <see cref="Spawn(Func{GoTask})"/>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The runtime has been disposed.</exception>
    public GoTask<T> Spawn<T>(Func<GoTask<T>> body)
    {
        var spawned = new SpawnedBody<T>(body ?? throw new ArgumentNullException(nameof(body)));
        StartCore(spawned);
        return new GoTask<T>(spawned);
    }

    private void StartCore(object body)
    {
        ThrowIfDisposed();
        var ec = ExecutionContext.Capture();
        if (ec is not null && !ReferenceEquals(ec, GoFrame.DefaultContext) && HasFlowingState(ec))
            body = new G.ContextualStart(ec, body);
        Scheduler.NewGoroutine(body);
    }

    /// <summary>
    /// Whether a context needs to flow into a new goroutine. Until the first Weft thread has run the default context
    /// is unknown; then every context is treated as carrying state (correct, slightly slower).
    /// </summary>
    private static bool HasFlowingState(ExecutionContext ec) => GoFrame.DefaultContext is null || ec != GoFrame.DefaultContext;

    // ---- running main --------------------------------------------------------------------------------

    /// <summary>
    /// Runs <paramref name="main"/> as a goroutine and blocks the calling thread until it returns; its exception is
    /// rethrown here. Call it from ordinary code, not from a goroutine.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="main"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Called from inside a goroutine.</exception>
    public void Run(Func<GoTask> main)
    {
        ThrowIfInsideGoroutine(nameof(Run));
        RunAsync(main).GetAwaiter().GetResult();
    }

    /// <summary>Runs <paramref name="main"/> as a goroutine, blocks until it returns, and returns its result.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="main"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Called from inside a goroutine.</exception>
    public T Run<T>(Func<GoTask<T>> main)
    {
        ThrowIfInsideGoroutine(nameof(Run));
        return RunAsync(main).GetAwaiter().GetResult();
    }

    /// <summary>
    /// Runs <paramref name="main"/> as a goroutine; the task completes when it returns, or fails with a
    /// <see cref="DeadlockException"/> when no goroutine can ever run again.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="main"/> is null.</exception>
    public Task RunAsync(Func<GoTask> main)
    {
        var spawned = new SpawnedVoidBody(main ?? throw new ArgumentNullException(nameof(main)));
        return TrackRun(spawned, new GoTask(spawned).AsTask());
    }

    /// <summary>Runs <paramref name="main"/> as a goroutine; the task completes with its result (or a deadlock).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="main"/> is null.</exception>
    public Task<T> RunAsync<T>(Func<GoTask<T>> main)
    {
        var spawned = new SpawnedBody<T>(main ?? throw new ArgumentNullException(nameof(main)));
        return TrackRun(spawned, new GoTask<T>(spawned).AsTask());
    }

    private TTask TrackRun<TTask>(GoFrame spawned, TTask task) where TTask : Task
    {
        lock (_runs) _runs.Add(spawned);
        task.ContinueWith(static (_, s) =>
        {
            var (runtime, frame) = ((GoRuntime, GoFrame))s!;
            lock (runtime._runs) runtime._runs.Remove(frame);
        }, (this, spawned), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        StartCore(spawned);
        return task;
    }

    /// <summary>The bodies of the Run/RunAsync calls in progress (a deadlock fails them).</summary>
    private readonly List<GoFrame> _runs = new();

    internal bool HasActiveRuns
    {
        get
        {
            lock (_runs) return _runs.Count > 0;
        }
    }

    /// <summary>The deadlock check found that nothing can run again: fail every Run in progress.</summary>
    internal void OnDeadlock(DeadlockException exception)
    {
        GoFrame[] runs;
        lock (_runs) runs = _runs.ToArray();
        foreach (var run in runs) run.TryFail(exception);
    }

    private static void ThrowIfInsideGoroutine(string method)
    {
        if (G.Current is not null)
            throw new InvalidOperationException(
                $"GoRuntime.{method} blocks its calling thread and cannot be called from a goroutine; await the work instead.");
    }

    // ---- shutdown ------------------------------------------------------------------------------------

    /// <summary>
    /// Stops the runtime: no new goroutines, and every M exits at its next scheduling point (a goroutine running
    /// user code finishes its current step first). Parked goroutines are abandoned. Completes when every thread
    /// of the runtime has exited.
    /// </summary>
    public Task ShutdownAsync()
    {
        if (ReferenceEquals(this, s_default.IsValueCreated ? s_default.Value : null))
            throw new InvalidOperationException("GoRuntime.Default lives as long as the process and cannot be shut down.");
        Interlocked.Exchange(ref _disposed, 1);
        _schedTrace?.Dispose();
        LiveRuntimes.Remove(this);
        return Scheduler.ShutdownAsync();
    }

    /// <summary>Shuts the runtime down and waits (up to 10 s) for its threads to exit.</summary>
    public void Dispose()
    {
        if (Volatile.Read(ref _disposed) != 0) return;
        var done = ShutdownAsync();
        if (G.Current?.Runtime == this) return; // cannot wait for our own thread
        done.Wait(TimeSpan.FromSeconds(10));
    }

    /// <summary>Shuts the runtime down and waits for its threads to exit.</summary>
    public ValueTask DisposeAsync() => new(ShutdownAsync());

    internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    private void ThrowIfDisposed()
    {
        if (Volatile.Read(ref _disposed) != 0)
            throw new ObjectDisposedException(nameof(GoRuntime), "The GoRuntime has been disposed; it cannot start goroutines.");
    }

    // ---- internal services -----------------------------------------------------------------------------

    internal void OnGoroutineExit(G g) => Scheduler.OnGoroutineExit(g);

    /// <summary>An exception escaped goroutine <paramref name="g"/>: hand it to the handler or end the process.</summary>
    internal void Panic(G g, Exception exception)
    {
        var handler = Options.PanicHandler;
        if (handler is not null)
        {
            handler(new GoroutinePanic(g.Id, exception));
            return;
        }

        var output = DiagnosticOutput;
        lock (output)
        {
            output.WriteLine($"panic: {exception.GetType().FullName}: {exception.Message}");
            output.WriteLine();
            output.WriteLine($"goroutine {g.Id} [running]:");
            output.WriteLine(exception.ToString());
            output.Flush();
        }

        Environment.Exit(2);
    }

    /// <summary>An unrecoverable runtime error (Go's <c>throw</c>): print and end the process with code 2.</summary>
    internal void Fatal(string message)
    {
        var output = DiagnosticOutput;
        lock (output)
        {
            output.WriteLine(message);
            output.Flush();
        }

        Environment.Exit(2);
    }

    /// <summary>Every goroutine of this runtime in Go's traceback shape (see <see cref="Go.Dump"/>).</summary>
    public string Dump() => GoroutineDump.Format(Scheduler.Registry.Snapshot().Where(g => !g.Exited));

    private int _blockWarned;

    /// <summary>
    /// Sysmon took the P of an M stuck in one step of <paramref name="g"/>: record it for the dump, and under
    /// <c>WEFT_DEBUG=blockwarn=1</c> print one warning line (once per runtime).
    /// </summary>
    internal void OnStuckStep(G? g, bool blocked, long stepNs)
    {
        long ms = stepNs / 1_000_000;
        if (g is not null)
        {
            var extras = g.Extras;
            extras.StuckCount++;
            extras.LongestStuckMs = Math.Max(extras.LongestStuckMs, ms);
            extras.LastStuckWasBlocked = blocked;
        }

        if (!Debug.BlockWarn || Interlocked.Exchange(ref _blockWarned, 1) != 0) return;
        var what = blocked ? "blocked its thread" : "ran without reaching an await point";
        var site = g?.ExtrasOrNull?.CreationSite is { } cs ? $" (created by {cs})" : "";
        var output = DiagnosticOutput;
        lock (output)
        {
            output.WriteLine(
                $"weft: goroutine {g?.Id ?? 0}{site} {what} for {ms} ms; sysmon handed its P to another thread. " +
                (blocked ? "Wrap blocking calls in Go.Blocking(...)." : "Long computations should await Go.Yield() now and then.") +
                " (reported once)");
            output.Flush();
        }
    }

    internal void RecordCreation(G g)
    {
        var extras = g.Extras;
        extras.ParentId = G.Current?.Id ?? 0;
        extras.CreationSite = CreationSite.Capture();
    }
}
