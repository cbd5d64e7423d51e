using System.Diagnostics;
using System.Runtime.CompilerServices;
using Weft.Channels;
using Weft.Scheduling;

namespace Weft;

/// <summary>
/// The channel's lock entry and exit, and the invariants (see the class remarks) they check in DEBUG builds. Every
/// path takes the lock through <see cref="Lock"/> and leaves through <see cref="Unlock"/>, so the checks cover the
/// direct operations, select, close, cancellation, timers and snapshots alike.
/// </summary>
public sealed partial class Chan<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Lock()
    {
        _lock.Enter();
        AssertInvariants();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Unlock()
    {
        AssertInvariants();
        _lock.Exit();
    }

    [Conditional("DEBUG")]
    private void AssertLockHeld() => Debug.Assert(_lock.IsHeld, "Chan: a locked core was entered without the channel's lock");

    [Conditional("DEBUG")]
    private void AssertInvariants()
    {
        AssertLockHeld();
        Debug.Assert(!(_recvq.HasClaimable() && _sendq.HasClaimable()) || IsSingleSelectOnBothSides(),
            "Chan: both the receive and the send queue hold claimable waiters.");
        if (_capacity > 0)
        {
            Debug.Assert(_count == 0 || !_recvq.HasClaimable(), "Chan: the buffer holds values while receivers wait.");
            Debug.Assert(_count == _capacity || !_sendq.HasClaimable(), "Chan: the buffer has space while senders wait.");
        }
        else
        {
            Debug.Assert(_count == 0, "Chan: an unbuffered channel holds values.");
        }

        Debug.Assert(_count >= 0 && _count <= _capacity, "Chan: the buffer count is out of range.");
        Debug.Assert(!_closed || !_sendq.HasClaimable(), "Chan: senders wait on a closed channel.");
    }

    /// <summary>
    /// DEBUG only: true when every claimable waiter in both queues is a case of one and the same select (a select
    /// sending to and receiving from this unbuffered channel). Caller holds the lock.
    /// </summary>
    private bool IsSingleSelectOnBothSides()
    {
        if (_capacity != 0) return false;
        SelectState? owner = null;
        foreach (var queue in new[] { _recvq, _sendq })
        {
            for (var w = queue.First; w is not null; w = w.Next)
            {
                if (!w.CanClaim) continue;
                if (w is not SelectWaiter sw) return false;
                owner ??= sw.State;
                if (!ReferenceEquals(owner, sw.State)) return false;
            }
        }

        return true;
    }
}
