using BenchmarkDotNet.Attributes;
using Weft.Scheduling;
using Weft.Tracing;

namespace Weft.Benchmarks;

/// <summary>
/// What the scheduler's trace hooks cost per goroutine step (start, an unblock of another goroutine, stop: the three
/// events of a pingpong step), on the recording thread: tracing off (the flag test), on with exact instants, and on
/// with <see cref="Trace.PreciseInstants"/> off. The spill writer's share (it copies full chunks to a file on its own
/// thread, ~8 ns per event) is not in these figures; docs/BENCHMARKS.md gives both.
/// </summary>
/// <remarks>A trace runs per iteration (started and stopped outside the timed part), so a run never piles up an
/// hour's events for one <see cref="Trace.Stop"/> to write.</remarks>
[InvocationCount(256)]
public class TraceHookBenchmarks
{
    private const int Steps = 10_000;

    private GoRuntime _runtime = null!;
    private M _m = null!;
    private G _g = null!;

    /// <summary>Tracing off, on, or on with coarse instants.</summary>
    [Params("off", "precise", "coarse")]
    public string Mode { get; set; } = "off";

    [GlobalSetup]
    public void Setup()
    {
        _runtime = new GoRuntime(new GoOptions { Name = "hooks", MaxProcs = 1 });
        _m = new M(_runtime.Scheduler, 1000); // a stand-in M: the hooks only read its id, P and buffer
        _g = new G(_runtime, 1, new object());
        Trace.PreciseInstants = Mode != "coarse";
    }

    [IterationSetup]
    public void StartTrace()
    {
        if (Mode != "off") Trace.Start(Stream.Null, _runtime);
    }

    [IterationCleanup]
    public void StopTrace()
    {
        if (Trace.IsRecording) Trace.Stop();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Trace.PreciseInstants = true;
        _runtime.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Steps)]
    public void Step_StartUnblockStop()
    {
        var m = _m;
        var g = _g;
        for (int i = 0; i < Steps; i++)
        {
            Tracer.GoStart(m, g);
            Tracer.GoUnblock(g);
            Tracer.GoStop(m, g, (int)WaitReason.ChanReceive);
        }
    }
}
