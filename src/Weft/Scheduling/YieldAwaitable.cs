using System.Runtime.CompilerServices;
using Weft.Scheduling;
using Weft.Tasks;

namespace Weft;

/// <summary>The awaitable of <see cref="Go.Yield"/>.</summary>
public readonly struct YieldAwaitable
{
    /// <summary>Gets the awaiter; part of the await pattern.</summary>
    public YieldAwaiter GetAwaiter() => default;
}

/// <summary>
/// Awaiter of <see cref="Go.Yield"/> (Go's <c>runtime.Gosched</c>): the goroutine goes to the back of the global run
/// queue and every other runnable goroutine gets a turn first. Outside a goroutine it behaves like
/// <see cref="Task.Yield"/>.
/// </summary>
public readonly struct YieldAwaiter : ICriticalNotifyCompletion, IGoAwaiter
{
    /// <summary>Always false: a yield always suspends.</summary>
    public bool IsCompleted => false;

    /// <summary>Part of the await pattern.</summary>
    public void GetResult()
    {
    }

    /// <inheritdoc />
    public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

    /// <inheritdoc />
    public void UnsafeOnCompleted(Action continuation)
    {
        var g = G.Current;
        var frame = GoFrame.TakeSuspending(continuation, g);
        if (g is not null && (frame is null || frame.Owner == g))
        {
            Park.Yield(g, frame, continuation);
            return;
        }

        if (frame is not null) frame.Wake();
        else ThreadPool.UnsafeQueueUserWorkItem(static c => ((Action)c!)(), continuation, preferLocal: false);
    }
}
