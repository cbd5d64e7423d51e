using BenchmarkDotNet.Running;

namespace Weft.Benchmarks;

/// <summary>
/// Micro-benchmarks for Weft's scheduler pieces, channels and select, each beside its .NET baseline.
/// <code>
/// dotnet run -c Release --project bench/Weft.Benchmarks -- --filter '*'              # everything
/// dotnet run -c Release --project bench/Weft.Benchmarks -- --filter '*RunQueue*'     # the queues only
/// dotnet run -c Release --project bench/Weft.Benchmarks -- --filter '*Spawn*' --job short
/// dotnet run -c Release --project bench/Weft.Benchmarks -- --filter '*Channel*' '*Select*'
/// </code>
/// </summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
