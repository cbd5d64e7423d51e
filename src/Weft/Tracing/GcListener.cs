using System.Diagnostics.Tracing;

namespace Weft.Tracing;

/// <summary>
/// Listens in-process to the .NET runtime's GC events (GCStart_V2, GCEnd_V1 of <c>Microsoft-Windows-DotNETRuntime</c>,
/// through EventPipe) and records them on the trace's GC track, with the runtime's own timestamps.
/// </summary>
internal sealed class GcListener : EventListener
{
    private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private const int GcStartId = 1, GcEndId = 2;

    // EventListener's constructor announces existing sources before this class's fields are set: sources seen
    // then wait in a list (created on demand) until the constructor below has run.
    private TraceSession? _session;
    private List<EventSource>? _early;

    internal GcListener(TraceSession session)
    {
        _session = session;
        List<EventSource>? early;
        lock (this) (early, _early) = (_early, null);
        if (early is not null)
            foreach (var source in early) Enable(source);
    }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name != RuntimeProvider) return;
        lock (this)
        {
            if (_session is null)
            {
                (_early ??= new List<EventSource>()).Add(source);
                return;
            }
        }

        Enable(source);
    }

    private void Enable(EventSource source) => EnableEvents(source, EventLevel.Informational, GcKeyword);

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        var session = _session;
        if (session is null) return;
        if (e.EventId == GcStartId)
            session.AddGc(TraceEventKind.GcBegin, e.TimeStamp.ToUniversalTime(), Generation(e));
        else if (e.EventId == GcEndId)
            session.AddGc(TraceEventKind.GcEnd, e.TimeStamp.ToUniversalTime(), Generation(e));
    }

    private static int Generation(EventWrittenEventArgs e)
    {
        int i = e.PayloadNames?.IndexOf("Depth") ?? -1;
        return i >= 0 && e.Payload?[i] is uint depth ? (int)depth : -1;
    }

    public override void Dispose()
    {
        _session = null;
        base.Dispose();
    }
}
