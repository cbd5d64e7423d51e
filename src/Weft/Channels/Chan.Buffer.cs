using System.Diagnostics;
using Weft.Scheduling;

namespace Weft;

/// <summary>The ring buffer of a buffered channel. Every member: caller holds the lock.</summary>
public sealed partial class Chan<T>
{
    /// <summary>
    /// The receive side of a rendezvous with a waiting sender. Unbuffered: take its value. Buffered (then the buffer
    /// is full): take the head, and the sender's value goes to the tail (Go's recv on a full buffer).
    /// </summary>
    private T TakeFromSender(Waiter sender)
    {
        var sent = ElemSlot<T>.Take(sender);
        if (_capacity == 0) return sent;
        Debug.Assert(_count == _capacity, "Chan.TakeFromSender: a sender waits on a buffered channel that is not full");
        var head = _buffer[_recvx];
        _buffer[_recvx] = sent;
        if (++_recvx == _capacity) _recvx = 0;
        _sendx = _recvx;
        return head;
    }

    /// <summary>Appends at the tail; the caller has checked there is room.</summary>
    private void Enqueue(T value)
    {
        _buffer[_sendx] = value;
        if (++_sendx == _capacity) _sendx = 0;
        Volatile.Write(ref _count, _count + 1);
    }

    /// <summary>Takes the head (clearing its cell so the buffer does not keep it alive); the caller has checked there is a value.</summary>
    private T Dequeue()
    {
        var value = _buffer[_recvx];
        _buffer[_recvx] = default!;
        if (++_recvx == _capacity) _recvx = 0;
        Volatile.Write(ref _count, _count - 1);
        return value;
    }
}
