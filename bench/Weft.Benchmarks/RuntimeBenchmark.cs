using BenchmarkDotNet.Attributes;

namespace Weft.Benchmarks;

/// <summary>
/// Base of the benchmark classes whose Weft rows run as goroutines of one runtime: the runtime is created once
/// per benchmark process (so its start-up is never timed) and disposed at the end.
/// </summary>
public abstract class RuntimeBenchmark
{
    /// <summary>The runtime the Weft rows run on; default options (MaxProcs from the machine).</summary>
    protected GoRuntime Runtime { get; private set; } = null!;

    /// <summary>Creates the runtime before any iteration.</summary>
    [GlobalSetup]
    public void CreateRuntime() => Runtime = new GoRuntime(new GoOptions { Name = "bench" });

    /// <summary>Stops the runtime's threads after the last iteration.</summary>
    [GlobalCleanup]
    public void DisposeRuntime() => Runtime.Dispose();
}
