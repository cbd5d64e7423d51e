namespace Weft.Scheduling;

/// <summary>
/// Every live goroutine of a runtime (Go's <c>allgs</c>), for dumps, the deadlock check and leak checks. A parked
/// goroutine is otherwise reachable only from whatever it waits on, so something must list them.
/// </summary>
/// <remarks>
/// <para>Split in segments, one per P plus one for goroutines started off the runtime's threads: a goroutine is
/// registered in the segment of the P that starts it, under that segment's lock (uncontended in the common case:
/// only <see cref="Snapshot"/> shares it), and a goroutine's slot is <c>(segment &lt;&lt; SlotBits) | index</c>.</para>
/// <para>Removal takes no lock: a goroutine usually exits on another thread than the one that started it (a stolen
/// goroutine, a fork-join child), and a lock there made every exit contend with the spawner's next start. That is
/// safe because slots live in fixed chunks that never move (growing adds chunks; it never copies slots), so the
/// exiting thread can clear its slot with a CAS wherever the spawner is, and <see cref="Segment.Live"/> is
/// decremented after the slot is cleared: a spawner that sees fewer live goroutines than used slots is sure to find
/// a hole.</para>
/// </remarks>
internal sealed class GoroutineRegistry
{
    private const int SlotBits = 24;
    private const int SlotMask = (1 << SlotBits) - 1;
    private const int ChunkBits = 8;
    private const int ChunkSize = 1 << ChunkBits;

    private volatile Segment[] _segments = [new Segment()];

    /// <summary>The segment for goroutines started off the runtime's threads.</summary>
    private const int OffRuntimeSegment = 0;

    /// <summary>
    /// One lock's worth of slots. Free slots are the nulls below <see cref="Used"/>; <see cref="FreeHint"/> points at
    /// the most recently freed one (a racy hint), so finding a hole is O(1) in the common spawn-after-exit pattern
    /// and amortized otherwise. (No free list: every byte per goroutine counts.)
    /// </summary>
    private sealed class Segment
    {
        /// <summary>
        /// Chunks of <see cref="ChunkSize"/> slots; the table is replaced (never shrunk) under the lock, chunks never
        /// move, and every chunk below <see cref="Used"/> exists.
        /// </summary>
        internal volatile G?[][] Chunks = [new G?[ChunkSize]];
        internal int Used;
        internal int Live;
        internal int FreeHint;

        internal ref G? Slot(int index) => ref Chunks[index >> ChunkBits][index & (ChunkSize - 1)];
    }

    /// <summary>Registers <paramref name="g"/>; <paramref name="p"/> is the P starting it, or null.</summary>
    public void Add(G g, P? p)
    {
        int segmentIndex = p is null ? OffRuntimeSegment : p.Id + 1;
        var segments = _segments;
        if (segmentIndex >= segments.Length) segments = Grow(segmentIndex);
        var segment = segments[segmentIndex];
        lock (segment)
        {
            int index;
            if (Volatile.Read(ref segment.Live) < segment.Used)
            {
                // There is a hole: search from the hint, wrapping around.
                index = segment.FreeHint;
                if ((uint)index >= (uint)segment.Used) index = 0;
                while (Volatile.Read(ref segment.Slot(index)) is not null)
                {
                    if (++index == segment.Used) index = 0;
                }

                segment.FreeHint = index + 1 == segment.Used ? 0 : index + 1;
            }
            else
            {
                if (segment.Used == SlotMask) throw new InvalidOperationException("GoroutineRegistry: segment full");
                index = segment.Used;
                int chunk = index >> ChunkBits;
                var chunks = segment.Chunks;
                if (chunk == chunks.Length)
                {
                    // Only the table of chunks doubles; each chunk is allocated when the first slot in it is used.
                    var grown = new G?[chunks.Length * 2][];
                    Array.Copy(chunks, grown, chunks.Length);
                    segment.Chunks = chunks = grown;
                }

                chunks[chunk] ??= new G?[ChunkSize];
                segment.Used++;
            }

            g.RegistrySlot = (segmentIndex << SlotBits) | index;
            Volatile.Write(ref segment.Slot(index), g);
            Interlocked.Increment(ref segment.Live);
        }
    }

    /// <summary>Removes an exited goroutine. Any thread, no lock.</summary>
    public void Remove(G g)
    {
        int slot = g.RegistrySlot;
        if (slot < 0) return;
        g.RegistrySlot = -1;
        var segment = _segments[slot >> SlotBits];
        int index = slot & SlotMask;
        if (Interlocked.CompareExchange(ref segment.Slot(index), null, g) != g) return;
        segment.FreeHint = index;
        Interlocked.Decrement(ref segment.Live);
    }

    /// <summary>A snapshot of the live goroutines, in no particular order.</summary>
    public List<G> Snapshot()
    {
        var result = new List<G>();
        foreach (var segment in _segments)
        {
            lock (segment)
            {
                for (int i = 0; i < segment.Used; i++)
                    if (Volatile.Read(ref segment.Slot(i)) is { } g) result.Add(g);
            }
        }

        return result;
    }

    /// <summary>Number of live goroutines (exact under quiescence).</summary>
    public int Count
    {
        get
        {
            int n = 0;
            foreach (var segment in _segments) n += Volatile.Read(ref segment.Live);
            return n;
        }
    }

    private Segment[] Grow(int segmentIndex)
    {
        lock (this)
        {
            var segments = _segments;
            if (segmentIndex < segments.Length) return segments;
            var grown = new Segment[segmentIndex + 1];
            Array.Copy(segments, grown, segments.Length);
            for (int i = segments.Length; i < grown.Length; i++) grown[i] = new Segment();
            _segments = grown;
            return grown;
        }
    }
}
