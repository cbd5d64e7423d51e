using System.Runtime.CompilerServices;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Weft.Scheduling;

/// <summary>Where a full local queue sends half of its goroutines (the global queue; a stub in tests).</summary>
internal interface IRunQueueOverflow
{
    /// <summary>
    /// Takes ownership of <paramref name="count"/> goroutines from <paramref name="batch"/>, in order; null entries
    /// are forgotten slots (see <see cref="LocalRunQueue.Forget"/>) and must be skipped.
    /// </summary>
    void PushBatch(G[] batch, int count);
}

/// <summary>
/// The bounded lock-free run queue of one P (Go's <c>runq</c> + <c>runnext</c>).
/// </summary>
/// <remarks>
/// <para>Ground rules:</para>
/// <list type="number">
/// <item><c>_tail</c> is written only by the owner (the M holding the P), with release semantics after the slot
///   store, so a consumer that acquires the tail sees the G in the slot.</item>
/// <item>Everybody — the owner popping, thieves stealing — consumes from <c>_head</c> with a CAS. A consumer reads
///   the slots first and commits with the CAS; a failed CAS means someone else consumed them: retry.</item>
/// <item><c>_runnext</c> is one slot ahead of the ring, for the G just readied by the running G. The owner swaps it,
///   thieves take it with a CAS, and only as a last resort (see <see cref="StealInto"/>).</item>
/// <item>The owner's order is FIFO; <see cref="StealInto"/> takes half (rounded up) from the head.</item>
/// <item>An entry is a claim ticket, not ownership: the G's status CAS (Runnable → Running) decides who runs it.
///   A G claimed out of turn (a join handoff, see <see cref="Forget"/>) leaves its slot null or stale; consumers
///   skip nulls, and the scheduler skips stale Gs.</item>
/// </list>
/// Conservation: every G pushed is popped, stolen, forgotten or overflowed exactly once.
/// </remarks>
internal sealed class LocalRunQueue
{
    /// <summary>Ring size; a power of two (Go: 256).</summary>
    public const int Capacity = 256;

    private const int Mask = Capacity - 1;

    private readonly G?[] _ring = new G?[Capacity];

    /// <summary>Owner only: scratch for <see cref="PushSlow"/> (the overflow copies it before returning).</summary>
    private readonly G[] _overflowBatch = new G[Capacity / 2 + 1];

    private Indices _indices;
    private G? _runnext;

    /// <summary>Head and tail on separate cache lines: thieves hammer the head, the owner the tail.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 3 * 128)]
    private struct Indices
    {
        [FieldOffset(128)] public uint Head;
        [FieldOffset(256)] public uint Tail;
    }

    /// <summary>Number of Gs in the ring plus runnext (racy snapshot; any thread).</summary>
    public int Count
    {
        get
        {
            while (true)
            {
                uint h = Volatile.Read(ref _indices.Head);
                uint t = Volatile.Read(ref _indices.Tail);
                uint h2 = Volatile.Read(ref _indices.Head);
                if (h == h2) return (int)(t - h) + (Volatile.Read(ref _runnext) is null ? 0 : 1);
            }
        }
    }

    /// <summary>Goroutines in the ring, runnext excluded (racy; any thread).</summary>
    public int RingCount => (int)(Volatile.Read(ref _indices.Tail) - Volatile.Read(ref _indices.Head));

    /// <summary>True when the ring and runnext are both empty (racy; any thread). Go's <c>runqempty</c>.</summary>
    public bool IsEmpty
    {
        get
        {
            // The owner may move runnext into the ring between the reads; re-read until consistent.
            while (true)
            {
                uint h = Volatile.Read(ref _indices.Head);
                uint t = Volatile.Read(ref _indices.Tail);
                var next = Volatile.Read(ref _runnext);
                if (Volatile.Read(ref _indices.Tail) == t) return h == t && next is null;
            }
        }
    }

    /// <summary>
    /// Owner only. Puts <paramref name="g"/> on the queue: into runnext when <paramref name="next"/> (the previous
    /// runnext moves to the tail), else at the tail. A full ring moves half of itself to <paramref name="overflow"/>.
    /// </summary>
    public void Push(G g, bool next, IRunQueueOverflow overflow)
    {
        if (next)
        {
            var old = Interlocked.Exchange(ref _runnext, g);
            if (old is null) return;
            g = old; // kick the old runnext to the tail
        }

        while (true)
        {
            uint h = Volatile.Read(ref _indices.Head); // acquire: synchronize with consumers
            uint t = _indices.Tail;
            if (t - h < Capacity)
            {
                _ring[t & Mask] = g;
                Volatile.Write(ref _indices.Tail, t + 1); // release: publish the slot
                return;
            }

            if (PushSlow(g, h, t, overflow)) return;
            // The queue is no longer full (a thief took some); retry the fast path.
        }
    }

    /// <summary>Moves half of a full ring plus <paramref name="g"/> to the overflow. Go's <c>runqputslow</c>.</summary>
    private bool PushSlow(G g, uint h, uint t, IRunQueueOverflow overflow)
    {
        uint n = t - h;
        Debug.Assert(n == Capacity, "LocalRunQueue.PushSlow: queue is not full");
        n /= 2;
        var batch = _overflowBatch;
        for (uint i = 0; i < n; i++) batch[i] = _ring[(h + i) & Mask]!;
        if (Interlocked.CompareExchange(ref _indices.Head, h + n, h) != h) return false; // commit the consume
        batch[n] = g;
        overflow.PushBatch(batch, (int)n + 1);
        Array.Clear(batch);
        return true;
    }

    /// <summary>
    /// Owner only. Takes the next G: runnext first (it inherits the time slice: <paramref name="inheritTime"/>),
    /// then the head of the ring.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public G? Pop(out bool inheritTime)
    {
        var next = Volatile.Read(ref _runnext);
        if (next is not null && Interlocked.CompareExchange(ref _runnext, null, next) == next)
        {
            inheritTime = true;
            return next;
        }

        inheritTime = false;
        while (true)
        {
            uint h = Volatile.Read(ref _indices.Head); // acquire: synchronize with other consumers
            uint t = _indices.Tail;
            if (t == h) return null;
            var g = _ring[h & Mask];
            if (Interlocked.CompareExchange(ref _indices.Head, h + 1, h) == h) // commit the consume
            {
                if (g is not null) return g;
                // A forgotten slot: consumed, keep looking.
            }
        }
    }

    /// <summary>
    /// Owner only. The G was claimed out of turn: clear its runnext slot, or its slot among the
    /// <paramref name="maxScan"/> newest ring entries, so the queue does not keep it alive. Best effort: a thief may
    /// already hold a copy (it will find the G claimed and skip it).
    /// </summary>
    public bool Forget(G g, int maxScan)
    {
        if (Volatile.Read(ref _runnext) == g && Interlocked.CompareExchange(ref _runnext, null, g) == g) return true;
        uint t = _indices.Tail;
        uint h = Volatile.Read(ref _indices.Head);
        uint stop = t - h > (uint)maxScan ? t - (uint)maxScan : h;
        for (uint i = t; i != stop; i--)
        {
            ref var slot = ref _ring[(i - 1) & Mask];
            if (slot == g)
            {
                Volatile.Write(ref slot, null);
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Owner only. Empties the queue (runnext included) into <paramref name="sink"/> in FIFO order; used when a P
    /// is retired by SetMaxProcs.
    /// </summary>
    public void Drain(List<G> sink)
    {
        while (Pop(out _) is { } g) sink.Add(g);
    }

    /// <summary>
    /// Any thread (a thief holding its own P's queue <paramref name="destination"/>). Steals half (rounded up) of
    /// this queue's ring into <paramref name="destination"/>'s ring and returns one of them to run; when the ring is
    /// empty and <paramref name="stealRunNext"/>, takes runnext instead. Go's <c>runqsteal</c>. (The scheduler takes
    /// a running victim's runnext itself, after watching the victim for progress: see Scheduler.TryStealRunNext.)
    /// </summary>
    public G? StealInto(LocalRunQueue destination, bool stealRunNext = false)
    {
        uint t = destination._indices.Tail;
        uint n = Grab(destination._ring, t);
        if (n == 0)
        {
            var next = stealRunNext ? PeekRunNext() : null;
            return next is not null && TryStealRunNext(next) ? next : null;
        }

        n = Compact(destination._ring, t, n);
        if (n == 0) return null;
        n--;
        var g = destination._ring[(t + n) & Mask];
        if (n == 0) return g;
        uint h = Volatile.Read(ref destination._indices.Head);
        if (t - h + n >= Capacity) throw new InvalidOperationException("LocalRunQueue.StealInto: runq overflow");
        Volatile.Write(ref destination._indices.Tail, t + n); // release: publish the stolen slots
        return g;
    }

    /// <summary>The G in runnext, or null (racy; any thread).</summary>
    public G? PeekRunNext() => Volatile.Read(ref _runnext);

    /// <summary>Any thread: takes runnext if it still holds <paramref name="expected"/>.</summary>
    public bool TryStealRunNext(G expected) => Interlocked.CompareExchange(ref _runnext, null, expected) == expected;

    /// <summary>Squeezes forgotten (null) slots out of <paramref name="n"/> unpublished slots starting at <paramref name="start"/>.</summary>
    private static uint Compact(G?[] ring, uint start, uint n)
    {
        uint kept = 0;
        for (uint i = 0; i < n; i++)
        {
            var g = ring[(start + i) & Mask];
            if (g is null) continue;
            ring[(start + kept) & Mask] = g;
            kept++;
        }

        for (uint i = kept; i < n; i++) ring[(start + i) & Mask] = null;
        return kept;
    }

    /// <summary>Copies half of this queue's ring into <paramref name="batch"/> starting at <paramref name="batchHead"/>. Go's <c>runqgrab</c>.</summary>
    private uint Grab(G?[] batch, uint batchHead)
    {
        while (true)
        {
            uint h = Volatile.Read(ref _indices.Head); // acquire: synchronize with other consumers
            uint t = Volatile.Read(ref _indices.Tail); // acquire: synchronize with the producer
            uint n = t - h;
            n -= n / 2;
            if (n == 0) return 0;
            if (n > Capacity / 2) continue; // read an inconsistent head and tail
            for (uint i = 0; i < n; i++) batch[(batchHead + i) & Mask] = _ring[(h + i) & Mask];
            if (Interlocked.CompareExchange(ref _indices.Head, h + n, h) == h) return n; // commit the consume
        }
    }
}
