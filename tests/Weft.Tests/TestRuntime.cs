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

    /// <param name="detectDeadlocks">
    /// False for tests where plain test code (not a goroutine) feeds the goroutines through channels: the runtime
    /// cannot see that code, so a goroutine waiting for it would look deadlocked.
    /// </param>
    public TestRuntime(int maxProcs = 2, bool trackCreationSites = false, TextWriter? diagnostics = null, bool detectDeadlocks = true)
    {
        Runtime = new GoRuntime(new GoOptions
        {
            MaxProcs = maxProcs,
            PanicHandler = p => Panics.Enqueue(p),
            TrackCreationSites = trackCreationSites,
            DiagnosticOutput = diagnostics,
            DetectDeadlocks = detectDeadlocks,
            Name = "test",
        });
    }

    /// <summary>Runs <paramref name="main"/> as a goroutine and waits for it (with the hang guard).</summary>
    public void Run(Func<GoTask> main)
    {
        var task = Runtime.RunAsync(main);
        WaitWithHangGuard(task);
        task.GetAwaiter().GetResult();
    }

    /// <summary>Runs <paramref name="main"/> as a goroutine and returns its result (with the hang guard).</summary>
    public T Run<T>(Func<GoTask<T>> main)
    {
        var task = Runtime.RunAsync(main);
        WaitWithHangGuard(task);
        return task.GetAwaiter().GetResult();
    }

    /// <summary>Waits for completion (not for success: the caller observes the outcome) with the hang guard.</summary>
    public static void WaitWithHangGuard(Task task)
    {
        if (!((IAsyncResult)task).AsyncWaitHandle.WaitOne(HangGuard))
            throw new TimeoutException("The goroutine did not finish within the hang guard.");
    }

    private bool _ignoreLeaks;

    /// <summary>The test leaves goroutines parked on purpose (a deadlock, a select {}): skip the leak check.</summary>
    public void IgnoreLeaks() => _ignoreLeaks = true;

    public void Dispose()
    {
        Exception? leak = null;
        if (!_ignoreLeaks)
        {
            try
            {
                // A generous window: goroutines that are just finishing may wait for a CPU on a loaded 2-core machine.
                GoLeak.VerifyNone(Runtime, new GoLeakOptions { MaxWait = TimeSpan.FromSeconds(5) });
            }
            catch (GoroutineLeakException e)
            {
                leak = e;
            }
        }

        if (!Runtime.ShutdownAsync().Wait(HangGuard)) throw new TimeoutException("The runtime's threads did not exit.");
        if (leak is not null) throw leak;
        if (!Panics.IsEmpty) throw new Xunit.Sdk.XunitException("Unexpected panic: " + Panics.First().Exception);
    }
}
