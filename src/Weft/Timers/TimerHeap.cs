using System.Diagnostics;

namespace Weft.Timers;

/// <summary>
/// The timers of one P: a 4-ary min-heap on <see cref="RuntimeTimer.When"/> under its own lock (timers are added,
/// stopped and stolen from other threads). <see cref="NextWhen"/> mirrors the root for lock-free checks
/// (Go's <c>timer0When</c>).
/// </summary>
internal sealed class TimerHeap
{
    private readonly object _lock = new();
    private RuntimeTimer[] _heap = new RuntimeTimer[16];
    private int _count;
    private long _nextWhen;

    /// <summary>When the earliest timer is due, or 0 when the heap is empty. Any thread.</summary>
    public long NextWhen => Volatile.Read(ref _nextWhen);

    /// <summary>Number of timers (racy). Any thread.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Adds <paramref name="timer"/> due at <paramref name="when"/>. Returns true when it became the earliest.</summary>
    public bool Add(RuntimeTimer timer, long when)
    {
        lock (_lock) return AddLocked(timer, when);
    }

    /// <summary>Caller holds the lock.</summary>
    private bool AddLocked(RuntimeTimer timer, long when)
    {
        Debug.Assert(timer.Heap is null, "TimerHeap.Add: timer already in a heap");
        timer.When = when;
        if (_count == _heap.Length) Array.Resize(ref _heap, _count * 2);
        timer.HeapIndex = _count;
        _heap[_count] = timer;
        _count++;
        timer.Heap = this;
        SiftUp(timer.HeapIndex);
        UpdateNext();
        return _heap[0] == timer;
    }

    /// <summary>Removes <paramref name="timer"/> if it is still in this heap. Returns true if it was removed.</summary>
    public bool Remove(RuntimeTimer timer)
    {
        lock (_lock)
        {
            if (timer.Heap != this) return false;
            RemoveAt(timer.HeapIndex);
            UpdateNext();
            return true;
        }
    }

    /// <summary>Removes every timer due at <paramref name="now"/> into <paramref name="due"/>; returns how many.</summary>
    public int TakeDue(long now, List<RuntimeTimer> due)
    {
        long next = NextWhen;
        if (next == 0 || next > now) return 0;
        int n = 0;
        lock (_lock)
        {
            while (_count > 0 && _heap[0].When <= now)
            {
                due.Add(_heap[0]);
                RemoveAt(0);
                n++;
            }

            UpdateNext();
        }

        return n;
    }

    /// <summary>
    /// Moves every timer to <paramref name="destination"/> (a P being retired moves its timers to P0). Returns the
    /// earliest moved. Both heaps are locked for the whole move, so a timer is always in one heap or the other: a
    /// Stop or Reset racing the move never finds it in neither and mistakes a pending timer for a fired one. Lock
    /// order: the retired P's heap, then P0's (P0 is never retired, so never a source).
    /// </summary>
    public long MoveAllTo(TimerHeap destination)
    {
        Debug.Assert(destination != this, "TimerHeap.MoveAllTo: moving a heap into itself");
        long earliest = 0;
        lock (_lock)
        {
            lock (destination._lock)
            {
                for (int i = 0; i < _count; i++)
                {
                    var t = _heap[i];
                    _heap[i] = null!;
                    t.Heap = null;
                    destination.AddLocked(t, t.When);
                    if (earliest == 0 || t.When < earliest) earliest = t.When;
                }

                _count = 0;
                UpdateNext();
            }
        }

        return earliest;
    }

    /// <summary>Caller holds the lock.</summary>
    private void RemoveAt(int index)
    {
        var removed = _heap[index];
        int last = --_count;
        if (index != last)
        {
            _heap[index] = _heap[last];
            _heap[index].HeapIndex = index;
            _heap[last] = null!;
            SiftDown(index);
            SiftUp(index);
        }
        else
        {
            _heap[last] = null!;
        }

        removed.HeapIndex = -1;
        removed.Heap = null;
    }

    private void UpdateNext() => Volatile.Write(ref _nextWhen, _count == 0 ? 0 : Math.Max(1, _heap[0].When));

    private void SiftUp(int i)
    {
        var t = _heap[i];
        while (i > 0)
        {
            int parent = (i - 1) / 4;
            if (_heap[parent].When <= t.When) break;
            _heap[i] = _heap[parent];
            _heap[i].HeapIndex = i;
            i = parent;
        }

        _heap[i] = t;
        t.HeapIndex = i;
    }

    private void SiftDown(int i)
    {
        var t = _heap[i];
        while (true)
        {
            int first = i * 4 + 1;
            if (first >= _count) break;
            int best = first;
            int end = Math.Min(first + 4, _count);
            for (int c = first + 1; c < end; c++)
                if (_heap[c].When < _heap[best].When) best = c;
            if (_heap[best].When >= t.When) break;
            _heap[i] = _heap[best];
            _heap[i].HeapIndex = i;
            i = best;
        }

        _heap[i] = t;
        t.HeapIndex = i;
    }
}
