using System.Diagnostics;

namespace Weft.Tracing;

/// <summary>
/// Writes a session's events as a Perfetto trace (protobuf <c>Trace</c> of <c>TracePacket</c>s with
/// <c>TrackDescriptor</c>s and <c>TrackEvent</c>s): a track per P with a slice per goroutine step, a track per M for
/// its blocking calls, a GC track, a track per goroutine that used regions or logged, a track per task, counter tracks,
/// and flows from each unblock (or creation) to the goroutine's next start.
/// </summary>
/// <remarks>
/// The sources are merged by timestamp (each is already ordered: one thread wrote it). Slices are checked as they
/// are written: an end whose begin preceded the trace is left out, and a slice still open at the end is closed at
/// the last timestamp; both are counted in the summary, so a test can demand a clean stream.
/// </remarks>
internal static class PerfettoWriter
{
    // Field numbers from perfetto/protos/perfetto/trace/{trace,trace_packet,track_event/*}.proto.
    private const int TracePacketField = 1;
    private const int PacketTimestamp = 8, PacketSequenceId = 10, PacketTrackEvent = 11, PacketTrackDescriptor = 60;
    private const int TrackUuid = 1, TrackName = 2, TrackProcess = 3, TrackParent = 5, TrackCounter = 8;
    private const int ProcessPid = 1, ProcessName = 6;
    private const int EventAnnotations = 4, EventType = 9, EventTrackUuid = 11, EventCategories = 22, EventName = 23,
        EventCounterValue = 30, EventFlowIds = 47, EventTerminatingFlowIds = 48;
    private const int AnnotationInt = 4, AnnotationString = 6, AnnotationName = 10;
    private const int SliceBegin = 1, SliceEnd = 2, Instant = 3, CounterType = 4;
    private const uint SequenceId = 1;
    private const ulong ProcessUuid = 1;

    internal static TraceSummary Write(TraceSession session, List<EventRun> sources, Stream output)
    {
        var w = new ProtoWriter();
        long bytes = 0;
        void Drain()
        {
            output.Write(w.Written);
            bytes += w.Length;
            w.Clear();
        }

        // A track is described just before its first event.
        Descriptor(w, ProcessUuid, $"Weft (pid {Environment.ProcessId})", parent: 0, counter: false, process: true);
        var described = new HashSet<ulong>();
        void Describe(ulong uuid, in TraceEvent e)
        {
            if (described.Add(uuid)) Descriptor(w, uuid, TrackTitle(session, e), ProcessUuid, e.Kind == TraceEventKind.Counter, process: false);
        }

        // The events in time order, slices checked per track.
        var open = new Dictionary<ulong, List<long>>();
        var pendingFlow = new Dictionary<long, ulong>();
        var stepM = new Dictionary<(ulong Track, long G), int>(); // the M that began each open step on a P track
        var moved = new Dictionary<long, ulong>(); // goroutines whose step went on without its P: the track it went to
        ulong nextFlow = 1;
        long events = 0, slices = 0, unmatched = 0, misnested = 0, closedAtStop = 0, lastNs = 0;
        foreach (var e in Merge(sources))
        {
            long ns = session.Clock.Nanoseconds(e.Ts);
            lastNs = Math.Max(lastNs, ns);
            ulong track = Uuid(e);
            Describe(track, e);
            switch (e.Kind)
            {
                case TraceEventKind.GoStart:
                {
                    moved.Remove(e.G);
                    OpenOn(open, track).Add(e.G);
                    stepM[(track, e.G)] = e.Arg;
                    ulong flow = pendingFlow.Remove(e.G, out var f) ? f : 0;
                    Event(w, ns, track, SliceBegin, $"G{e.G}", "goroutine", terminatingFlow: flow, annotation: ("goroutine", e.G, null));
                    slices++;
                    break;
                }

                case TraceEventKind.GoStop:
                case TraceEventKind.BlockingEnd:
                case TraceEventKind.RegionEnd:
                case TraceEventKind.TaskEnd:
                case TraceEventKind.GcEnd:
                {
                    long key = e.Kind == TraceEventKind.GcEnd ? 0 : e.Kind == TraceEventKind.RegionEnd ? e.Arg : e.G;
                    if (e.Kind == TraceEventKind.GoStop && moved.Remove(e.G, out var movedTo)) track = movedTo;
                    else if (e.Kind == TraceEventKind.GoStop) stepM.Remove((track, e.G));
                    if (!Close(OpenOn(open, track), key, out int above))
                    {
                        if (!IsScheduling(track)) continue; // a GC or region that began before the trace: not a fault
                        unmatched++;
                        Event(w, ns, track, Instant, $"end of G{e.G} without a begin ({e.Kind})", "trace");
                        continue;
                    }

                    // Ends of slices that were opened above this one and never closed (a misnested stream) come first.
                    for (int i = 0; i < above; i++) Event(w, ns, track, SliceEnd, null, null);
                    if (IsScheduling(track)) misnested += above;
                    var reason = e.Kind == TraceEventKind.GoStop ? Tracer.ReasonText(e.Arg) : null;
                    Event(w, ns, track, SliceEnd, null, null, annotation: reason is null ? default : ("stopped", 0, reason));
                    break;
                }

                case TraceEventKind.BlockingBegin:
                    OpenOn(open, track).Add(e.G);
                    Event(w, ns, track, SliceBegin, $"G{e.G} blocking call", "blocking", annotation: ("goroutine", e.G, null));
                    break;
                case TraceEventKind.GcBegin:
                    OpenOn(open, track).Add(0);
                    Event(w, ns, track, SliceBegin, e.Arg >= 0 ? $"GC gen{e.Arg}" : "GC", "gc");
                    break;
                case TraceEventKind.RegionBegin:
                    OpenOn(open, track).Add(e.Arg);
                    Event(w, ns, track, SliceBegin, session.Strings[e.Arg], "region");
                    break;
                case TraceEventKind.TaskBegin:
                    OpenOn(open, track).Add(e.G);
                    Event(w, ns, track, SliceBegin, session.Strings[e.Arg], "task", annotation: ("task", e.G, null));
                    break;
                case TraceEventKind.GoCreate:
                case TraceEventKind.GoUnblock:
                {
                    ulong flow = nextFlow++;
                    pendingFlow[e.G] = flow;
                    var name = e.Kind == TraceEventKind.GoCreate ? $"create G{e.G}" : $"unblock G{e.G}";
                    Event(w, ns, track, Instant, name, "scheduler", flow: flow, annotation: ("goroutine", e.G, null));
                    break;
                }

                case TraceEventKind.ProcStart:
                    Event(w, ns, track, Instant, InstantName(e), "scheduler");
                    foreach (var (g, thread, m) in RetakenSteps(w, ns, e, track, open, stepM, moved))
                    {
                        Describe(thread, new TraceEvent { Track = TraceEvent.PackTrack(TrackKind.Thread, e.Runtime), TrackId = (ushort)m });
                        Event(w, ns, thread, SliceBegin, $"G{g} (P retaken)", "goroutine", annotation: ("goroutine", g, null));
                    }

                    break;
                case TraceEventKind.Log:
                    Event(w, ns, track, Instant, session.Strings[e.Arg], "log");
                    break;
                case TraceEventKind.Counter:
                    Counter(w, ns, track, e.G);
                    break;
                default:
                    Event(w, ns, track, Instant, InstantName(e), "scheduler");
                    break;
            }

            events++;
            if (w.Length > 1 << 16) Drain();
        }

        foreach (var (track, stack) in open)
        {
            for (int i = 0; i < stack.Count; i++) Event(w, lastNs, track, SliceEnd, null, null);
            if (IsScheduling(track)) closedAtStop += stack.Count;
        }

        Drain();
        return new TraceSummary(events, slices, bytes, unmatched, misnested, closedAtStop);
    }

    /// <summary>
    /// An M took a P on which another M's steps are still open: sysmon retook the P while that M was stuck in one
    /// step (a hog, or a thread the OS did not run). The steps end on the P's track here and go on, until their own
    /// end, on the old M's track, so the P's track shows only what ran on the P.
    /// </summary>
    private static List<(long G, ulong Thread, int M)> RetakenSteps(ProtoWriter w, long ns, in TraceEvent e, ulong pTrack,
        Dictionary<ulong, List<long>> open, Dictionary<(ulong, long), int> stepM, Dictionary<long, ulong> moved)
    {
        var reopened = new List<(long, ulong, int)>();
        if (!open.TryGetValue(pTrack, out var stack) || stack.Count == 0) return reopened;
        var steps = new List<(long G, int M)>();
        for (int i = stack.Count - 1; i >= 0; i--)
        {
            if (!stepM.Remove((pTrack, stack[i]), out int m) || m == e.Arg) break;
            steps.Add((stack[i], m));
        }

        foreach (var (g, _) in steps) Event(w, ns, pTrack, SliceEnd, null, null, annotation: ("stopped", 0, "P retaken"));
        stack.RemoveRange(stack.Count - steps.Count, steps.Count);
        for (int i = steps.Count - 1; i >= 0; i--)
        {
            var (g, m) = steps[i];
            var thread = Uuid(new TraceEvent { Track = TraceEvent.PackTrack(TrackKind.Thread, e.Runtime), TrackId = (ushort)m });
            OpenOn(open, thread).Add(g);
            moved[g] = thread;
            reopened.Add((g, thread, m));
        }

        return reopened;
    }

    /// <summary>P and M tracks: the scheduler's own slices, which a sound stream always pairs.</summary>
    private static bool IsScheduling(ulong track) => (TrackKind)((track >> 32) & 0xFF) is TrackKind.P or TrackKind.Thread;

    private static List<long> OpenOn(Dictionary<ulong, List<long>> open, ulong track)
    {
        if (!open.TryGetValue(track, out var stack)) open[track] = stack = new List<long>();
        return stack;
    }

    /// <summary>Pops the slice keyed <paramref name="key"/>; <paramref name="above"/> tells how many were still open above it.</summary>
    private static bool Close(List<long> stack, long key, out int above)
    {
        above = 0;
        int at = stack.LastIndexOf(key);
        if (at < 0) return false;
        above = stack.Count - 1 - at;
        stack.RemoveRange(at, stack.Count - at);
        return true;
    }

    /// <summary>Merges sources that are each ordered by time into one ordered stream (ties keep source order).</summary>
    private static IEnumerable<TraceEvent> Merge(List<EventRun> sources)
    {
        var heads = new int[sources.Count];
        var queue = new PriorityQueue<int, (long Ts, int Source)>();
        for (int s = 0; s < sources.Count; s++)
            if (sources[s].Count > 0) queue.Enqueue(s, (sources[s][0].Ts, s));
        while (queue.TryDequeue(out int s, out _))
        {
            var source = sources[s];
            var e = source[heads[s]++];
            if (heads[s] < source.Count) queue.Enqueue(s, (source[heads[s]].Ts, s));
            if (e.Kind != 0) yield return e;
        }
    }

    /// <summary>The track's id: runtime, kind and number packed (goroutine and task tracks by their ids).</summary>
    internal static ulong Uuid(in TraceEvent e)
    {
        ulong number = e.TrackKind switch
        {
            TrackKind.Goroutine or TrackKind.Task => (ulong)e.G & 0xFFFF_FFFF,
            TrackKind.Gc => 0,
            _ => e.TrackId,
        };
        ulong runtime = e.TrackKind == TrackKind.Gc ? 0 : (ulong)e.Runtime;
        return ((runtime + 1) << 40) | ((ulong)e.TrackKind << 32) | number;
    }

    private static string TrackTitle(TraceSession session, in TraceEvent e)
    {
        var runtimes = session.Runtimes;
        string rt = e.Runtime < runtimes.Count ? runtimes[e.Runtime].Options.Name ?? $"runtime{e.Runtime}" : $"runtime{e.Runtime}";
        return e.TrackKind switch
        {
            TrackKind.P => $"{rt} P{e.TrackId}",
            TrackKind.Thread => $"{rt} M{e.TrackId} without a P",
            TrackKind.External => $"{rt} outside goroutines",
            TrackKind.Gc => ".NET GC",
            TrackKind.Goroutine => $"{rt} G{e.G} regions",
            TrackKind.Task => $"{rt} task {e.G}",
            TrackKind.Counter => $"{rt} {TraceCounters.Names[Math.Min(e.TrackId, TraceCounters.Names.Length - 1)]}",
            _ => $"{rt} track",
        };
    }

    private static string InstantName(in TraceEvent e) => e.Kind switch
    {
        TraceEventKind.Steal => $"steal from P{e.Arg}",
        TraceEventKind.HandOff => "hand-off",
        TraceEventKind.Preempt => $"preempt G{e.G}",
        TraceEventKind.TimersFired => e.Arg == 1 ? "timer fired" : $"{e.Arg} timers fired",
        TraceEventKind.ProcStart => $"M{e.Arg} takes P",
        TraceEventKind.ProcStop => $"M{e.Arg} releases P",
        _ => e.Kind.ToString(),
    };

    private static void Descriptor(ProtoWriter w, ulong uuid, string name, ulong parent, bool counter, bool process)
    {
        int packet = w.BeginMessage(TracePacketField);
        w.Varint(PacketSequenceId, SequenceId);
        int track = w.BeginMessage(PacketTrackDescriptor);
        w.Varint(TrackUuid, uuid);
        if (process)
        {
            int p = w.BeginMessage(TrackProcess);
            w.Int(ProcessPid, Environment.ProcessId);
            w.String(ProcessName, name);
            w.EndMessage(p);
        }
        else
        {
            w.String(TrackName, name);
        }

        if (parent != 0) w.Varint(TrackParent, parent);
        if (counter) w.EndMessage(w.BeginMessage(TrackCounter));
        w.EndMessage(track);
        w.EndMessage(packet);
    }

    private static void Event(ProtoWriter w, long ns, ulong track, int type, string? name, string? category,
        ulong flow = 0, ulong terminatingFlow = 0, (string Name, long Int, string? Text) annotation = default)
    {
        int packet = w.BeginMessage(TracePacketField);
        w.Varint(PacketTimestamp, (ulong)ns);
        w.Varint(PacketSequenceId, SequenceId);
        int ev = w.BeginMessage(PacketTrackEvent);
        w.Varint(EventType, (ulong)type);
        w.Varint(EventTrackUuid, track);
        if (category is not null) w.String(EventCategories, category);
        if (name is not null) w.String(EventName, name);
        if (flow != 0) w.Fixed64(EventFlowIds, flow);
        if (terminatingFlow != 0) w.Fixed64(EventTerminatingFlowIds, terminatingFlow);
        if (annotation.Name is not null)
        {
            int a = w.BeginMessage(EventAnnotations);
            w.String(AnnotationName, annotation.Name);
            if (annotation.Text is not null) w.String(AnnotationString, annotation.Text);
            else w.Int(AnnotationInt, annotation.Int);
            w.EndMessage(a);
        }

        w.EndMessage(ev);
        w.EndMessage(packet);
    }

    private static void Counter(ProtoWriter w, long ns, ulong track, long value)
    {
        int packet = w.BeginMessage(TracePacketField);
        w.Varint(PacketTimestamp, (ulong)ns);
        w.Varint(PacketSequenceId, SequenceId);
        int ev = w.BeginMessage(PacketTrackEvent);
        w.Varint(EventType, CounterType);
        w.Varint(EventTrackUuid, track);
        w.Int(EventCounterValue, value);
        w.EndMessage(ev);
        w.EndMessage(packet);
    }
}
