using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace Weft.Tracing;

/// <summary>
/// Where a session's full chunks go (Go's trace reader, which drains full buffers and recycles them): a writer thread
/// appends each full chunk to a temporary file and returns its memory to a free list, so a recording thread touches
/// the same few chunks again and again instead of fresh memory, and nothing of a trace is on the GC's heap.
/// </summary>
/// <remarks>
/// <para>Why: on a virtual machine a first touch of a page costs microseconds (a 64 KB chunk of fresh memory cost more
/// than the 2,730 events written into it), while appending to a file costs the writer ~8 ns per event. Managed
/// chunks kept until the stop were worse still: the GC copied them from generation to generation.</para>
/// <para>The file (in the temp directory, deleted when closed) is mapped back at stop and read in place by
/// <see cref="PerfettoWriter"/>. If it cannot be created, full chunks stay in memory until the stop instead.</para>
/// </remarks>
internal sealed unsafe class TraceSpill
{
    /// <summary>Events per chunk (64 KB of native memory).</summary>
    internal const int ChunkEvents = 65536 / 24;

    private readonly object _lock = new();
    private readonly Stack<nint> _free = new();
    private readonly Queue<(nint Chunk, int Count)> _full = new();
    private readonly List<(nint Chunk, int Count)> _kept = new(); // chunks not written out (no file)
    private readonly List<(long Offset, int Count)> _spilled = new();
    private readonly List<nint> _owned = new(); // every chunk allocated, freed at the end
    private readonly FileStream? _file;
    private readonly Thread? _writer;
    private readonly AutoResetEvent _wake = new(false);
    private long _fileLength;
    private bool _fileFailed; // the writer's own
    private bool _stopping;
    private MemoryMappedFile? _map;
    private MemoryMappedViewAccessor? _view;
    private byte* _viewPointer;

    internal TraceSpill()
    {
        try
        {
            var path = Path.Combine(Path.GetTempPath(), $"weft-trace-{Environment.ProcessId}-{Guid.NewGuid():N}.spill");
            _file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 0,
                FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _file = null;
            return;
        }

        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "Weft trace writer" };
        _writer.Start();
    }

    /// <summary>
    /// Chunks that were some thread's current chunk when a session ended: a hook that read the session just before
    /// the stop may still write into one, so they are never freed, only handed to later sessions (at most one per
    /// thread that ever recorded, 64 KB each).
    /// </summary>
    private static readonly Stack<nint> s_retired = new();

    /// <summary>A chunk to fill: a recycled one if any, else new memory. Any recording thread.</summary>
    internal TraceEvent* Rent()
    {
        lock (_lock)
        {
            if (_free.TryPop(out nint chunk)) return (TraceEvent*)chunk;
            lock (s_retired)
                if (!s_retired.TryPop(out chunk)) chunk = 0;
            if (chunk == 0) chunk = (nint)NativeMemory.Alloc((nuint)(ChunkEvents * sizeof(TraceEvent)));
            _owned.Add(chunk);
            return (TraceEvent*)chunk;
        }
    }

    /// <summary>Memory for <paramref name="count"/> events that is freed with the others (the GC events at stop).</summary>
    internal TraceEvent* Allocate(int count)
    {
        var run = (nint)NativeMemory.Alloc((nuint)(Math.Max(1, count) * sizeof(TraceEvent)));
        lock (_lock) _owned.Add(run);
        return (TraceEvent*)run;
    }

    /// <summary>A buffer filled <paramref name="chunk"/>: it goes to the writer (or is kept, without a file).</summary>
    internal void Full(TraceEvent* chunk, int count)
    {
        lock (_lock)
        {
            // Without a file, or from a hook that raced the stop, the chunk just stays in memory.
            if (_file is null || _stopping)
            {
                _kept.Add(((nint)chunk, count));
                return;
            }

            _full.Enqueue(((nint)chunk, count));
        }

        _wake.Set(); // never disposed: a hook racing the stop may still get here
    }

    private void WriteLoop()
    {
        while (true)
        {
            _wake.WaitOne();
            while (true)
            {
                (nint Chunk, int Count) item;
                bool stopping;
                lock (_lock)
                {
                    stopping = _stopping;
                    if (!_full.TryDequeue(out item))
                    {
                        if (stopping) return;
                        break;
                    }
                }

                var bytes = new ReadOnlySpan<byte>((void*)item.Chunk, item.Count * sizeof(TraceEvent));
                bool written = !_fileFailed;
                try
                {
                    if (written) _file!.Write(bytes);
                }
                catch (IOException)
                {
                    written = false; // a full disk: this and later chunks stay in memory
                    _fileFailed = true;
                }

                lock (_lock)
                {
                    if (!written)
                    {
                        _kept.Add(item);
                        continue;
                    }

                    _spilled.Add((_fileLength, item.Count));
                    _fileLength += bytes.Length;
                    _free.Push(item.Chunk);
                }
            }
        }
    }

    /// <summary>
    /// Stops the writer once every full chunk is written and returns them as runs of events, each in recording order,
    /// mapped from the file (valid until <see cref="Release"/>).
    /// </summary>
    internal List<EventRun> Finish()
    {
        if (_writer is not null)
        {
            lock (_lock) _stopping = true;
            _wake.Set();
            _writer.Join();
        }

        var runs = new List<EventRun>();
        foreach (var (chunk, count) in _kept) runs.Add(new EventRun((TraceEvent*)chunk, count));
        if (_file is null || _fileLength == 0) return runs;
        _file.Flush();
        _map = MemoryMappedFile.CreateFromFile(_file, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
        _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref _viewPointer);
        byte* start = _viewPointer + _view.PointerOffset;
        foreach (var (offset, count) in _spilled) runs.Add(new EventRun((TraceEvent*)(start + offset), count));
        return runs;
    }

    /// <summary>Unmaps and deletes the file and frees every chunk but the threads' current ones (<paramref name="current"/>), which are retired.</summary>
    internal void Release(IEnumerable<nint> current)
    {
        var retire = new HashSet<nint>(current);
        lock (_lock) _owned.RemoveAll(retire.Contains);
        lock (s_retired)
            foreach (var chunk in retire)
                if (chunk != 0) s_retired.Push(chunk);

        if (_viewPointer != null) _view!.SafeMemoryMappedViewHandle.ReleasePointer();
        _viewPointer = null;
        _view?.Dispose();
        _map?.Dispose();
        _file?.Dispose();
        lock (_lock)
        {
            foreach (var chunk in _owned) NativeMemory.Free((void*)chunk);
            _owned.Clear();
            _free.Clear();
            _kept.Clear();
        }

    }
}

/// <summary>A run of events in memory (a chunk, or a stretch of the mapped spill file), in recording order.</summary>
internal readonly unsafe struct EventRun
{
    private readonly TraceEvent* _start;

    internal EventRun(TraceEvent* start, int count)
    {
        _start = start;
        Count = count;
    }

    internal int Count { get; }

    internal TraceEvent this[int i] => _start[i];
}
