using System.Runtime.CompilerServices;
using Weft.Channels;
using Weft.Scheduling;

namespace Weft;

/// <summary>The receive direction: the public operations and the one locked core they share.</summary>
public sealed partial class Chan<T>
{
    /// <summary>
    /// Receives a value, waiting until one is available; once the channel is closed and drained, returns
    /// <c>default</c> at once (use <see cref="ReceiveWithOkAsync()"/> to tell the two apart).
    /// </summary>
    public ReceiveAwaitable<T> ReceiveAsync() => new(this, default);

    /// <summary>As <see cref="ReceiveAsync()"/>; a cancellation withdraws the waiting receive and throws <see cref="OperationCanceledException"/>.</summary>
    public ReceiveAwaitable<T> ReceiveAsync(CancellationToken cancellationToken) => new(this, cancellationToken);

    /// <summary>As <see cref="ReceiveAsync(CancellationToken)"/>, ended by the context's cancellation.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    public ReceiveAwaitable<T> ReceiveAsync(GoContext context) => new(this, GoContext.TokenOf(context));

    /// <summary>
    /// Receives like Go's <c>v, ok := &lt;-ch</c>: <c>Ok</c> is true for a value sent on the channel, false for the
    /// default value a closed, drained channel yields.
    /// </summary>
    public ReceiveWithOkAwaitable<T> ReceiveWithOkAsync() => new(this, default);

    /// <summary>As <see cref="ReceiveWithOkAsync()"/>, with cancellation.</summary>
    public ReceiveWithOkAwaitable<T> ReceiveWithOkAsync(CancellationToken cancellationToken) => new(this, cancellationToken);

    /// <summary>As <see cref="ReceiveWithOkAsync(CancellationToken)"/>, ended by the context's cancellation.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    public ReceiveWithOkAwaitable<T> ReceiveWithOkAsync(GoContext context) => new(this, GoContext.TokenOf(context));

    /// <summary>Receives without waiting: true with a value when one was available, false otherwise (also when closed and drained).</summary>
    public bool TryReceive(out T value) => TryReceive(out value, out bool ok) && ok;

    /// <summary>
    /// Receives without waiting, like Go's <c>select { case v, ok := &lt;-ch: ... default: }</c>: true when the receive
    /// completed (<paramref name="ok"/> false: the channel is closed and drained), false when it would block.
    /// </summary>
    public bool TryReceive(out T value, out bool ok)
    {
        Diagnostics.ChanMetrics.Receive();
        _timer?.MaybeRun();

        // Go's chanrecv fast path: empty and open means "would block" without taking the lock; empty and closed
        // (re-checking emptiness after seeing closed, as Go does) means (default, false).
        if (IsEmpty)
        {
            if (!_closed)
            {
                value = default!;
                ok = false;
                return false;
            }

            if (IsEmpty)
            {
                value = default!;
                ok = false;
                return true;
            }
        }

        return TryReceiveLocked(out value, out ok) == OpResult.Completed;
    }

    /// <summary>Receives, blocking the calling thread. For synchronous code outside goroutines.</summary>
    /// <exception cref="InvalidOperationException">Called from inside a goroutine (use <see cref="ReceiveAsync()"/>).</exception>
    public T Receive() => ReceiveWithOk().Value;

    /// <summary>Receives with the ok flag, blocking the calling thread. For synchronous code outside goroutines.</summary>
    /// <exception cref="InvalidOperationException">Called from inside a goroutine (use <see cref="ReceiveWithOkAsync()"/>).</exception>
    public (T Value, bool Ok) ReceiveWithOk()
    {
        ThrowIfGoroutine(nameof(Receive), nameof(ReceiveAsync));
        var awaiter = ReceiveWithOkAsync().GetAwaiter();
        if (!awaiter.IsCompleted) BlockOn(ref awaiter);
        return awaiter.GetResult();
    }

    /// <summary>A racy "a receive would block" for the lock-free fast path (read without the lock).</summary>
    private bool IsEmpty => _capacity == 0 ? _sendq.IsEmpty : Volatile.Read(ref _count) == 0;

    /// <summary>
    /// The receive core, shared by every receive path: closed and drained gives (default, ok false); else take from
    /// the first claimable sender (<paramref name="wake"/> set for the caller to wake after unlocking) or from the
    /// buffer; else <see cref="OpResult.WouldBlock"/> with nothing changed. Never returns
    /// <see cref="OpResult.Closed"/>: a receive on a closed channel completes. Caller holds the lock.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private OpResult ReceiveLocked(out T value, out bool ok, out Waiter? wake)
    {
        AssertLockHeld();
        wake = null;
        if (_closed && _count == 0)
        {
            value = default!;
            ok = false;
            return OpResult.Completed;
        }

        if (_sendq.DequeueClaimable() is { } sender)
        {
            value = TakeFromSender(sender);
            sender.Success = true;
            wake = sender;
            ok = true;
            return OpResult.Completed;
        }

        if (_count > 0)
        {
            value = Dequeue();
            ok = true;
            return OpResult.Completed;
        }

        value = default!;
        ok = false;
        return OpResult.WouldBlock;
    }

    /// <summary>One locked receive attempt that never parks: Completed (a value, or closed and drained), or WouldBlock.</summary>
    internal OpResult TryReceiveLocked(out T value, out bool ok)
    {
        Lock();
        var result = ReceiveLocked(out value, out ok, out var sender);
        Unlock();
        sender?.Wake();
        return result;
    }

    /// <summary>
    /// Locked receive that parks <paramref name="waiter"/> when nothing is available. When it completes at once
    /// (value or close), the value goes into the waiter's slot and the waiter is woken immediately.
    /// </summary>
    internal void ReceiveOrPark(Waiter waiter)
    {
        Lock();
        if (ReceiveLocked(out var value, out bool ok, out var sender) == OpResult.WouldBlock)
        {
            _recvq.Enqueue(waiter);
            Unlock();
            _timer?.EnsureScheduled();
            return;
        }

        if (ok) ElemSlot<T>.Store(waiter, value);
        else ElemSlot<T>.Clear(waiter);
        waiter.Success = ok;
        Unlock();
        sender?.Wake();
        waiter.Wake();
    }
}
