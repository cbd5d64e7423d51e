using Weft.Channels;
using Weft.Scheduling;

namespace Weft;

/// <summary>
/// Select's view of a channel (see <see cref="ISelectableChan"/>): select holds the locks of all its channels (in
/// id order) and uses the same locked cores as the direct operations.
/// </summary>
public sealed partial class Chan<T>
{
    void ISelectableChan.Lock() => Lock();

    void ISelectableChan.Unlock() => Unlock();

    bool ISelectableChan.SelectTryReceive(ref SelectOutcome result, out Waiter? wake)
    {
        if (ReceiveLocked(out var value, out bool ok, out wake) == OpResult.WouldBlock) return false;
        result.SetReceived(value, ok);
        return true;
    }

    OpResult ISelectableChan.SelectTrySend(Waiter node, out Waiter? wake)
    {
        // The case keeps its value until the send completes: a blocked case parks with it.
        var result = SendLocked(ElemSlot<T>.Peek(node), out wake);
        if (result == OpResult.Completed) ElemSlot<T>.Clear(node);
        return result;
    }

    void ISelectableChan.SelectEnqueue(Waiter node, bool send)
    {
        AssertLockHeld();
        if (send) _sendq.Enqueue(node);
        else _recvq.Enqueue(node);
    }

    bool ISelectableChan.SelectDequeue(Waiter node, bool send)
    {
        AssertLockHeld();
        return send ? _sendq.Remove(node) : _recvq.Remove(node);
    }

    void ISelectableChan.SelectTakeReceived(Waiter node, ref SelectOutcome result)
    {
        bool ok = node.Success;
        result.SetReceived(ok ? ElemSlot<T>.Take(node) : default!, ok);
    }

    void ISelectableChan.SelectClear(Waiter node) => ElemSlot<T>.Clear(node);

    void ISelectableChan.BeforeSelectReceive() => _timer?.MaybeRun();

    void ISelectableChan.AfterSelectEnqueueReceive() => _timer?.EnsureScheduled();

    void ISelectableChan.AfterSelectWithdrawReceive() => _timer?.OnReceiverLeft();
}
