using Weft.Scheduling;
using Weft.Tasks;

namespace Weft.Channels;

/// <summary>
/// A waiter for one channel operation that cannot use its goroutine's embedded waiter: outside goroutines (the
/// continuation runs on the ThreadPool), for elements that do not fit the inline slot, with a cancellation token,
/// or when the goroutine's own waiter is busy (un-awaited GoTask calls).
/// </summary>
internal sealed class ChanWaiter<T> : TypedWaiter<T>, IChanWaiter
{
    /// <summary>The goroutine to ready with <see cref="Waiter.Frame"/>, or null outside goroutines.</summary>
    internal G? Goroutine;

    G? IChanWaiter.Goroutine => Goroutine;

    /// <summary>Outside goroutines: the continuation to queue to the ThreadPool (when <see cref="Waiter.Frame"/> is null).</summary>
    internal Action? Continuation;

    /// <summary>True for a send, false for a receive: which of the channel's queues a cancellation withdraws it from.</summary>
    internal readonly bool IsSend;

    /// <summary>Set by a cancellation that claimed the waiter before any channel operation did.</summary>
    internal bool Canceled;

    internal CancellationTokenRegistration Registration;

    /// <summary>The runtime that counts this wait as wakeable from outside (see <see cref="Scheduler.EnterCancellableWait"/>), or null.</summary>
    internal Scheduler? CountedWait;

    /// <summary>After the wake-up: drops the cancellation registration and the count it held.</summary>
    internal void EndCancellation()
    {
        Registration.Dispose();
        CountedWait?.ExitCancellableWait();
        CountedWait = null;
    }

    /// <summary>The operation's cancellation token (a cancellable operation always uses a ChanWaiter).</summary>
    internal CancellationToken Token;

    internal ChanWaiter(G? goroutine, bool isSend)
    {
        Goroutine = goroutine;
        IsSend = isSend;
    }

    /// <summary>Routes the wake-up: a goroutine frame, a frame outside goroutines, or a plain continuation.</summary>
    public void SetResumption(GoFrame? frame, Action continuation)
    {
        if (Goroutine is { } g)
        {
            Frame = Park.FrameOf(g, frame, continuation);
        }
        else if (frame is not null)
        {
            Frame = frame;
        }
        else
        {
            Continuation = continuation;
        }
    }

    /// <summary>A cancellation of a wait on a nil channel: nothing to withdraw from, just wake.</summary>
    internal void CancelDetached()
    {
        Canceled = true;
        Wake();
    }

    internal override void Wake()
    {
        if (Goroutine is { } g)
        {
            Park.Ready(g, Frame!);
            return;
        }

        if (Frame is { } frame) frame.Wake();
        else if (Continuation!.Target is BlockingWait) Continuation(); // just sets an event: no ThreadPool hop
        else ThreadPool.UnsafeQueueUserWorkItem(static c => ((Action)c!)(), Continuation, preferLocal: false);
    }
}

/// <summary>The type-independent side of <see cref="ChanWaiter{T}"/>.</summary>
internal interface IChanWaiter
{
    G? Goroutine { get; }

    void SetResumption(GoFrame? frame, Action continuation);
}

/// <summary>
/// A synchronous caller blocked in <see cref="Chan{T}.Send"/> or <see cref="Chan{T}.Receive"/>. Its wake-up only
/// sets an event, so the waker does it directly: going through the ThreadPool would stall when every pool thread
/// is itself blocked in a channel call.
/// </summary>
internal sealed class BlockingWait
{
    private readonly ManualResetEventSlim _event = new(false, spinCount: 0);

    public void Signal() => _event.Set();

    public void Wait()
    {
        _event.Wait();
        _event.Dispose();
    }
}
