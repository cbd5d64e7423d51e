using System.Runtime.CompilerServices;
using Weft.Tasks;

namespace Weft.Scheduling;

/// <summary>
/// One parked operation in a wait queue (Go's <c>sudog</c>): a channel send or receive, a select case, a lock
/// acquisition. Every goroutine is itself a waiter (<see cref="G"/> derives from this class), so a goroutine's
/// single blocking operation needs no extra object; select cases and operations outside goroutines use their own.
/// </summary>
/// <remarks>
/// Fields are protected by the lock of the queue the waiter is in, except where noted. A waker claims the waiter
/// (<see cref="TryClaim"/>), fills the value slot and <see cref="Success"/> under that lock, and calls
/// <see cref="Wake"/> only after releasing it: no goroutine is readied while a channel lock is held.
/// </remarks>
internal abstract class Waiter
{
    /// <summary>Wait-queue links. Protected by the queue's lock.</summary>
    internal Waiter? Next, Prev;

    /// <summary>True while the waiter is linked in a wait queue. Protected by the queue's lock.</summary>
    internal bool Enqueued
    {
        get => (_queueFlags & 2) != 0;
        set => _queueFlags = (byte)(value ? _queueFlags | 2 : _queueFlags & ~2);
    }

    /// <summary>The frame to resume when woken (goroutine waiters).</summary>
    internal GoFrame? Frame;

    /// <summary>Value slot for elements of reference type.</summary>
    internal object? ElemRef;

    /// <summary>Value slot for unmanaged elements of at most 8 bytes.</summary>
    internal long ElemBits;

    /// <summary>Success (bit 0) and Enqueued (bit 1), packed to keep every goroutine small. Under the queue's lock.</summary>
    private byte _queueFlags;

    /// <summary>Set by the waker: true when a real operation completed it, false when a close woke it.</summary>
    internal bool Success
    {
        get => (_queueFlags & 1) != 0;
        set => _queueFlags = (byte)(value ? _queueFlags | 1 : _queueFlags & ~1);
    }

    /// <summary>
    /// Claims the waiter for one waker. Always true for a single operation; for a select case, true for the
    /// first case to fire only. Called under the queue's lock.
    /// </summary>
    internal virtual bool TryClaim() => true;

    /// <summary>False for a select case whose select already completed through another case (a stale entry).</summary>
    internal virtual bool CanClaim => true;

    /// <summary>Resumes the waiting side. Called after the queue's lock is released, exactly once per claim.</summary>
    internal abstract void Wake();
}

/// <summary>How a value of type <typeparamref name="T"/> travels in a <see cref="Waiter"/>'s slot.</summary>
internal static class ElemSlot<T>
{
    /// <summary>
    /// True when a T fits the untyped slot (a reference, or an unmanaged value of at most 8 bytes); otherwise the
    /// operation needs a typed waiter (<see cref="TypedWaiter{T}"/>). Folded to a constant by the JIT.
    /// </summary>
    public static bool FitsInline
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => !typeof(T).IsValueType || (!RuntimeHelpers.IsReferenceOrContainsReferences<T>() && Unsafe.SizeOf<T>() <= sizeof(long));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Waiter w, T value)
    {
        if (!typeof(T).IsValueType) w.ElemRef = value;
        else if (FitsInline) Unsafe.As<long, T>(ref w.ElemBits) = value;
        else if (w is TypedWaiter<T> typed) typed.Elem = value;
        else w.ElemRef = value; // boxed: a large struct through an untyped waiter (select cases)
    }

    /// <summary>Reads and clears the slot (so the waiter does not keep the value alive).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Take(Waiter w)
    {
        if (!typeof(T).IsValueType)
        {
            var r = w.ElemRef;
            w.ElemRef = null;
            return Unsafe.As<object?, T>(ref r);
        }

        if (FitsInline) return Unsafe.As<long, T>(ref w.ElemBits);
        if (w is TypedWaiter<T> typed)
        {
            var v = typed.Elem;
            typed.Elem = default!;
            return v;
        }

        var boxed = w.ElemRef;
        w.ElemRef = null;
        return boxed is null ? default! : (T)boxed;
    }

    /// <summary>Reads the slot without clearing it (a select's send case keeps its value until the send completes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Peek(Waiter w)
    {
        if (!typeof(T).IsValueType) return Unsafe.As<object?, T>(ref w.ElemRef);
        if (FitsInline) return Unsafe.As<long, T>(ref w.ElemBits);
        if (w is TypedWaiter<T> typed) return typed.Elem;
        return w.ElemRef is { } boxed ? (T)boxed : default!;
    }

    /// <summary>Clears the slot without reading it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Clear(Waiter w)
    {
        if (!typeof(T).IsValueType) w.ElemRef = null;
        else if (FitsInline) w.ElemBits = 0;
        else if (w is TypedWaiter<T> typed) typed.Elem = default!;
        else w.ElemRef = null;
    }
}

/// <summary>A waiter with a typed value slot, for elements that do not fit <see cref="ElemSlot{T}"/>'s inline slot (no boxing).</summary>
internal abstract class TypedWaiter<T> : Waiter
{
    internal T Elem = default!;
}
