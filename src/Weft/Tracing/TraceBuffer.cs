using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Weft.Tracing;

/// <summary>
/// One thread's events (Go's per-M trace buffer): written only by its thread, without locks; a full chunk goes to
/// the session under its lock, which happens once per <see cref="ChunkSize"/> events.
/// </summary>
/// <remarks>
/// Also the thread's view of which goroutine slices are open, and on which P track: a goroutine step is begun and
/// ended on the same thread (nested ones through inline joins included), so this stack is owner-only state.
/// </remarks>
internal sealed class TraceBuffer
{
    /// <summary>Events per chunk: 2,048 × 24 bytes stays below the large-object heap.</summary>
    internal const int ChunkSize = 2048;

    /// <summary>The session this buffer records for; a buffer left from an earlier session starts over.</summary>
    internal TraceSession? Session;

    /// <summary>The chunk being filled. Owner writes; the session reads it only at stop.</summary>
    internal TraceEvent[] Chunk = new TraceEvent[ChunkSize];

    /// <summary>Events in <see cref="Chunk"/>. Written with release semantics so the reader at stop sees whole events.</summary>
    internal int Count;

    /// <summary>Goroutine steps open on this thread, outermost first (inline joins nest them).</summary>
    internal readonly long[] Open = new long[32];

    internal int OpenDepth;

    /// <summary>The track the open steps are drawn on (packed <see cref="TraceEvent.Track"/>) and its id.</summary>
    internal byte OpenTrack;

    internal ushort OpenTrackId;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Add(TraceEventKind kind, byte track, int trackId, long g, int arg)
    {
        int i = Count;
        var chunk = Chunk;
        if ((uint)i >= (uint)chunk.Length)
        {
            chunk = Flush();
            i = 0;
        }

        ref var e = ref chunk[i];
        e.Ts = Stopwatch.GetTimestamp();
        e.G = g;
        e.Arg = arg;
        e.TrackId = (ushort)trackId;
        e.Track = track;
        e.Kind = kind;
        Volatile.Write(ref Count, i + 1);
    }

    private TraceEvent[] Flush()
    {
        Session?.TakeFull(Chunk);
        Chunk = new TraceEvent[ChunkSize];
        Volatile.Write(ref Count, 0);
        return Chunk;
    }

    /// <summary>Starts over for <paramref name="session"/>: events and open steps of an earlier session are dropped.</summary>
    internal void Reset(TraceSession session)
    {
        Session = session;
        Chunk = new TraceEvent[ChunkSize];
        Count = 0;
        OpenDepth = 0;
    }

    internal void PushOpen(long g)
    {
        if (OpenDepth < Open.Length) Open[OpenDepth] = g;
        OpenDepth++;
    }

    internal void PopOpen()
    {
        if (OpenDepth > 0) OpenDepth--;
    }
}
