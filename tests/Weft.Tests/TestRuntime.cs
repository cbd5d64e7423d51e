using System.Collections.Concurrent;

namespace Weft.Tests;

/// <summary>
/// A private runtime for one test: its own Ps and Ms, panics collected instead of ending the test process, and a
/// shutdown that waits for every thread.
/// </summary>
public sealed class TestRuntime : IDisposable
{
    /// <summary>Hang guard for waits in tests: generous, only there so a bug fails instead of hanging CI.</summary>
    public static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    public ConcurrentQueue<GoroutinePanic> Panics { get; } = new();

    public GoRuntime Runtime { get; }

    public TestRuntime(int maxProcs = 2, bool trackCreationSites = false, TextWriter? diagnostics = null)
    {
        Runtime = new GoRuntime(new GoOptions
        {
            MaxProcs = maxProcs,
            PanicHandler = p => Panics.Enqueue(p),
            TrackCreationSites = trackCreationSites,
            DiagnosticOutput = diagnostics,
            Name = "test",
        });
    }

    /// <summary>Runs <paramref name="main"/> as a goroutine and waits for it (with the hang guard).</summary>
    public void Run(Func<GoTask> main)
    {
        var task = Runtime.RunAsync(main);
        if (!task.Wait(HangGuard)) throw new TimeoutException("The goroutine did not finish within the hang guard.");
        task.GetAwaiter().GetResult();
    }

    /// <summary>Runs <paramref name="main"/> as a goroutine and returns its result (with the hang guard).</summary>
    public T Run<T>(Func<GoTask<T>> main)
    {
        var task = Runtime.RunAsync(main);
        if (!task.Wait(HangGuard)) throw new TimeoutException("The goroutine did not finish within the hang guard.");
        return task.GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        if (!Runtime.ShutdownAsync().Wait(HangGuard)) throw new TimeoutException("The runtime's threads did not exit.");
        if (!Panics.IsEmpty) throw new Xunit.Sdk.XunitException("Unexpected panic: " + Panics.First().Exception);
    }
}
