using System.Collections.Concurrent;

namespace Weft.Lab.Measurement;

/// <summary>
/// A dedicated <see cref="GoRuntime"/> for one measured run of the <c>weft</c> model: fresh Ps and Ms, panics
/// collected (a panic fails the run instead of ending the Lab), and shut down when disposed.
/// </summary>
public sealed class LabRuntime : IDisposable
{
    private readonly ConcurrentQueue<GoroutinePanic> _panics = new();

    /// <summary>Hang guard for one run: generous; it only turns a runtime bug into an error instead of a hang.</summary>
    public static TimeSpan HangGuard { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Creates the runtime.</summary>
    /// <param name="maxProcs">Ps; null for Weft's default (the CPU quota or processor count).</param>
    public LabRuntime(int? maxProcs = null)
    {
        Runtime = new GoRuntime(new GoOptions
        {
            MaxProcs = maxProcs,
            Name = "lab",
            PanicHandler = p => _panics.Enqueue(p),
        });
    }

    /// <summary>The runtime.</summary>
    public GoRuntime Runtime { get; }

    /// <summary>Raised as a run's runtime is about to shut down, its work done (<c>top</c> banks its counters).</summary>
    public static event Action<GoRuntime>? Finishing;

    /// <summary>
    /// Creates a runtime, times <paramref name="body"/> on it, then shuts it down: creating and shutting down a
    /// dedicated runtime is set-up, not the work measured, as the process-wide ThreadPool's start is for tasks.
    /// </summary>
    /// <param name="body">The measured work, given the runtime to run on.</param>
    /// <param name="maxProcs">Ps; null for Weft's default.</param>
    public static Timed<T> Time<T>(Func<LabRuntime, T> body, int? maxProcs = null)
    {
        using var lab = new LabRuntime(maxProcs);
        return Measure.Time(() => body(lab));
    }

    /// <summary>Runs <paramref name="main"/> as a goroutine and blocks until it returns.</summary>
    /// <exception cref="TimeoutException">The run outlived <see cref="HangGuard"/>.</exception>
    public void Run(Func<GoTask> main)
    {
        var task = Runtime.RunAsync(main);
        if (!task.Wait(HangGuard)) throw new TimeoutException($"the weft run did not finish within {HangGuard.TotalSeconds:0} s");
        task.GetAwaiter().GetResult();
        ThrowIfPanicked();
    }

    /// <summary>Runs <paramref name="main"/> as a goroutine, blocks until it returns, and returns its result.</summary>
    /// <exception cref="TimeoutException">The run outlived <see cref="HangGuard"/>.</exception>
    public T Run<T>(Func<GoTask<T>> main)
    {
        var task = Runtime.RunAsync(main);
        if (!task.Wait(HangGuard)) throw new TimeoutException($"the weft run did not finish within {HangGuard.TotalSeconds:0} s");
        ThrowIfPanicked();
        return task.GetAwaiter().GetResult();
    }

    /// <summary>Throws the first panic seen, if any.</summary>
    public void ThrowIfPanicked()
    {
        if (_panics.TryPeek(out var p))
            throw new InvalidOperationException($"goroutine {p.GoroutineId} panicked: {p.Exception.Message}", p.Exception);
    }

    /// <summary>
    /// Shuts the runtime down and waits (up to 3 s: a healthy runtime needs milliseconds) for its threads. A thread
    /// stuck in the runtime is left behind rather than stalling the rest of the Lab.
    /// </summary>
    public void Dispose()
    {
        Finishing?.Invoke(Runtime);
        Runtime.ShutdownAsync().Wait(TimeSpan.FromSeconds(3));
    }
}

/// <summary>Waits outside any model for a count of units to finish (a latch), without sleeping and hoping.</summary>
public sealed class Latch
{
    private int _remaining;
    private readonly ManualResetEventSlim _done = new(false);

    /// <summary>Creates a latch that opens after <paramref name="count"/> signals.</summary>
    public Latch(int count)
    {
        _remaining = count;
        if (count <= 0) _done.Set();
    }

    /// <summary>One unit finished.</summary>
    public void Signal()
    {
        if (Interlocked.Decrement(ref _remaining) == 0) _done.Set();
    }

    /// <summary>Units still to finish.</summary>
    public int Remaining => Volatile.Read(ref _remaining);

    /// <summary>Blocks until every unit finished.</summary>
    /// <param name="timeout">How long to wait at most; null for <see cref="LabRuntime.HangGuard"/>.</param>
    /// <exception cref="TimeoutException">Not all finished in time.</exception>
    public void Wait(TimeSpan? timeout = null)
    {
        var limit = timeout ?? LabRuntime.HangGuard;
        if (!_done.Wait(limit))
            throw new TimeoutException($"{Remaining} units did not finish within {limit.TotalSeconds:0} s");
    }
}
