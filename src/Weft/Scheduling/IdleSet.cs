using System.Diagnostics;

namespace Weft.Scheduling;

/// <summary>An element of an <see cref="IdleSet{T}"/>: a P or an M, linked intrusively (no allocation per park).</summary>
internal interface IIdleLinked<T>
    where T : class
{
    /// <summary>The next element of the set this one is in, or null. Only the owning set reads or writes it.</summary>
    T? IdleLink { get; set; }
}

/// <summary>
/// The scheduler's idle Ps or idle Ms (Go's <c>sched.pidle</c>/<c>npidle</c> and <c>sched.midle</c>/<c>nmidle</c>):
/// an intrusive LIFO stack that owns its count, so the list and the count can never disagree.
/// </summary>
/// <remarks>
/// Invariants: every mutation happens under the scheduler lock (asserted in DEBUG); <see cref="Count"/> equals the
/// number of linked elements; an element is in at most one set, and its link is null while it is in none. The count
/// is published with a volatile write so the lock-free readers (<c>WakeP</c>'s "is a P idle", the deadlock check,
/// sysmon) see a value no older than the last release of the lock. LIFO because the most recently idle P or M is
/// the one whose caches are warmest.
/// </remarks>
internal sealed class IdleSet<T>
    where T : class, IIdleLinked<T>
{
    private readonly object _schedulerLock;
    private T? _head;
    private int _count;

    internal IdleSet(object schedulerLock) => _schedulerLock = schedulerLock;

    /// <summary>The number of elements: a snapshot without the lock, exact under it.</summary>
    internal int Count => Volatile.Read(ref _count);

    /// <summary>Adds <paramref name="item"/>, which must not be in any set. Caller holds the scheduler lock.</summary>
    internal void Push(T item)
    {
        AssertLocked();
        Debug.Assert(item.IdleLink is null && !ReferenceEquals(_head, item), "IdleSet.Push: already in an idle set");
        item.IdleLink = _head;
        _head = item;
        Volatile.Write(ref _count, _count + 1);
    }

    /// <summary>Removes and returns the most recently added element, or null. Caller holds the scheduler lock.</summary>
    internal T? Pop()
    {
        AssertLocked();
        var item = _head;
        if (item is null) return null;
        _head = item.IdleLink;
        item.IdleLink = null;
        Volatile.Write(ref _count, _count - 1);
        return item;
    }

    /// <summary>Unlinks <paramref name="target"/>; false when it is not in the set. Caller holds the scheduler lock.</summary>
    internal bool Remove(T target)
    {
        AssertLocked();
        T? previous = null;
        for (var item = _head; item is not null; previous = item, item = item.IdleLink)
        {
            if (!ReferenceEquals(item, target)) continue;
            if (previous is null) _head = item.IdleLink;
            else previous.IdleLink = item.IdleLink;
            item.IdleLink = null;
            Volatile.Write(ref _count, _count - 1);
            return true;
        }

        return false;
    }

    [Conditional("DEBUG")]
    private void AssertLocked() =>
        Debug.Assert(Monitor.IsEntered(_schedulerLock), "IdleSet: the idle sets need the scheduler lock");
}
