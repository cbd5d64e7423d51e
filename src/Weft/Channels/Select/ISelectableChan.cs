using Weft.Scheduling;

namespace Weft.Channels;

/// <summary>
/// What <see cref="Select"/> needs from a channel, without knowing its element type. Methods marked "Caller holds
/// the lock" run between <see cref="Lock"/> and <see cref="Unlock"/>, which select takes in <see cref="Id"/> order.
/// </summary>
internal interface ISelectableChan
{
    /// <summary>The global lock order.</summary>
    long Id { get; }

    /// <summary>The element type, for checking <see cref="SelectResult.Value{T}"/>.</summary>
    Type ElementType { get; }

    void Lock();

    void Unlock();

    /// <summary>
    /// Caller holds the lock. Tries to receive into <paramref name="result"/>; on success the sender to wake (if any)
    /// comes back in <paramref name="wake"/>.
    /// </summary>
    bool SelectTryReceive(ref SelectOutcome result, out Waiter? wake);

    /// <summary>
    /// Caller holds the lock. Tries to send the value held in <paramref name="node"/>'s slot. Closed means the
    /// select must throw (send on closed channel).
    /// </summary>
    OpResult SelectTrySend(Waiter node, out Waiter? wake);

    /// <summary>Caller holds the lock. Parks <paramref name="node"/> on the send or receive queue.</summary>
    void SelectEnqueue(Waiter node, bool send);

    /// <summary>Caller holds the lock. Withdraws <paramref name="node"/> if it is still queued; true if it was.</summary>
    bool SelectDequeue(Waiter node, bool send);

    /// <summary>After the select won through <paramref name="node"/> (a receive): moves its value into <paramref name="result"/>.</summary>
    void SelectTakeReceived(Waiter node, ref SelectOutcome result);

    /// <summary>Drops whatever value <paramref name="node"/> still holds (an unsent select send).</summary>
    void SelectClear(Waiter node);

    /// <summary>Before the poll, no lock held: a due timer channel fires now.</summary>
    void BeforeSelectReceive();

    /// <summary>After a receive case was enqueued, no lock held: a timer channel makes sure its timer is scheduled.</summary>
    void AfterSelectEnqueueReceive();

    /// <summary>After a receive case was withdrawn, no lock held: a timer channel nobody waits on leaves the heap.</summary>
    void AfterSelectWithdrawReceive();
}
