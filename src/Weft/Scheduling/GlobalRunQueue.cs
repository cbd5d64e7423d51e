using System.Diagnostics;

namespace Weft.Scheduling;

/// <summary>
/// The runtime-wide FIFO of runnable goroutines (Go's <c>sched.runq</c>): where new goroutines from outside the
/// runtime, yields, preempted goroutines and local-queue overflow go. A growable ring.
/// </summary>
/// <remarks>Every method except <see cref="Count"/> requires the scheduler lock (<c>Caller holds sched lock.</c>).</remarks>
internal sealed class GlobalRunQueue
{
    private const int InitialCapacity = 64;
    private const int ShrinkAbove = 4096;

    /// <summary>The lock the mutating methods assert in DEBUG; null for a queue no scheduler owns (unit tests).</summary>
    private readonly object? _schedulerLock;
    private G?[] _ring = new G?[InitialCapacity];
    private int _head;
    private int _count;

    internal GlobalRunQueue(object? schedulerLock = null) => _schedulerLock = schedulerLock;

    /// <summary>Racy snapshot for lock-free "is there work" checks. Any thread.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Appends one goroutine. Caller holds sched lock.</summary>
    public void Push(G g)
    {
        AssertLocked();
        if (_count == _ring.Length) Grow();
        _ring[(_head + _count) % _ring.Length] = g;
        Volatile.Write(ref _count, _count + 1);
    }

    /// <summary>Appends a batch in order. Caller holds sched lock.</summary>
    public void PushBatch(G[] batch, int count)
    {
        AssertLocked();
        while (_count + count > _ring.Length) Grow();
        int added = 0;
        for (int i = 0; i < count; i++)
        {
            if (batch[i] is null) continue; // forgotten slot of a local queue
            _ring[(_head + _count + added) % _ring.Length] = batch[i];
            added++;
        }

        Volatile.Write(ref _count, _count + added);
    }

    /// <summary>Removes the oldest goroutine, or null. Caller holds sched lock.</summary>
    public G? Pop()
    {
        AssertLocked();
        if (_count == 0) return null;
        var g = _ring[_head];
        _ring[_head] = null;
        _head = (_head + 1) % _ring.Length;
        Volatile.Write(ref _count, _count - 1);
        if (_count == 0 && _ring.Length > ShrinkAbove)
        {
            // A burst (a million spawns) is over: do not keep its ring.
            _ring = new G?[InitialCapacity];
            _head = 0;
        }

        Debug.Assert(g is not null, "GlobalRunQueue.Pop: empty slot inside the live range");
        return g;
    }

    [Conditional("DEBUG")]
    private void AssertLocked() =>
        Debug.Assert(_schedulerLock is null || Monitor.IsEntered(_schedulerLock), "GlobalRunQueue: the global queue needs the scheduler lock");

    private void Grow()
    {
        var bigger = new G?[_ring.Length * 2];
        for (int i = 0; i < _count; i++) bigger[i] = _ring[(_head + i) % _ring.Length];
        _ring = bigger;
        _head = 0;
    }
}
