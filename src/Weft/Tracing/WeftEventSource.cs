using System.Diagnostics.Tracing;

namespace Weft.Tracing;

/// <summary>
/// The scheduler's trace events as an <see cref="EventSource"/> named <c>Weft</c>, for the .NET tools:
/// <c>dotnet-trace collect -p PID --providers Weft</c> records the same events a Perfetto trace holds (goroutine
/// start/stop with the wait reason, unblock, create, blocking calls, steals, hand-offs, preemptions, timers, P
/// start/stop, user regions, tasks and log lines). Enabling the provider turns the hooks on; disabling turns them off.
/// </summary>
/// <remarks>Every integer payload is an <see cref="long"/>: the payload types must match the manifest exactly.</remarks>
[EventSource(Name = "Weft")]
internal sealed class WeftEventSource : EventSource
{
    public static readonly WeftEventSource Log = new();

    private WeftEventSource() : base(EventSourceSettings.EtwSelfDescribingEventFormat)
    {
    }

    protected override void OnEventCommand(EventCommandEventArgs command) => Tracer.Recompute(this);

    [Event(1, Level = EventLevel.Verbose, Message = "goroutine {0} starts on P{1}")]
    public void GoStart(long goroutine, long p) => WriteEvent(1, goroutine, p);

    [Event(2, Level = EventLevel.Verbose, Message = "goroutine {0} stops on P{1}: {2}")]
    public void GoStop(long goroutine, long p, string reason) => WriteEvent(2, goroutine, p, reason);

    [Event(3, Level = EventLevel.Verbose, Message = "goroutine {0} created by goroutine {1}")]
    public void GoCreate(long goroutine, long parent) => WriteEvent(3, goroutine, parent);

    [Event(4, Level = EventLevel.Verbose, Message = "goroutine {0} made runnable")]
    public void GoUnblock(long goroutine) => WriteEvent(4, goroutine);

    [Event(5, Level = EventLevel.Verbose, Message = "goroutine {0} enters a blocking call on M{1}")]
    public void BlockingBegin(long goroutine, long m) => WriteEvent(5, goroutine, m);

    [Event(6, Level = EventLevel.Verbose, Message = "goroutine {0} leaves its blocking call on M{1}")]
    public void BlockingEnd(long goroutine, long m) => WriteEvent(6, goroutine, m);

    [Event(7, Level = EventLevel.Verbose, Message = "P{0} stole from P{1}")]
    public void Steal(long p, long victim) => WriteEvent(7, p, victim);

    [Event(8, Level = EventLevel.Verbose, Message = "P{0} handed off")]
    public void HandOff(long p) => WriteEvent(8, p);

    [Event(9, Level = EventLevel.Verbose, Message = "goroutine {0} on P{1} asked to yield")]
    public void Preempt(long goroutine, long p) => WriteEvent(9, goroutine, p);

    [Event(10, Level = EventLevel.Verbose, Message = "{1} timers fired on P{0}")]
    public void TimersFired(long p, long count) => WriteEvent(10, p, count);

    [Event(11, Level = EventLevel.Verbose, Message = "P{0} taken by M{1}")]
    public void ProcStart(long p, long m) => WriteEvent(11, p, m);

    [Event(12, Level = EventLevel.Verbose, Message = "P{0} released by M{1}")]
    public void ProcStop(long p, long m) => WriteEvent(12, p, m);

    [Event(13, Level = EventLevel.Informational, Message = "goroutine {0} enters region {1}")]
    public void RegionBegin(long goroutine, string name) => WriteEvent(13, goroutine, name);

    [Event(14, Level = EventLevel.Informational, Message = "goroutine {0} leaves region {1}")]
    public void RegionEnd(long goroutine, string name) => WriteEvent(14, goroutine, name);

    [Event(15, Level = EventLevel.Informational, Message = "task {0} ({1}) begins")]
    public void TaskBegin(long task, string name) => WriteEvent(15, task, name);

    [Event(16, Level = EventLevel.Informational, Message = "task {0} ends")]
    public void TaskEnd(long task) => WriteEvent(16, task);

    [Event(17, Level = EventLevel.Informational, Message = "goroutine {0}: {1}")]
    public void UserLog(long goroutine, string message) => WriteEvent(17, goroutine, message);
}
