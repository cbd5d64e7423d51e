using Weft.Channels;
using Weft.Scheduling;

namespace Weft;

/// <summary>Closing a channel, and withdrawing a waiting operation whose token was canceled.</summary>
public sealed partial class Chan<T>
{
    /// <summary>
    /// Closes the channel: waiting receivers wake with (default, false), waiting senders fail with
    /// <see cref="ChannelClosedException"/>, later sends throw, and receives drain the buffer before returning
    /// (default, false).
    /// </summary>
    /// <exception cref="InvalidOperationException">The channel is already closed ("close of closed channel").</exception>
    public void Close()
    {
        Waiter? wake = null;
        Lock();
        if (_closed)
        {
            Unlock();
            throw new InvalidOperationException("close of closed channel");
        }

        _closed = true;
        // Collect the claimable waiters, chained through Next (free once they are out of the queues).
        while (_recvq.DequeueClaimable() is { } receiver)
        {
            ElemSlot<T>.Clear(receiver);
            receiver.Success = false;
            receiver.Next = wake;
            wake = receiver;
        }

        while (_sendq.DequeueClaimable() is { } sender)
        {
            ElemSlot<T>.Clear(sender);
            sender.Success = false;
            sender.Next = wake;
            wake = sender;
        }

        Unlock();

        // Wake in queue order (the chain is reversed).
        Waiter? ordered = null;
        while (wake is not null)
        {
            var next = wake.Next;
            wake.Next = ordered;
            ordered = wake;
            wake = next;
        }

        while (ordered is not null)
        {
            var next = ordered.Next;
            ordered.Next = null;
            ordered.Wake();
            ordered = next;
        }
    }

    /// <summary>
    /// A waiting operation's token was canceled: withdraw <paramref name="waiter"/> if no channel operation has
    /// claimed it yet. Any thread.
    /// </summary>
    internal void Cancel(ChanWaiter<T> waiter)
    {
        Lock();
        if (!waiter.Enqueued || !waiter.TryClaim())
        {
            Unlock();
            return;
        }

        // Withdraw from the queue the operation is in. (WaitQueue.Remove only checks Enqueued, not membership:
        // removing a sender through the receive queue corrupted both queues and left a removed waiter at the
        // head of the send queue, on which the next DequeueClaimable spun forever under the lock.)
        bool wasReceiver = !waiter.IsSend;
        if (waiter.IsSend) _sendq.Remove(waiter);
        else _recvq.Remove(waiter);
        ElemSlot<T>.Clear(waiter);
        waiter.Canceled = true;
        waiter.Success = false;
        Unlock();
        if (wasReceiver) _timer?.OnReceiverLeft();
        waiter.Wake();
    }
}
