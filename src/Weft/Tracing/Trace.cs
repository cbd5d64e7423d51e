using Weft.Scheduling;
using Weft.Tracing;

namespace Weft;

/// <summary>
/// Execution tracing (Go's <c>runtime/trace</c>): records what the scheduler does — each goroutine step on its P,
/// why it stopped, who readied it, blocking calls, steals, hand-offs, preemptions, timers, .NET GCs — plus your own
/// regions, tasks and log lines, and writes a Perfetto trace (open it at ui.perfetto.dev; docs/TRACING.md explains
/// the view). Also started by the environment variable <c>WEFT_TRACE=file</c>, and seen by
/// <c>dotnet-trace collect --providers Weft</c> through the <c>Weft</c> event source.
/// </summary>
/// <example>
/// <code>
/// Trace.Start("app.perfetto-trace");
/// using (Trace.Region("load")) await LoadAsync();
/// var summary = Trace.Stop(); // writes the file
/// </code>
/// </example>
public static class Trace
{
    /// <summary>How often the goroutine, run-queue and thread counters are sampled into the trace.</summary>
    public static TimeSpan CounterInterval { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// Whether each goroutine creation and unblock reads the clock (the default). When false, one made inside a
    /// goroutine step is stamped with the time of the thread's previous event (usually the step's start), so the
    /// instant and its flow arrow are drawn at the start of the step that made it, and channel-heavy code pays about a
    /// third fewer clock reads (half in spawn-heavy code). Read when a trace starts.
    /// </summary>
    public static bool PreciseInstants { get; set; } = true;

    /// <summary>True while a trace is being recorded.</summary>
    public static bool IsRecording => Tracer.Session is not null;

    /// <summary>Starts recording; <see cref="Stop"/> writes the trace to <paramref name="path"/>.</summary>
    /// <param name="path">The file to create (by convention <c>*.perfetto-trace</c>).</param>
    /// <param name="runtime">The one runtime to record; null records every runtime of the process.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="InvalidOperationException">A trace is already being recorded.</exception>
    public static void Start(string path, GoRuntime? runtime = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        try
        {
            Begin(stream, ownsOutput: true, runtime);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Starts recording; <see cref="Stop"/> writes the trace to <paramref name="output"/> (left open).</summary>
    /// <param name="output">A writable stream.</param>
    /// <param name="runtime">The one runtime to record; null records every runtime of the process.</param>
    /// <exception cref="ArgumentNullException"><paramref name="output"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="output"/> is not writable.</exception>
    /// <exception cref="InvalidOperationException">A trace is already being recorded.</exception>
    public static void Start(Stream output, GoRuntime? runtime = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!output.CanWrite) throw new ArgumentException("Trace.Start: the output stream is not writable.", nameof(output));
        Begin(output, ownsOutput: false, runtime);
    }

    private static void Begin(Stream output, bool ownsOutput, GoRuntime? runtime)
    {
        if (Tracer.Session is not null) throw new InvalidOperationException("Trace.Start: a trace is already being recorded; call Trace.Stop first.");
        var session = new TraceSession(output, ownsOutput, runtime, CounterInterval);
        if (Tracer.Exchange(session, null) is not null)
        {
            session.Close();
            session.Release();
            throw new InvalidOperationException("Trace.Start: a trace is already being recorded; call Trace.Stop first.");
        }
    }

    /// <summary>Stops recording and writes the trace. Returns what was written.</summary>
    /// <exception cref="InvalidOperationException">No trace is being recorded.</exception>
    public static TraceSummary Stop()
    {
        var session = Tracer.Session ?? throw new InvalidOperationException("Trace.Stop: no trace is being recorded.");
        if (Tracer.Exchange(null, session) != session) throw new InvalidOperationException("Trace.Stop: the trace was stopped by another thread.");
        var sources = session.Close();
        try
        {
            return PerfettoWriter.Write(session, sources, session.Output);
        }
        finally
        {
            session.Release();
            if (session.OwnsOutput) session.Output.Dispose();
            else session.Output.Flush();
        }
    }

    /// <summary>
    /// Marks a region of the current goroutine's work (Go's <c>trace.WithRegion</c>): a slice named
    /// <paramref name="name"/> on the goroutine's own track, from here until the returned value is disposed — across
    /// awaits and Ps. Costs one flag test when no trace is recording.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    public static TraceRegion Region(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!Tracer.Enabled) return default;
        var g = G.Current;
        var runtime = g?.Runtime ?? GoRuntime.CurrentOrDefault;
        long id = g?.Id ?? 0;
        if (Tracer.Session is { } session)
        {
            int text = session.Intern(name);
            Tracer.Annotate(TraceEventKind.RegionBegin, runtime, id, text);
            WeftEventSource.Log.RegionBegin(id, name);
            return new TraceRegion(session, runtime, id, text, name);
        }

        WeftEventSource.Log.RegionBegin(id, name);
        return new TraceRegion(null, runtime, id, -1, name);
    }

    /// <summary>
    /// Starts a task (Go's <c>trace.NewTask</c>): a unit of work that may span goroutines, drawn on its own track until
    /// <see cref="TraceTask.End"/> or <see cref="TraceTask.Dispose"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    public static TraceTask NewTask(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!Tracer.Enabled) return new TraceTask(null, null!, 0);
        var runtime = GoRuntime.CurrentOrDefault;
        long id = Interlocked.Increment(ref s_taskIds);
        WeftEventSource.Log.TaskBegin(id, name);
        var session = Tracer.Session;
        if (session is not null) Tracer.TaskEvent(TraceEventKind.TaskBegin, runtime, id, session.Intern(name));
        return new TraceTask(session, runtime, id);
    }

    private static long s_taskIds;

    /// <summary>Records a log line on the current goroutine's track (Go's <c>trace.Log</c>).</summary>
    /// <param name="category">A short category, shown before the message.</param>
    /// <param name="message">The text.</param>
    /// <exception cref="ArgumentNullException"><paramref name="category"/> or <paramref name="message"/> is null.</exception>
    public static void Log(string category, string message)
    {
        ArgumentNullException.ThrowIfNull(category);
        ArgumentNullException.ThrowIfNull(message);
        if (!Tracer.Enabled) return;
        var g = G.Current;
        var text = category.Length == 0 ? message : $"{category}: {message}";
        WeftEventSource.Log.UserLog(g?.Id ?? 0, text);
        if (Tracer.Session is { } session)
            Tracer.Annotate(TraceEventKind.Log, g?.Runtime ?? GoRuntime.CurrentOrDefault, g?.Id ?? 0, session.Intern(text));
    }
}

/// <summary>A region opened by <see cref="Trace.Region"/>; dispose it to close the region.</summary>
public readonly struct TraceRegion : IDisposable
{
    private readonly TraceSession? _session;
    private readonly GoRuntime? _runtime;
    private readonly long _goroutine;
    private readonly int _text;
    private readonly string? _name;

    internal TraceRegion(TraceSession? session, GoRuntime runtime, long goroutine, int text, string name)
    {
        _session = session;
        _runtime = runtime;
        _goroutine = goroutine;
        _text = text;
        _name = name;
    }

    /// <summary>Closes the region (nothing when tracing was off as it opened).</summary>
    public void Dispose()
    {
        if (_name is null) return;
        WeftEventSource.Log.RegionEnd(_goroutine, _name);
        if (_session is not null && Tracer.Session == _session)
            Tracer.Annotate(TraceEventKind.RegionEnd, _runtime!, _goroutine, _text);
    }
}

/// <summary>A task started by <see cref="Trace.NewTask"/>.</summary>
public sealed class TraceTask : IDisposable
{
    private readonly TraceSession? _session;
    private readonly GoRuntime _runtime;
    private int _ended;

    internal TraceTask(TraceSession? session, GoRuntime runtime, long id)
    {
        _session = session;
        _runtime = runtime;
        Id = id;
    }

    /// <summary>The task's id in the trace (0 when tracing was off as it started).</summary>
    public long Id { get; }

    /// <summary>Ends the task; later calls do nothing.</summary>
    public void End()
    {
        if (Id == 0 || Interlocked.Exchange(ref _ended, 1) != 0) return;
        WeftEventSource.Log.TaskEnd(Id);
        if (_session is not null && Tracer.Session == _session) Tracer.TaskEvent(TraceEventKind.TaskEnd, _runtime, Id, 0);
    }

    /// <summary>Same as <see cref="End"/>.</summary>
    public void Dispose() => End();
}

/// <summary>What <see cref="Trace.Stop"/> wrote.</summary>
/// <param name="Events">Scheduler and user events written.</param>
/// <param name="GoroutineSlices">Goroutine steps drawn on P tracks.</param>
/// <param name="Bytes">Size of the trace.</param>
/// <param name="UnmatchedEnds">Ends whose begin preceded the trace (a step running as it started); left out.</param>
/// <param name="Misnested">Slices closed early because a slice below them on the same track ended first (0 in a sound stream).</param>
/// <param name="ClosedAtStop">Slices still open when the trace stopped, closed at its last timestamp.</param>
public sealed record TraceSummary(long Events, long GoroutineSlices, long Bytes, long UnmatchedEnds, long Misnested, long ClosedAtStop);
