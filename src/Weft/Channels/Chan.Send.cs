using System.Runtime.CompilerServices;
using Weft.Channels;
using Weft.Scheduling;

namespace Weft;

/// <summary>The send direction: the public operations and the one locked core they share.</summary>
public sealed partial class Chan<T>
{
    /// <summary>
    /// Sends <paramref name="value"/>, waiting until a receiver takes it (unbuffered) or buffer space exists.
    /// Throws <see cref="ChannelClosedException"/> if the channel is closed before or while waiting.
    /// </summary>
    public SendAwaitable<T> SendAsync(T value) => new(this, value, default);

    /// <summary>As <see cref="SendAsync(T)"/>; a cancellation withdraws the waiting send and throws <see cref="OperationCanceledException"/>.</summary>
    public SendAwaitable<T> SendAsync(T value, CancellationToken cancellationToken) => new(this, value, cancellationToken);

    /// <summary>As <see cref="SendAsync(T, CancellationToken)"/>, ended by the context's cancellation.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    public SendAwaitable<T> SendAsync(T value, GoContext context) => new(this, value, GoContext.TokenOf(context));

    /// <summary>
    /// Sends without waiting: true when a receiver took the value or it was buffered, false when the send would block.
    /// </summary>
    /// <exception cref="ChannelClosedException">The channel is closed.</exception>
    public bool TrySend(T value)
    {
        Diagnostics.ChanMetrics.Send();
        // Go's chansend fast path: a non-blocking send on an open, full channel fails without the lock.
        if (!_closed && IsFull) return false;
        return TrySendLocked(value) switch
        {
            OpResult.Completed => true,
            OpResult.Closed => throw new ChannelClosedException(),
            _ => false,
        };
    }

    /// <summary>Sends, blocking the calling thread. For synchronous code outside goroutines.</summary>
    /// <exception cref="ChannelClosedException">The channel is closed.</exception>
    /// <exception cref="InvalidOperationException">Called from inside a goroutine (use <see cref="SendAsync(T)"/>).</exception>
    public void Send(T value)
    {
        ThrowIfGoroutine(nameof(Send), nameof(SendAsync));
        var awaiter = SendAsync(value).GetAwaiter();
        if (!awaiter.IsCompleted) BlockOn(ref awaiter);
        awaiter.GetResult();
    }

    /// <summary>A racy "a send would block" for the lock-free fast path (read without the lock).</summary>
    private bool IsFull => _capacity == 0 ? _recvq.IsEmpty : Volatile.Read(ref _count) == _capacity;

    /// <summary>
    /// The send core, shared by every send path: hand <paramref name="value"/> to the first claimable receiver (its
    /// slot filled, <paramref name="wake"/> set for the caller to wake after unlocking), or buffer it, or report
    /// <see cref="OpResult.Closed"/> / <see cref="OpResult.WouldBlock"/> with nothing changed. Caller holds the lock.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private OpResult SendLocked(T value, out Waiter? wake)
    {
        AssertLockHeld();
        wake = null;
        if (_closed) return OpResult.Closed;

        if (_recvq.DequeueClaimable() is { } receiver)
        {
            // Direct hand-off into the waiting receiver's slot (Go's send → sendDirect).
            ElemSlot<T>.Store(receiver, value);
            receiver.Success = true;
            wake = receiver;
            return OpResult.Completed;
        }

        if (_count < _capacity)
        {
            Enqueue(value);
            return OpResult.Completed;
        }

        return OpResult.WouldBlock;
    }

    /// <summary>One locked send attempt that never parks.</summary>
    internal OpResult TrySendLocked(T value)
    {
        Lock();
        var result = SendLocked(value, out var wake);
        Unlock();
        wake?.Wake();
        return result;
    }

    /// <summary>
    /// Locked send that parks <paramref name="waiter"/> (its slot already holds the value) when the send cannot
    /// complete. When it completes at once (or the channel is closed), the waiter is woken immediately so the
    /// caller resumes.
    /// </summary>
    internal void SendOrPark(T value, Waiter waiter)
    {
        Lock();
        var result = SendLocked(value, out var receiver);
        if (result == OpResult.WouldBlock)
        {
            _sendq.Enqueue(waiter);
            Unlock();
            return;
        }

        ElemSlot<T>.Clear(waiter);
        waiter.Success = result == OpResult.Completed;
        Unlock();
        receiver?.Wake();
        waiter.Wake();
    }
}
