using System.Diagnostics;
using Weft.Diagnostics;

namespace Weft.Tracing;

/// <summary>
/// One recording, from <see cref="Trace.Start(string, GoRuntime?)"/> to <see cref="Trace.Stop"/>: the buffers of
/// every thread that recorded, the chunks they filled, the runtimes seen, the string table of annotations, and
/// the two helpers that record what no scheduler hook sees (.NET's GCs, and counters sampled every few ms).
/// </summary>
internal sealed class TraceSession
{
    private readonly object _lock = new();
    private readonly List<TraceBuffer> _buffers = new();
    private readonly List<TraceEvent> _gcEvents = new();
    private readonly Dictionary<string, int> _stringIndex = new();
    private readonly List<string> _strings = new();
    private GoRuntime[] _runtimes = [];
    private bool _closed;
    private readonly GcListener? _gc;
    private readonly Thread? _sampler;
    private readonly ManualResetEventSlim _stopSampler = new();

    internal TraceSession(Stream output, bool ownsOutput, GoRuntime? only, TimeSpan sampleEvery)
    {
        Output = output;
        OwnsOutput = ownsOutput;
        Only = only;
        Tsc = TraceClock.IsTsc;
        CoarseInstants = !Trace.PreciseInstants;
        (_startTicks, _startStopwatch) = Tsc ? TraceClock.Pair() : (Stopwatch.GetTimestamp(), 0);
        if (!Tsc) _startStopwatch = _startTicks;
        StartUtc = DateTime.UtcNow;
        if (only is not null) RuntimeIndex(only);
        try
        {
            _gc = new GcListener(this);
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException)
        {
            _gc = null; // EventPipe unavailable: the trace has no GC track
        }

        if (sampleEvery > TimeSpan.Zero)
        {
            _sampler = new Thread(() => SampleLoop(sampleEvery)) { IsBackground = true, Name = "Weft trace sampler" };
            _sampler.Start();
        }
    }

    internal Stream Output { get; }

    /// <summary>Chunks for the buffers, and where full ones go.</summary>
    internal TraceSpill Spill { get; } = new();

    internal bool OwnsOutput { get; }

    /// <summary>The one runtime recorded, or null for every runtime of the process.</summary>
    internal GoRuntime? Only { get; }

    /// <summary>Events carry TSC ticks (<see cref="TraceClock"/>) rather than Stopwatch ticks; fixed for the session.</summary>
    internal bool Tsc { get; }

    /// <summary><see cref="Trace.PreciseInstants"/> was off as the session started.</summary>
    internal bool CoarseInstants { get; }

    private readonly long _startTicks;
    private long _startStopwatch;

    /// <summary>Maps event ticks to nanoseconds; set by <see cref="Close"/>.</summary>
    internal Calibration Clock { get; private set; }

    internal DateTime StartUtc { get; }

    internal IReadOnlyList<GoRuntime> Runtimes => Volatile.Read(ref _runtimes);

    internal IReadOnlyList<string> Strings => _strings;

    /// <summary>The session index of <paramref name="runtime"/> (0–30), or -1 when it is not recorded.</summary>
    internal int RuntimeIndex(GoRuntime runtime)
    {
        var known = Volatile.Read(ref _runtimes);
        for (int i = 0; i < known.Length; i++)
            if (known[i] == runtime) return i;
        if (Only is not null && Only != runtime) return -1;
        lock (_lock)
        {
            known = _runtimes;
            for (int i = 0; i < known.Length; i++)
                if (known[i] == runtime) return i;
            if (known.Length >= 31) return -1; // the packed track has room for 31 runtimes
            Volatile.Write(ref _runtimes, [.. known, runtime]);
            return known.Length;
        }
    }

    /// <summary>The string-table index of <paramref name="text"/> (region and task names, log lines).</summary>
    internal int Intern(string text)
    {
        lock (_lock)
        {
            if (_stringIndex.TryGetValue(text, out int i)) return i;
            i = _strings.Count;
            _strings.Add(text);
            _stringIndex[text] = i;
            return i;
        }
    }

    /// <summary>A thread's first event of this session: its buffer joins the list read at stop.</summary>
    internal void Register(TraceBuffer buffer)
    {
        buffer.Reset(this);
        lock (_lock) _buffers.Add(buffer);
    }

    /// <summary>A GC began or ended (the listener's thread, with the runtime's own timestamp).</summary>
    internal void AddGc(TraceEventKind kind, DateTime utc, int generation)
    {
        // Stopwatch ticks for now: Close maps them to the session's clock once it is calibrated.
        long ticks = _startStopwatch + (long)((utc - StartUtc).TotalSeconds * Stopwatch.Frequency);
        var e = new TraceEvent { Ts = ticks, Kind = kind, Arg = generation, Track = TraceEvent.PackTrack(TrackKind.Gc, 0) };
        lock (_lock)
            if (!_closed) _gcEvents.Add(e);
    }

    /// <summary>
    /// Ends the recording (the hooks are already off) and returns every event, per source in recording order:
    /// each run is ordered by time, since one thread (or the GC listener) wrote it. The runs live until <see cref="Release"/>.
    /// </summary>
    internal unsafe List<EventRun> Close()
    {
        _stopSampler.Set();
        _sampler?.Join();
        _gc?.Dispose();
        // A hook that read the flag just before it was cleared may still be writing: give it a moment. An event
        // that misses the cut is dropped, never torn (Count is published after the event is written).
        Thread.Sleep(5);
        Calibrate();
        lock (_lock) _closed = true;

        // Full chunks (each thread's in its order) first, then the chunks being filled: chunks carry no owner, so
        // each is merged as a source of its own (each is time-ordered, which is all the merge needs).
        var sources = Spill.Finish();
        lock (_lock)
        {
            foreach (var buffer in _buffers)
                sources.Add(new EventRun(buffer.Chunk, Math.Min(Volatile.Read(ref buffer.Count), TraceSpill.ChunkEvents)));

            for (int i = 0; i < _gcEvents.Count; i++)
            {
                var gc = _gcEvents[i];
                gc.Ts = Clock.Ticks((long)(gc.Ts * (1e9 / Stopwatch.Frequency)));
                _gcEvents[i] = gc;
            }

            _gcEvents.Sort((a, b) => a.Ts.CompareTo(b.Ts));
            var gcRun = Spill.Allocate(_gcEvents.Count);
            for (int i = 0; i < _gcEvents.Count; i++) gcRun[i] = _gcEvents[i];
            sources.Add(new EventRun(gcRun, _gcEvents.Count));
            return sources;
        }
    }

    /// <summary>Frees the session's memory once the trace is written.</summary>
    internal unsafe void Release()
    {
        List<nint> current;
        lock (_lock) current = _buffers.Select(b => (nint)b.Chunk).ToList();
        Spill.Release(current);
    }

    /// <summary>Reads both clocks again: the TSC's rate is what it was between the start and now (≥ 20 ms apart).</summary>
    private void Calibrate()
    {
        if (!Tsc)
        {
            Clock = new Calibration(0, 1, 0, 1);
            return;
        }

        long minimum = Stopwatch.Frequency / 50;
        long left = _startStopwatch + minimum - Stopwatch.GetTimestamp();
        if (left > 0) Thread.Sleep(TimeSpan.FromSeconds((double)left / Stopwatch.Frequency) + TimeSpan.FromMilliseconds(1));
        var (ticks, stopwatch) = TraceClock.Pair();
        Clock = new Calibration(_startTicks, ticks, _startStopwatch, stopwatch);
    }

    private void SampleLoop(TimeSpan every)
    {
        while (!_stopSampler.Wait(every))
        {
            foreach (var runtime in Only is { } one ? [one] : LiveRuntimes.Snapshot())
            {
                var s = runtime.Scheduler;
                Tracer.Counter(runtime, TraceCounters.Goroutines, s.LiveGoroutines);
                Tracer.Counter(runtime, TraceCounters.Runnable, TraceCounters.RunnableOf(s));
                Tracer.Counter(runtime, TraceCounters.Threads, s.ThreadCount);
            }
        }
    }
}

/// <summary>The counters sampled into a trace.</summary>
internal static class TraceCounters
{
    public const int Goroutines = 0, Runnable = 1, Threads = 2;

    public static readonly string[] Names = ["goroutines", "runnable goroutines", "threads"];

    /// <summary>Goroutines waiting in the global and per-P run queues.</summary>
    public static long RunnableOf(Scheduling.Scheduler scheduler)
    {
        long n = scheduler.GlobalQueue.Count;
        var allp = scheduler.AllP;
        int procs = Math.Min(scheduler.MaxProcs, allp.Length);
        for (int i = 0; i < procs; i++) n += allp[i].RunQueue.Count;
        return n;
    }
}
