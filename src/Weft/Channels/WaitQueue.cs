using System.Runtime.CompilerServices;
using System.Diagnostics;
using Weft.Scheduling;

namespace Weft.Channels;

/// <summary>
/// A FIFO of parked operations (Go's <c>waitq</c>), linked through the waiters themselves. Caller holds the owning
/// channel's lock for every method.
/// </summary>
internal struct WaitQueue
{
    private Waiter? _first;
    private Waiter? _last;

    public readonly bool IsEmpty => _first is null;

    public readonly Waiter? First => _first;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Enqueue(Waiter w)
    {
        Debug.Assert(!w.Enqueued, "WaitQueue.Enqueue: waiter already in a queue");
        w.Next = null;
        w.Prev = _last;
        if (_last is null) _first = w;
        else _last.Next = w;
        _last = w;
        w.Enqueued = true;
    }

    /// <summary>
    /// Unlinks <paramref name="w"/> if it is enqueued; returns whether it was. The caller must know that
    /// <paramref name="w"/> is in this queue and not in another one (checked in DEBUG builds).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Remove(Waiter w)
    {
        if (!w.Enqueued) return false;
        Debug.Assert(Contains(w), "WaitQueue.Remove: the waiter is enqueued in another queue");
        if (w.Prev is null) _first = w.Next;
        else w.Prev.Next = w.Next;
        if (w.Next is null) _last = w.Prev;
        else w.Next.Prev = w.Prev;
        w.Next = w.Prev = null;
        w.Enqueued = false;
        return true;
    }

    /// <summary>
    /// Removes and returns the first waiter that can still be claimed. Select waiters whose select already won
    /// through another case are dropped on the way (Go's <c>dequeue</c> skipping a lost <c>selectDone</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Waiter? DequeueClaimable()
    {
        while (_first is { } w)
        {
            Remove(w);
            if (w.TryClaim()) return w;
        }

        return null;
    }

    private readonly bool Contains(Waiter w)
    {
        for (var x = _first; x is not null; x = x.Next)
            if (ReferenceEquals(x, w)) return true;
        return false;
    }

    /// <summary>The number of waiters that could still be claimed (for tests and diagnostics).</summary>
    public readonly int CountClaimable()
    {
        int n = 0;
        for (var w = _first; w is not null; w = w.Next)
            if (w.CanClaim) n++;
        return n;
    }

    /// <summary>True when some waiter could still be claimed (stale select waiters do not count).</summary>
    public readonly bool HasClaimable()
    {
        for (var w = _first; w is not null; w = w.Next)
            if (w.CanClaim) return true;
        return false;
    }
}
