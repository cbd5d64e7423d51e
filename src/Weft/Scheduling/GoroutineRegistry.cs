namespace Weft.Scheduling;

/// <summary>
/// Every live goroutine of a runtime (Go's <c>allgs</c>), for dumps, the deadlock check and leak checks. A parked
/// goroutine is otherwise reachable only from whatever it waits on, so something must list them.
/// </summary>
/// <remarks>
/// Split in segments, one per P plus one for goroutines started off the runtime's threads, each with its own
/// lock: a goroutine is registered in the segment of the P that starts it (uncontended in the common case) and
/// removed from that same segment when it exits, wherever that happens. A goroutine's slot is
/// <c>(segment &lt;&lt; SlotBits) | index</c>.
/// </remarks>
internal sealed class GoroutineRegistry
{
    private const int SlotBits = 24;
    private const int SlotMask = (1 << SlotBits) - 1;

    private volatile Segment[] _segments = [new Segment()];

    /// <summary>The segment for goroutines started off the runtime's threads.</summary>
    private const int OffRuntimeSegment = 0;

    /// <summary>
    /// One lock's worth of slots. Free slots are the nulls below <see cref="Used"/>; <see cref="FreeHint"/> points at
    /// the most recently freed one, so finding a hole is O(1) in the common spawn-after-exit pattern and amortized
    /// otherwise. (No free list: every byte per goroutine counts.)
    /// </summary>
    private sealed class Segment
    {
        internal G?[] Slots = new G?[64];
        internal int Used;
        internal int Live;
        internal int FreeHint;
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
            if (segment.Live < segment.Used)
            {
                // There is a hole: search from the hint, wrapping around.
                index = segment.FreeHint;
                while (segment.Slots[index] is not null)
                {
                    if (++index == segment.Used) index = 0;
                }

                segment.FreeHint = index + 1 == segment.Used ? 0 : index + 1;
            }
            else
            {
                if (segment.Used == segment.Slots.Length)
                {
                    if (segment.Used == SlotMask) throw new InvalidOperationException("GoroutineRegistry: segment full");
                    Array.Resize(ref segment.Slots, Math.Min(SlotMask, segment.Used * 2));
                }

                index = segment.Used++;
            }

            segment.Slots[index] = g;
            segment.Live++;
            g.RegistrySlot = (segmentIndex << SlotBits) | index;
        }
    }

    /// <summary>Removes an exited goroutine. Any thread.</summary>
    public void Remove(G g)
    {
        int slot = g.RegistrySlot;
        if (slot < 0) return;
        var segment = _segments[slot >> SlotBits];
        lock (segment)
        {
            int index = slot & SlotMask;
            if (segment.Slots[index] != g) return;
            segment.Slots[index] = null;
            segment.FreeHint = index;
            segment.Live--;
        }

        g.RegistrySlot = -1;
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
                    if (segment.Slots[i] is { } g) result.Add(g);
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
