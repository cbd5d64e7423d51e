using System.Runtime.InteropServices;

namespace Weft.Tracing;

/// <summary>What happened: Go's trace event kinds, plus the user annotations and sampled counters.</summary>
internal enum TraceEventKind : byte
{
    /// <summary>A goroutine step begins on a P (slice begin on the P's track); <see cref="TraceEvent.Arg"/> is the M.</summary>
    GoStart = 1,

    /// <summary>The step ends; <see cref="TraceEvent.Arg"/> is a <see cref="StopReason"/> code (slice end).</summary>
    GoStop,

    /// <summary>A goroutine was created; <see cref="TraceEvent.Arg"/> holds the low bits of the creator's id (instant).</summary>
    GoCreate,

    /// <summary>A parked goroutine was made runnable by the recording thread (instant, the tail of a flow).</summary>
    GoUnblock,

    /// <summary>A goroutine entered a declared blocking call (slice begin on its thread's track).</summary>
    BlockingBegin,

    /// <summary>The blocking call returned (slice end on the thread's track).</summary>
    BlockingEnd,

    /// <summary>The recording P stole from the P numbered <see cref="TraceEvent.Arg"/> (instant).</summary>
    Steal,

    /// <summary>The P was handed to another thread (instant).</summary>
    HandOff,

    /// <summary>Sysmon asked the goroutine running on the P to yield (instant).</summary>
    Preempt,

    /// <summary><see cref="TraceEvent.Arg"/> timers fired on the P (instant).</summary>
    TimersFired,

    /// <summary>An M (<see cref="TraceEvent.Arg"/>) took the P (instant).</summary>
    ProcStart,

    /// <summary>The M gave the P up (instant).</summary>
    ProcStop,

    /// <summary>A .NET garbage collection began; <see cref="TraceEvent.Arg"/> is the generation (slice begin).</summary>
    GcBegin,

    /// <summary>The collection ended (slice end).</summary>
    GcEnd,

    /// <summary>A user region began on a goroutine; <see cref="TraceEvent.Arg"/> names it (string table index).</summary>
    RegionBegin,

    /// <summary>The region ended.</summary>
    RegionEnd,

    /// <summary>A user task began; <see cref="TraceEvent.G"/> is the task id, <see cref="TraceEvent.Arg"/> its name.</summary>
    TaskBegin,

    /// <summary>The task ended.</summary>
    TaskEnd,

    /// <summary>A log line from a goroutine; <see cref="TraceEvent.Arg"/> is the text (string table index).</summary>
    Log,

    /// <summary>A sampled counter: <see cref="TraceEvent.TrackId"/> says which, <see cref="TraceEvent.G"/> is the value.</summary>
    Counter,
}

/// <summary>Which timeline an event belongs to.</summary>
internal enum TrackKind : byte
{
    /// <summary>A P: goroutine slices, steals, hand-offs, preemptions, timers.</summary>
    P = 1,

    /// <summary>An M while it sits in a declared blocking call.</summary>
    Thread,

    /// <summary>Threads outside the runtime (a Main thread starting goroutines, a timer callback).</summary>
    External,

    /// <summary>.NET garbage collections (process-wide).</summary>
    Gc,

    /// <summary>One goroutine's regions and log lines.</summary>
    Goroutine,

    /// <summary>One user task.</summary>
    Task,

    /// <summary>A sampled counter of a runtime.</summary>
    Counter,
}

/// <summary>Why a goroutine step ended, beside its wait reason (codes above every <see cref="Scheduling.WaitReason"/>).</summary>
internal static class StopReason
{
    /// <summary>The goroutine's body returned: Go's GoDestroy.</summary>
    public const int Exit = 250;

    /// <summary>It went to the back of the global queue (Gosched or preemption).</summary>
    public const int Requeue = 251;

    /// <summary>It entered a declared blocking call (the step goes on on its thread's track).</summary>
    public const int Blocking = 252;
}

/// <summary>
/// One recorded event: 24 bytes, no references, laid out as written to the spill file.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TraceEvent
{
    /// <summary>Ticks of the session's <see cref="TraceClock"/>.</summary>
    public long Ts;

    /// <summary>The goroutine (or task id, or counter value).</summary>
    public long G;

    /// <summary>Kind-specific: a stop reason, a P number, a string-table index, a count.</summary>
    public int Arg;

    /// <summary>P number, M number, or counter number on the track.</summary>
    public ushort TrackId;

    /// <summary>The runtime's index in the session (low 5 bits) and the <see cref="TrackKind"/> (high 3 bits).</summary>
    public byte Track;

    public TraceEventKind Kind;

    public readonly TrackKind TrackKind => (TrackKind)(Track >> 5);

    public readonly int Runtime => Track & 31;

    public static byte PackTrack(TrackKind kind, int runtime) => (byte)(((int)kind << 5) | (runtime & 31));
}
