namespace Weft;

/// <summary>Snapshots of a channel's state for adapters, tests and diagnostics (never for a decision under the lock).</summary>
public sealed partial class Chan<T>
{
    /// <summary>True once <see cref="Close"/> has run. A racy snapshot (adapters, diagnostics).</summary>
    internal bool IsClosed => _closed;

    /// <summary>
    /// True when a send would complete now (a receiver waits, or the buffer has room) or the channel is closed (a
    /// send would fail now). A snapshot under the lock, for <c>ChanAdapters</c>' WaitToWriteAsync.
    /// </summary>
    internal bool SendWouldNotBlock
    {
        get
        {
            Lock();
            bool ready = _closed || _recvq.HasClaimable() || _count < _capacity;
            Unlock();
            return ready;
        }
    }

    /// <summary>
    /// Claimable waiters parked on each queue (stale select entries excluded). A snapshot for tests and
    /// diagnostics: walks both queues under the lock.
    /// </summary>
    internal (int Receivers, int Senders) WaitingCounts
    {
        get
        {
            Lock();
            var counts = (_recvq.CountClaimable(), _sendq.CountClaimable());
            Unlock();
            return counts;
        }
    }
}
