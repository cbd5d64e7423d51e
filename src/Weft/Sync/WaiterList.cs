namespace Weft.Synchronization;

/// <summary>
/// An intrusive doubly linked FIFO of <see cref="SyncWaiter"/>s (through their Next/Prev links). Not thread-safe:
/// every use is under the owning primitive's lock.
/// </summary>
internal struct WaiterList
{
    private SyncWaiter? _head, _tail;
    private int _count;

    /// <summary>The first waiter, or null.</summary>
    public readonly SyncWaiter? First => _head;

    /// <summary>Waiters in the list.</summary>
    public readonly int Count => _count;

    /// <summary>Appends <paramref name="w"/>, or puts it first when <paramref name="front"/> (LIFO re-queue).</summary>
    public void Add(SyncWaiter w, bool front = false)
    {
        w.Queued = true;
        if (_head is null)
        {
            _head = _tail = w;
        }
        else if (front)
        {
            w.Next = _head;
            _head.Prev = w;
            _head = w;
        }
        else
        {
            w.Prev = _tail;
            _tail!.Next = w;
            _tail = w;
        }

        _count++;
    }

    /// <summary>Removes <paramref name="w"/>, which must be in this list.</summary>
    public void Remove(SyncWaiter w)
    {
        if (w.Prev is null) _head = w.Next;
        else w.Prev.Next = w.Next;
        if (w.Next is null) _tail = w.Prev;
        else w.Next.Prev = w.Prev;
        w.Next = w.Prev = null;
        w.Queued = false;
        _count--;
    }

    /// <summary>Removes and returns the first waiter, or null.</summary>
    public SyncWaiter? RemoveFirst()
    {
        var w = _head;
        if (w is not null) Remove(w);
        return w;
    }
}
