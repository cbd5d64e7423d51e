using System.Diagnostics;

namespace Weft.Tests.Channels;

/// <summary>Helpers for channel tests: deterministic waits on observable state, bounded by the hang guard.</summary>
internal static class ChanTestUtil
{
    /// <summary>
    /// Inside a goroutine: yields until <paramref name="condition"/> holds (e.g. "a receiver is parked on c"). Not a
    /// sleep-and-hope: the condition is the event itself; the hang guard only turns a bug into a failure.
    /// </summary>
    public static async GoTask WaitUntil(Func<bool> condition, string what = "condition")
    {
        var sw = Stopwatch.StartNew();
        int spins = 0;
        while (!condition())
        {
            if (sw.Elapsed > TestRuntime.HangGuard) throw new TimeoutException($"Timed out waiting for: {what}");
            // Yield first (lets a goroutine on this P run), then back off to short sleeps (lets other Ps run).
            if (++spins < 100) await Go.Yield();
            else await Go.Sleep(TimeSpan.FromMilliseconds(0.2));
        }
    }

    /// <summary>Outside goroutines: spins (then sleeps) until <paramref name="condition"/> holds, with the hang guard.</summary>
    public static void SpinUntil(Func<bool> condition, string what = "condition")
    {
        if (!SpinWait.SpinUntil(condition, TestRuntime.HangGuard))
            throw new TimeoutException($"Timed out waiting for: {what}");
    }

    /// <summary>Waits for a Task with the hang guard and rethrows its exception.</summary>
    public static T WaitGuarded<T>(this Task<T> task)
    {
        if (!task.Wait(TestRuntime.HangGuard)) throw new TimeoutException("The task did not complete within the hang guard.");
        return task.GetAwaiter().GetResult();
    }

    /// <summary>Waits for a Task with the hang guard; its exception comes out wrapped, as from Task.Wait.</summary>
    public static void WaitGuarded(this Task task)
    {
        if (!task.Wait(TestRuntime.HangGuard)) throw new TimeoutException("The task did not complete within the hang guard.");
    }

    /// <summary>Polls (outside goroutines) until the runtime's goroutine count is back to <paramref name="baseline"/>.</summary>
    public static void WaitForGoroutines(GoRuntime runtime, int baseline)
    {
        var sw = Stopwatch.StartNew();
        while (runtime.NumGoroutine > baseline)
        {
            if (sw.Elapsed > TestRuntime.HangGuard)
                throw new TimeoutException($"{runtime.NumGoroutine - baseline} goroutine(s) still alive (baseline {baseline}).");
            Thread.Sleep(1);
        }
    }
}
