using System.Diagnostics;

namespace Weft.Lab.Measurement;

/// <summary>
/// Samples the process's OS thread count and resident memory every few milliseconds on its own thread, and keeps
/// the peaks: the <c>threads</c> and peak-memory figures. The sampler's own thread is not counted.
/// </summary>
public sealed class Sampler : IDisposable
{
    private readonly Thread _thread;
    private readonly int _intervalMs;
    private volatile bool _stop;
    private int _peakThreads;
    private long _peakRss;
    private long _peakHeap;

    /// <summary>Starts sampling.</summary>
    /// <param name="intervalMs">Milliseconds between samples.</param>
    public Sampler(int intervalMs = 5)
    {
        _intervalMs = intervalMs;
        var (threads, rss) = ReadProcess();
        BaselineThreads = threads;
        BaselineRss = rss;
        _peakThreads = threads;
        _peakRss = rss;
        BaselineHeap = GC.GetTotalMemory(false);
        _peakHeap = BaselineHeap;
        _thread = new Thread(Loop) { IsBackground = true, Name = "lab-sampler" };
        _thread.Start();
    }

    /// <summary>Threads of the process when sampling started.</summary>
    public int BaselineThreads { get; }

    /// <summary>Resident bytes of the process when sampling started.</summary>
    public long BaselineRss { get; }

    /// <summary>Managed heap bytes when sampling started.</summary>
    public long BaselineHeap { get; }

    /// <summary>Peak growth of the managed heap (including garbage not yet collected) over the baseline, in bytes.</summary>
    public long PeakHeapGrowth => Math.Max(0, Interlocked.Read(ref _peakHeap) - BaselineHeap);

    /// <summary>
    /// Peak memory growth: the larger of resident-memory growth and managed-heap growth. In a process whose heap
    /// has room left from earlier runs, resident memory may not grow while the heap fills that room, so both count.
    /// </summary>
    public long PeakMemoryGrowth => Math.Max(PeakRssGrowth, PeakHeapGrowth);

    /// <summary>The most OS threads seen, excluding the sampler's own.</summary>
    public int PeakThreads => Volatile.Read(ref _peakThreads);

    /// <summary>The most resident bytes seen.</summary>
    public long PeakRss => Interlocked.Read(ref _peakRss);

    /// <summary>Peak resident growth over the baseline, in bytes (never negative).</summary>
    public long PeakRssGrowth => Math.Max(0, PeakRss - BaselineRss);

    private void Loop()
    {
        while (!_stop)
        {
            Sample(excludeSelf: true);
            Thread.Sleep(_intervalMs);
        }
    }

    /// <summary>Takes one sample now (also called by the owner at the end, so short runs are seen).</summary>
    public void Sample(bool excludeSelf = true)
    {
        var (threads, rss) = ReadProcess();
        if (excludeSelf && _thread is not null && _thread.IsAlive) threads--;
        int t;
        while (threads > (t = Volatile.Read(ref _peakThreads)) && Interlocked.CompareExchange(ref _peakThreads, threads, t) != t) { }
        long r;
        while (rss > (r = Interlocked.Read(ref _peakRss)) && Interlocked.CompareExchange(ref _peakRss, rss, r) != r) { }
        long heap = GC.GetTotalMemory(false), h;
        while (heap > (h = Interlocked.Read(ref _peakHeap)) && Interlocked.CompareExchange(ref _peakHeap, heap, h) != h) { }
    }

    /// <summary>Stops sampling after a last sample.</summary>
    public void Dispose()
    {
        Sample();
        _stop = true;
        _thread.Join();
    }

    /// <summary>The process's current OS thread count and resident bytes (from /proc on Linux).</summary>
    public static (int Threads, long Rss) ReadProcess()
    {
        try
        {
            if (File.Exists("/proc/self/status"))
            {
                int threads = 0;
                long rss = 0;
                foreach (var line in File.ReadLines("/proc/self/status"))
                {
                    if (line.StartsWith("Threads:", StringComparison.Ordinal))
                        threads = int.Parse(line.AsSpan(8).Trim());
                    else if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                        rss = long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim()) * 1024;
                }

                if (threads > 0) return (threads, rss);
            }
        }
        catch (IOException)
        {
        }

        using var p = Process.GetCurrentProcess();
        return (p.Threads.Count, p.WorkingSet64);
    }

    /// <summary>The process's current OS thread count.</summary>
    public static int CurrentThreads() => ReadProcess().Threads;
}
