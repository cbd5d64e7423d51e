using Weft.Channels;
using Weft.Scheduling;

namespace Weft;

/// <summary>The synchronous (thread-blocking) operations' helpers, for code outside goroutines.</summary>
public sealed partial class Chan<T>
{
    private static void ThrowIfGoroutine(string method, string asyncMethod)
    {
        if (G.Current is not null)
            throw new InvalidOperationException(
                $"Chan<T>.{method} blocks the OS thread and cannot be used inside a goroutine; await {asyncMethod} instead.");
    }

    /// <summary>Blocks the calling thread until the awaiter completes (synchronous callers only).</summary>
    private static void BlockOn<TAwaiter>(ref TAwaiter awaiter) where TAwaiter : System.Runtime.CompilerServices.ICriticalNotifyCompletion
    {
        var wait = new BlockingWait();
        awaiter.UnsafeOnCompleted(wait.Signal);
        wait.Wait();
    }
}
