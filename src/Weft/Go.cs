using Weft.Scheduling;

namespace Weft;

/// <summary>
/// Go-style concurrency on <see cref="GoRuntime.Default"/> — or, inside a goroutine, on that goroutine's runtime.
/// </summary>
/// <example>
/// <code>
/// Go.Run(async () =>
/// {
///     var results = new Chan&lt;int&gt;();
///     for (int i = 0; i &lt; 10; i++)
///     {
///         int n = i;
///         Go.Start(async () =&gt; await results.SendAsync(n * n));
///     }
///     int sum = 0;
///     for (int i = 0; i &lt; 10; i++) sum += await results.ReceiveAsync();
///     Console.WriteLine(sum);
/// });
/// </code>
/// </example>
public static partial class Go
{
    /// <summary>Starts a goroutine (Go's <c>go f()</c>); an exception escaping it is a panic. Async lambdas bind here.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    [System.Runtime.CompilerServices.OverloadResolutionPriority(2)]
    public static void Start(Func<GoTask> body) => GoRuntime.CurrentOrDefault.Start(body);

    /// <summary>Starts a goroutine whose body is Task-based async code; its awaits resume on the same goroutine.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    [System.Runtime.CompilerServices.OverloadResolutionPriority(1)]
    public static void Start(Func<Task> body) => GoRuntime.CurrentOrDefault.Start(body);

    /// <summary>Starts a goroutine running a synchronous delegate.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    public static void Start(Action body) => GoRuntime.CurrentOrDefault.Start(body);

    /// <summary>Starts a goroutine and returns a task for its completion; its exception goes to the awaiter.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    public static GoTask Spawn(Func<GoTask> body) => GoRuntime.CurrentOrDefault.Spawn(body);

    /// <summary>Starts a goroutine and returns a task for its result; its exception goes to the awaiter.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    public static GoTask<T> Spawn<T>(Func<GoTask<T>> body) => GoRuntime.CurrentOrDefault.Spawn(body);

    /// <summary>Runs <paramref name="main"/> as a goroutine on the default runtime and blocks until it returns.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="main"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Called from inside a goroutine.</exception>
    public static void Run(Func<GoTask> main) => GoRuntime.Default.Run(main);

    /// <summary>Runs <paramref name="main"/> as a goroutine on the default runtime, blocks, and returns its result.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="main"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Called from inside a goroutine.</exception>
    public static T Run<T>(Func<GoTask<T>> main) => GoRuntime.Default.Run(main);

    /// <summary>Runs <paramref name="main"/> as a goroutine on the default runtime; completes when it returns.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="main"/> is null.</exception>
    public static Task RunAsync(Func<GoTask> main) => GoRuntime.Default.RunAsync(main);

    /// <summary>Runs <paramref name="main"/> as a goroutine on the default runtime; completes with its result.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="main"/> is null.</exception>
    public static Task<T> RunAsync<T>(Func<GoTask<T>> main) => GoRuntime.Default.RunAsync(main);

    /// <summary>Lets every other runnable goroutine run before this one continues (Go's <c>runtime.Gosched</c>).</summary>
    public static YieldAwaitable Yield() => default;

    /// <summary>Parks the goroutine for at least <paramref name="duration"/> (zero returns at once).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is negative.</exception>
    public static SleepAwaitable Sleep(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "Go.Sleep: the duration must not be negative.");
        return new SleepAwaitable(Clock.ToNanoseconds(duration));
    }

    /// <summary>Parks the goroutine for at least <paramref name="milliseconds"/> milliseconds.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="milliseconds"/> is negative or NaN.</exception>
    public static SleepAwaitable Sleep(double milliseconds)
    {
        if (double.IsNaN(milliseconds) || milliseconds < 0)
            throw new ArgumentOutOfRangeException(nameof(milliseconds), milliseconds, "Go.Sleep: the duration must be a non-negative number of milliseconds.");
        return new SleepAwaitable(double.IsPositiveInfinity(milliseconds) ? long.MaxValue : (long)Math.Min(long.MaxValue, milliseconds * 1e6));
    }

    /// <summary>
    /// Runs a call that blocks its OS thread (file or socket I/O, a native call, a lock) as Go runs a system call:
    /// the goroutine's P is left for sysmon to hand to another thread if the call lasts, so the other goroutines keep
    /// running; a short call keeps its P. On return the goroutine takes back its P, or any idle P, or waits its turn
    /// for one. Outside goroutines it just runs the call.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="call"/> is null.</exception>
    public static void Blocking(Action call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var m = M.Current;
        var g = G.Current;
        if (m is null || g is null)
        {
            call();
            return;
        }

        var scheduler = m.Scheduler;
        var oldP = scheduler.EnterBlocking(m, g);
        try
        {
            call();
        }
        finally
        {
            scheduler.ExitBlocking(m, g, oldP);
        }
    }

    /// <summary>Runs a blocking call and returns its result (see <see cref="Blocking(Action)"/>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="call"/> is null.</exception>
    public static T Blocking<T>(Func<T> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var m = M.Current;
        var g = G.Current;
        if (m is null || g is null) return call();
        var scheduler = m.Scheduler;
        var oldP = scheduler.EnterBlocking(m, g);
        try
        {
            return call();
        }
        finally
        {
            scheduler.ExitBlocking(m, g, oldP);
        }
    }

    /// <summary>
    /// Wires the current goroutine to its OS thread (Go's <c>runtime.LockOSThread</c>): until a matching
    /// <see cref="UnlockOSThread"/>, the goroutine runs only on this thread and the thread runs only it. Calls nest.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called outside a goroutine.</exception>
    public static void LockOSThread()
    {
        var (m, g) = CurrentOrThrow(nameof(LockOSThread));
        m.Scheduler.LockOSThread(m, g);
    }

    /// <summary>Undoes one <see cref="LockOSThread"/>; does nothing if the goroutine is not locked.</summary>
    /// <exception cref="InvalidOperationException">Called outside a goroutine.</exception>
    public static void UnlockOSThread()
    {
        var (m, g) = CurrentOrThrow(nameof(UnlockOSThread));
        m.Scheduler.UnlockOSThread(m, g);
    }

    private static (M, G) CurrentOrThrow(string method)
    {
        var g = G.Current;
        var m = M.Current;
        if (g is null || m is null) throw new InvalidOperationException($"Go.{method} must be called from a goroutine.");
        return (m, g);
    }

    /// <summary>
    /// Every goroutine of the current runtime in Go's traceback shape: <c>goroutine 7 [chan receive, 3 minutes]:</c>,
    /// the async frames it is suspended in (innermost first), and <c>created by ...</c> when
    /// <see cref="GoOptions.TrackCreationSites"/> is on.
    /// </summary>
    public static string Dump() => GoRuntime.CurrentOrDefault.Dump();

    /// <summary>The number of goroutines that exist in the current runtime.</summary>
    public static int NumGoroutine => GoRuntime.CurrentOrDefault.NumGoroutine;

    /// <summary>The id of the running goroutine, or 0 outside goroutines.</summary>
    public static long CurrentId => G.Current?.Id ?? 0;

    /// <summary>True when the calling code runs inside a goroutine.</summary>
    public static bool IsGoroutine => G.Current is not null;

    /// <summary>The number of Ps of the current runtime.</summary>
    public static int MaxProcs => GoRuntime.CurrentOrDefault.MaxProcs;

    /// <summary>Sets the number of Ps of the current runtime; returns the previous value.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is less than 1.</exception>
    public static int SetMaxProcs(int n) => GoRuntime.CurrentOrDefault.SetMaxProcs(n);
}
