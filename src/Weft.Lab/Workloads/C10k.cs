using System.Diagnostics;
using Weft.Lab.Measurement;

namespace Weft.Lab.Workloads;

/// <summary>
/// <c>c10k</c>, the web-server scenario: N requests (10,000) arrive at once; each waits 10 ms on a timer (standing for
/// a database round trip), then computes 1 ms of CPU (<see cref="CpuWork"/>, calibrated per machine). Figures:
/// <c>req_per_s</c> (N over the time until the last response), <c>cpu_limit_pct</c> (that rate as a share of the
/// machine's limit, cores ÷ 1 ms), <c>p50_ms</c>/<c>p99_ms</c> latency from arrival to response, <c>peak_mb</c>
/// (peak growth of resident memory) and <c>threads</c> (peak OS threads of the process).
/// The <c>threads</c> model is thread-per-request with at most <see cref="ThreadCap"/> threads; the others queue.
/// </summary>
public sealed class C10kWorkload : Workload
{
    /// <summary>Most threads of the thread-per-request model.</summary>
    public const int ThreadCap = 1_000;

    /// <summary>The timer wait of a request, ms.</summary>
    public const int WaitMs = 10;

    /// <summary>The CPU work of a request, ms.</summary>
    public const double CpuMs = 1.0;

    /// <inheritdoc />
    public override string Name => "c10k";

    /// <inheritdoc />
    public override string Description => "10,000 concurrent requests: wait 10 ms on a timer, then compute 1 ms";

    /// <inheritdoc />
    public override IReadOnlyList<FigureSpec> Figures { get; } =
    [
        new("req_per_s", "req/s", false, "requests per second"),
        new("cpu_limit_pct", "%", false, "% of the CPU limit"),
        new("p50_ms", "ms", true, "p50 latency"),
        new("p99_ms", "ms", true, "p99 latency"),
        new("peak_mb", "MB", true, "peak memory growth"),
        new("threads", "threads", true, "OS threads"),
    ];

    /// <inheritdoc />
    public override IReadOnlyList<string> Models { get; } = [Lab.Workloads.Models.Weft, Lab.Workloads.Models.Tasks, Lab.Workloads.Models.Threads];

    /// <inheritdoc />
    public override int Repeats => 1;

    /// <inheritdoc />
    public override long DefaultSize => 10_000;

    /// <inheritdoc />
    public override long QuickSize => 2_000;

    /// <inheritdoc />
    public override string SizeUnit => "requests";

    /// <inheritdoc />
    public override long WarmupSize(long size) => Math.Min(size / 10, 200);

    /// <summary>The machine's CPU limit in requests per second: cores ÷ 1 ms of CPU per request.</summary>
    public static double CpuLimit => Cores * 1000.0 / CpuMs;

    /// <summary>Cores available to the process (the cgroup quota when there is one, as Weft's MaxProcs default).</summary>
    public static int Cores => global::Weft.Scheduling.MaxProcsDefault.Resolve();

    /// <inheritdoc />
    protected override Outcome RunModel(string model, long size)
    {
        _ = CpuWork.IterationsPerMillisecond; // calibrate outside the measurement
        Measure.SettledHeap();
        int n = (int)size;
        var latencies = new double[n];
        // Weft's runtime is created before the window and shut down after it, as the ThreadPool exists before it.
        using var lab = model == Lab.Workloads.Models.Weft ? new LabRuntime() : null;
        using var sampler = new Sampler();
        long t0 = Stopwatch.GetTimestamp();
        switch (model)
        {
            case Lab.Workloads.Models.Weft: Weft(lab!, n, t0, latencies); break;
            case Lab.Workloads.Models.Tasks: Tasks(n, t0, latencies); break;
            case Lab.Workloads.Models.Threads: Threads(n, t0, latencies); break;
            default: throw new ArgumentOutOfRangeException(nameof(model));
        }

        double seconds = Measure.MillisecondsSince(t0) / 1000;
        sampler.Dispose();
        if (latencies.Any(l => l <= 0)) throw new InvalidOperationException("c10k: a request did not complete");
        Array.Sort(latencies);
        double rate = n / seconds;
        return Outcome.Of(
            ("req_per_s", rate),
            ("cpu_limit_pct", 100 * rate / CpuLimit),
            ("p50_ms", Measure.Percentile(latencies, 50)),
            ("p99_ms", Measure.Percentile(latencies, 99)),
            ("peak_mb", sampler.PeakMemoryGrowth / 1048576.0),
            ("threads", sampler.PeakThreads));
    }

    /// <summary>One request's work after its wait: compute, then record the latency from arrival.</summary>
    private static void Respond(long arrival, double[] latencies, int i)
    {
        CpuWork.Burn(CpuMs);
        latencies[i] = Measure.MillisecondsSince(arrival);
    }

    /// <summary>A goroutine per request on <paramref name="lab"/>: <c>Go.Sleep(10 ms)</c>, then the CPU work.</summary>
    public static void Weft(LabRuntime lab, int n, long arrival, double[] latencies)
    {
        var done = new Latch(n);
        lab.Run(() =>
        {
            for (int i = 0; i < n; i++)
            {
                int id = i;
                Go.Start(async () =>
                {
                    await Go.Sleep(TimeSpan.FromMilliseconds(WaitMs));
                    Respond(arrival, latencies, id);
                    done.Signal();
                });
            }

            return GoTask.CompletedTask;
        });
        done.Wait();
    }

    /// <summary>A Task per request (<c>Task.Run</c> from a pool thread): <c>await Task.Delay(10)</c>, then the CPU work.</summary>
    public static void Tasks(int n, long arrival, double[] latencies)
    {
        var done = new Latch(n);
        Task.Run(() =>
        {
            for (int i = 0; i < n; i++)
            {
                int id = i;
                _ = Task.Run(async () =>
                {
                    await Task.Delay(WaitMs);
                    Respond(arrival, latencies, id);
                    done.Signal();
                });
            }
        }).Wait();
        done.Wait();
    }

    /// <summary>Thread-per-request, capped: up to <see cref="ThreadCap"/> threads take requests in order; each <c>Thread.Sleep(10)</c>, then computes.</summary>
    public static void Threads(int n, long arrival, double[] latencies)
    {
        int next = -1;
        var threads = new Thread[Math.Min(n, ThreadCap)];
        for (int t = 0; t < threads.Length; t++)
        {
            threads[t] = new Thread(() =>
            {
                int id;
                while ((id = Interlocked.Increment(ref next)) < n)
                {
                    Thread.Sleep(WaitMs);
                    Respond(arrival, latencies, id);
                }
            }) { IsBackground = true };
            threads[t].Start();
        }

        foreach (var t in threads) t.Join();
    }
}
