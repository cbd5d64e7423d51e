using System.Runtime.CompilerServices;

namespace Weft.Tracing;

/// <summary>
/// One thread's events (Go's per-M trace buffer): written only by its thread, without locks, into a chunk of native
/// memory; a full chunk goes to the session's <see cref="TraceSpill"/> and a recycled one comes back, once per
/// <see cref="TraceSpill.ChunkEvents"/> events.
/// </summary>
/// <remarks>
/// Also the thread's view of which goroutine slices are open, and on which P track: a goroutine step is begun and
/// ended on the same thread (nested ones through inline joins included), so this stack is owner-only state.
/// </remarks>
internal sealed unsafe class TraceBuffer
{
    /// <summary>The session this buffer records for; a buffer left from an earlier session starts over.</summary>
    internal TraceSession? Session;

    /// <summary>The chunk being filled (the session's memory). Owner writes; the session reads it only at stop.</summary>
    internal TraceEvent* Chunk;

    /// <summary>Events in <see cref="Chunk"/>. Written with release semantics so the reader at stop sees whole events.</summary>
    internal int Count;

    /// <summary>Goroutine steps open on this thread, outermost first (inline joins nest them).</summary>
    internal readonly long[] Open = new long[32];

    internal int OpenDepth;

    /// <summary>The session's clock (<see cref="TraceClock.Read"/>).</summary>
    internal bool Tsc;

    /// <summary>The runtime this thread last recorded for, and its index in the session (an M records for one).</summary>
    internal GoRuntime? LastRuntime;

    internal int LastRuntimeIndex;

    /// <summary>The track the open steps are drawn on (packed <see cref="TraceEvent.Track"/>) and its id.</summary>
    internal byte OpenTrack;

    internal ushort OpenTrackId;

    /// <summary>Create and unblock instants inside a step take <see cref="LastTs"/> (<see cref="Trace.PreciseInstants"/> off).</summary>
    internal bool CoarseInstants;

    /// <summary>The timestamp of the last event added.</summary>
    internal long LastTs;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Add(TraceEventKind kind, byte track, int trackId, long g, int arg) =>
        AddAt(LastTs = TraceClock.Read(Tsc), kind, track, trackId, g, arg);

    /// <summary>Adds an event at a time already read (the same thread's last one, so the buffer stays ordered).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void AddAt(long ts, TraceEventKind kind, byte track, int trackId, long g, int arg)
    {
        int i = Count;
        if ((uint)i >= TraceSpill.ChunkEvents)
        {
            Flush();
            i = 0;
        }

        var e = Chunk + i;
        e->Ts = ts;
        e->G = g;
        e->Arg = arg;
        e->TrackId = (ushort)trackId;
        e->Track = track;
        e->Kind = kind;
        Volatile.Write(ref Count, i + 1);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Flush()
    {
        var spill = Session!.Spill;
        spill.Full(Chunk, Count);
        Chunk = spill.Rent();
        Volatile.Write(ref Count, 0);
    }

    /// <summary>Starts over for <paramref name="session"/>: events and open steps of an earlier session are dropped.</summary>
    internal void Reset(TraceSession session)
    {
        Session = session;
        Tsc = session.Tsc;
        CoarseInstants = session.CoarseInstants;
        Chunk = session.Spill.Rent();
        Count = 0;
        OpenDepth = 0;
        LastRuntime = null;
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
