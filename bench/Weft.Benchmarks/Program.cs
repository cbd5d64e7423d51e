using BenchmarkDotNet.Running;

namespace Weft.Benchmarks;

/// <summary>
/// Micro-benchmarks for Weft's scheduler pieces, named by contention shape (as Go's are).
/// <code>
/// dotnet run -c Release --project bench/Weft.Benchmarks -- --filter '*'              # everything
/// dotnet run -c Release --project bench/Weft.Benchmarks -- --filter '*RunQueue*'     # the queues only
/// dotnet run -c Release --project bench/Weft.Benchmarks -- --filter '*Spawn*' --job short
/// </code>
/// </summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
