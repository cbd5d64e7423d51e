using System.Runtime.CompilerServices;
using Weft.Scheduling;

namespace Weft.Tracing;

/// <summary>
/// The scheduler's trace hooks (Go's <c>traceGoStart</c>, <c>traceGoPark</c>, ...). Each hook is one call from the
/// scheduler that inlines to one test of <see cref="Enabled"/>; everything else is in a non-inlined method, so with
/// tracing off a hook costs one well-predicted branch on a hot static.
/// </summary>
/// <remarks>
/// <para>Events go to the recording thread's <see cref="TraceBuffer"/> (a thread static, read only when tracing is
/// on) and, when a .NET tool listens, to <see cref="WeftEventSource"/>. A goroutine step is drawn on the track of
/// the P its M held when it began; its end goes on the same track, whichever P the M holds by then, except across a
/// declared blocking call, which ends the step on its P and continues it on the M's own track.</para>
/// <para>Placement matters for the timeline's invariants: a step's end is recorded before the goroutine's status
/// lets another M run it, and a P's events before it changes hands, so no goroutine shows on two Ps at once and
/// each P's track is ordered.</para>
/// </remarks>
internal static class Tracer
{
    /// <summary>Any hook has something to do: a session records, or a .NET tool listens to the <c>Weft</c> source.</summary>
    internal static volatile bool Enabled;

    private static TraceSession? s_session;
    private static bool s_eventSource;

    /// <summary>The event source listens or the block profiler records: the step hooks have more to do than the trace.</summary>
    private static bool s_extras;

    [ThreadStatic] private static TraceBuffer? t_buffer;

    internal static TraceSession? Session => Volatile.Read(ref s_session);

    /// <summary>Makes sure the <c>Weft</c> event source exists (so tools can enable it) and honours WEFT_TRACE.</summary>
    internal static void Initialize()
    {
        _ = WeftEventSource.Log;
        TraceEnvironment.StartIfRequested();
    }

    /// <summary>Installs or removes the session; returns the one replaced.</summary>
    internal static TraceSession? Exchange(TraceSession? session, TraceSession? expected)
    {
        var old = Interlocked.CompareExchange(ref s_session, session, expected);
        if (old == expected) Recompute(null);
        return old;
    }

    internal static void Recompute(WeftEventSource? source)
    {
        // The event source calls in from its constructor, before WeftEventSource.Log is assigned.
        s_eventSource = (source ?? WeftEventSource.Log)?.IsEnabled() == true;
        s_extras = s_eventSource || Diagnostics.BlockProfiler.Enabled;
        Enabled = Volatile.Read(ref s_session) is not null || s_eventSource || Diagnostics.BlockProfiler.Enabled;
    }

    // ---- hooks: each inlines to one flag test ------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void GoStart(M m, G g)
    {
        if (Enabled) OnGoStart(m, g);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void GoStop(M m, G g, int reason)
    {
        if (Enabled) OnGoStop(m, g, reason);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void GoCreate(G g)
    {
        if (Enabled) OnGoCreate(g);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void GoUnblock(G g)
    {
        if (Enabled) OnGoUnblock(g);
    }

    /// <summary>The netpoller readied a batch (each is an unblock, recorded by the polling thread).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void GoUnblockBatch(List<G> batch)
    {
        if (Enabled)
            foreach (var g in batch) OnGoUnblock(g);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void BlockingBegin(M m, G g)
    {
        if (Enabled) OnBlockingBegin(m, g);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void BlockingEnd(M m, G g)
    {
        if (Enabled) OnBlockingEnd(m, g);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Steal(M m, P thief, P victim)
    {
        if (Enabled) OnP(m.Scheduler.Runtime, TraceEventKind.Steal, thief, 0, victim.Id);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void HandOff(Scheduler scheduler, P p)
    {
        if (Enabled) OnP(scheduler.Runtime, TraceEventKind.HandOff, p, 0, 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Preempt(Scheduler scheduler, P p, G g)
    {
        if (Enabled) OnP(scheduler.Runtime, TraceEventKind.Preempt, p, g.Id, 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void TimersFired(M m, P p, int count)
    {
        if (Enabled) OnP(m.Scheduler.Runtime, TraceEventKind.TimersFired, p, 0, count);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void ProcStart(M m, P p)
    {
        if (Enabled) OnP(m.Scheduler.Runtime, TraceEventKind.ProcStart, p, 0, m.Id);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void ProcStop(M m, P p)
    {
        if (Enabled) OnP(m.Scheduler.Runtime, TraceEventKind.ProcStop, p, 0, m.Id);
    }

    // ---- slow paths ---------------------------------------------------------------------------------------

    /// <summary>The calling thread's buffer, joined to <paramref name="session"/> on its first event there.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TraceBuffer Attach(TraceSession session)
    {
        var b = t_buffer ??= new TraceBuffer();
        session.Register(b);
        return b;
    }

    /// <summary>The session, the runtime's index in it and the thread's buffer; false when nothing is to be recorded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Recording(GoRuntime runtime, out TraceBuffer buffer, out int r)
    {
        buffer = null!;
        r = -1;
        if (Volatile.Read(ref s_session) is not { } session) return false;
        var b = t_buffer;
        if (b is null || b.Session != session) b = Attach(session);
        if (b.LastRuntime != runtime)
        {
            // An M records for its own runtime only: the lookup runs once per thread and session.
            int index = session.RuntimeIndex(runtime);
            if (index < 0) return false;
            b.LastRuntime = runtime;
            b.LastRuntimeIndex = index;
        }

        buffer = b;
        r = b.LastRuntimeIndex;
        return true;
    }

    /// <summary>
    /// <see cref="Recording"/> for the hooks that run on <paramref name="m"/>'s own thread: the M keeps the thread's
    /// buffer, so the hot step hooks skip the thread-static lookup (a call into the runtime's TLS helper here: the
    /// step hooks cost 35 ns per start+unblock+stop this way, 60–77 ns through the thread static).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool RecordingOn(M m, GoRuntime runtime, out TraceBuffer buffer, out int r)
    {
        var b = m.TraceBuffer;
        var session = Volatile.Read(ref s_session);
        if (b is not null && session is not null && b.Session == session && b.LastRuntime == runtime)
        {
            buffer = b;
            r = b.LastRuntimeIndex;
            return true;
        }

        if (!Recording(runtime, out buffer, out r)) return false;
        // Weft.Testing's simulation runs its Ms' steps on whichever thread it drives: their buffer stays per thread.
        if (m.Scheduler.Sim is null) m.TraceBuffer = buffer;
        return true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void OnGoStart(M m, G g)
    {
        if (s_extras) StartExtras(m, g);
        if (!RecordingOn(m, g.Runtime, out var b, out int r)) return;
        if (b.OpenDepth == 0) SetOpenTrack(b, m, r);
        b.PushOpen(g.Id);
        b.Add(TraceEventKind.GoStart, b.OpenTrack, b.OpenTrackId, g.Id, m.Id);
    }

    private static void StartExtras(M m, G g)
    {
        if (s_eventSource) WeftEventSource.Log.GoStart(g.Id, m.P?.Id ?? -1);
        if (Diagnostics.BlockProfiler.Enabled) Diagnostics.BlockProfiler.OnStart(g);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void OnGoStop(M m, G g, int reason)
    {
        if (s_extras) StopExtras(m, g, reason);
        if (!RecordingOn(m, g.Runtime, out var b, out int r)) return;
        if (b.OpenDepth == 0) SetOpenTrack(b, m, r); // the step began before the trace did
        b.Add(TraceEventKind.GoStop, b.OpenTrack, b.OpenTrackId, g.Id, reason);
        b.PopOpen();
    }

    private static void StopExtras(M m, G g, int reason)
    {
        if (s_eventSource) WeftEventSource.Log.GoStop(g.Id, m.P?.Id ?? -1, ReasonText(reason));
        if (Diagnostics.BlockProfiler.Enabled) Diagnostics.BlockProfiler.OnStop(g, reason);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void OnGoCreate(G g)
    {
        long parent = G.Current?.Id ?? 0;
        if (s_eventSource) WeftEventSource.Log.GoCreate(g.Id, parent);
        if (!Recording(g.Runtime, out var b, out int r)) return;
        AddOnCurrentTrack(b, r, TraceEventKind.GoCreate, g.Id, (int)parent);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void OnGoUnblock(G g)
    {
        if (s_eventSource) WeftEventSource.Log.GoUnblock(g.Id);
        if (!Recording(g.Runtime, out var b, out int r)) return;
        AddOnCurrentTrack(b, r, TraceEventKind.GoUnblock, g.Id, 0);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void OnBlockingBegin(M m, G g)
    {
        if (s_eventSource) WeftEventSource.Log.BlockingBegin(g.Id, m.Id);
        if (!Recording(g.Runtime, out var b, out int r)) return;
        // The steps open on this thread leave their P (innermost first) and the call runs on the M's own track.
        if (b.OpenDepth == 0) SetOpenTrack(b, m, r);
        for (int i = Math.Min(b.OpenDepth, b.Open.Length) - 1; i >= 0; i--)
            b.Add(TraceEventKind.GoStop, b.OpenTrack, b.OpenTrackId, b.Open[i], StopReason.Blocking);
        b.Add(TraceEventKind.BlockingBegin, TraceEvent.PackTrack(TrackKind.Thread, r), m.Id, g.Id, 0);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void OnBlockingEnd(M m, G g)
    {
        if (s_eventSource) WeftEventSource.Log.BlockingEnd(g.Id, m.Id);
        if (!Recording(g.Runtime, out var b, out int r)) return;
        b.Add(TraceEventKind.BlockingEnd, TraceEvent.PackTrack(TrackKind.Thread, r), m.Id, g.Id, 0);
        // Back on a P (maybe another one): the open steps go on there, outermost first.
        SetOpenTrack(b, m, r);
        for (int i = 0; i < Math.Min(b.OpenDepth, b.Open.Length); i++)
            b.Add(TraceEventKind.GoStart, b.OpenTrack, b.OpenTrackId, b.Open[i], m.Id);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void OnP(GoRuntime runtime, TraceEventKind kind, P p, long g, int arg)
    {
        if (s_eventSource) WriteToEventSource(kind, p, g, arg);
        if (!Recording(runtime, out var b, out int r)) return;
        b.Add(kind, TraceEvent.PackTrack(TrackKind.P, r), p.Id, g, arg);
    }

    private static void WriteToEventSource(TraceEventKind kind, P p, long g, int arg)
    {
        var log = WeftEventSource.Log;
        switch (kind)
        {
            case TraceEventKind.Steal: log.Steal(p.Id, arg); break;
            case TraceEventKind.HandOff: log.HandOff(p.Id); break;
            case TraceEventKind.Preempt: log.Preempt(g, p.Id); break;
            case TraceEventKind.TimersFired: log.TimersFired(p.Id, arg); break;
            case TraceEventKind.ProcStart: log.ProcStart(p.Id, arg); break;
            case TraceEventKind.ProcStop: log.ProcStop(p.Id, arg); break;
        }
    }

    /// <summary>A sampled counter (the session's sampler thread).</summary>
    internal static void Counter(GoRuntime runtime, int which, long value)
    {
        if (!Recording(runtime, out var b, out int r)) return;
        b.Add(TraceEventKind.Counter, TraceEvent.PackTrack(TrackKind.Counter, r), which, value, 0);
    }

    /// <summary>A user annotation on the current goroutine's track (or the thread's, outside goroutines).</summary>
    internal static void Annotate(TraceEventKind kind, GoRuntime runtime, long g, int text)
    {
        if (!Recording(runtime, out var b, out int r)) return;
        var track = g != 0 ? TraceEvent.PackTrack(TrackKind.Goroutine, r) : TraceEvent.PackTrack(TrackKind.External, r);
        b.Add(kind, track, 0, g, text);
    }

    /// <summary>A user task's begin or end, on the task's own track.</summary>
    internal static void TaskEvent(TraceEventKind kind, GoRuntime runtime, long task, int name)
    {
        if (!Recording(runtime, out var b, out int r)) return;
        b.Add(kind, TraceEvent.PackTrack(TrackKind.Task, r), 0, task, name);
    }

    /// <summary>Events about another goroutine go on the track of whatever this thread runs: its open step's P, else its P, else the outside track.</summary>
    private static void AddOnCurrentTrack(TraceBuffer b, int r, TraceEventKind kind, long g, int arg)
    {
        if (b.OpenDepth > 0)
        {
            // Inside a step the last event's time is a lower bound of now: a flow drawn from there still begins
            // before the goroutine it readies can start.
            if (b.CoarseInstants) b.AddAt(b.LastTs, kind, b.OpenTrack, b.OpenTrackId, g, arg);
            else b.Add(kind, b.OpenTrack, b.OpenTrackId, g, arg);
            return;
        }

        if (M.Current is { P: { } p }) b.Add(kind, TraceEvent.PackTrack(TrackKind.P, r), p.Id, g, arg);
        else b.Add(kind, TraceEvent.PackTrack(TrackKind.External, r), 0, g, arg);
    }

    private static void SetOpenTrack(TraceBuffer b, M m, int r)
    {
        if (m.P is { } p)
        {
            b.OpenTrack = TraceEvent.PackTrack(TrackKind.P, r);
            b.OpenTrackId = (ushort)p.Id;
        }
        else
        {
            b.OpenTrack = TraceEvent.PackTrack(TrackKind.Thread, r);
            b.OpenTrackId = (ushort)m.Id;
        }
    }

    /// <summary>Go's words for why a step ended.</summary>
    internal static string ReasonText(int reason) => reason switch
    {
        StopReason.Exit => "exit",
        StopReason.Requeue => "yield",
        StopReason.Blocking => "blocking call",
        _ => WaitReasonText.Of((WaitReason)reason),
    };
}
