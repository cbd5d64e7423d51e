namespace Weft.Timers;

/// <summary>
/// A timer kept in a P's <see cref="TimerHeap"/> and fired by the scheduler itself (Go's runtime <c>timer</c>).
/// </summary>
/// <remarks>
/// <see cref="When"/>, <see cref="HeapIndex"/> and <see cref="Heap"/> are protected by the lock of the heap the
/// timer is in. <see cref="Fire"/> runs after the timer has been removed, outside any lock, on an M.
/// </remarks>
internal abstract class RuntimeTimer
{
    /// <summary>When the timer is due, in <see cref="Scheduling.Clock"/> nanoseconds.</summary>
    internal long When;

    /// <summary>Position in the heap's array, or -1 when not in a heap.</summary>
    internal int HeapIndex = -1;

    /// <summary>The heap holding the timer, or null. Read racily to find the lock to take, then re-checked.</summary>
    internal volatile TimerHeap? Heap;

    /// <summary>The timer is due. Runs on an M (usually holding a P), outside the heap lock.</summary>
    internal abstract void Fire(long now);
}
