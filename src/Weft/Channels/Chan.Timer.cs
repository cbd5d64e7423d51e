using Weft.Channels;

namespace Weft;

/// <summary>The channel side of <see cref="Time"/>'s timers and tickers (Go 1.23 semantics: one slot, reported unbuffered).</summary>
public sealed partial class Chan<T>
{
    /// <summary>The timer fired: deliver the time unless a value is already waiting. Called under the timer's lock.</summary>
    internal void TrySendTimer(T value)
    {
        if (TrySendLocked(value) == OpResult.Completed) return;
        // Full: a tick nobody received yet; drop this one, as Go's tickers do.
    }

    /// <summary>Stop/Reset: discard a fired value nobody received. True if there was one. Under the timer's lock.</summary>
    internal bool DrainTimer() => TryReceiveLocked(out _, out bool ok) == OpResult.Completed && ok;

    /// <summary>True while some receiver waits in the queue (stale select cases included: a harmless over-estimate).</summary>
    internal bool HasWaitingReceivers
    {
        get
        {
            Lock();
            bool waiting = !_recvq.IsEmpty;
            Unlock();
            return waiting;
        }
    }
}
