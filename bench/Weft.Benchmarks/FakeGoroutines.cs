using Weft.Scheduling;

namespace Weft.Benchmarks;

/// <summary>
/// Inert goroutine objects for queue benchmarks: they belong to a runtime that never starts a thread and are never run.
/// The queues only move references, so the same objects are pushed again and again.
/// </summary>
internal sealed class FakeGoroutines : IDisposable
{
    private readonly GoRuntime _runtime = new(new GoOptions { MaxProcs = 1, Name = "bench-fake" });

    public G[] Make(int count)
    {
        var gs = new G[count];
        for (int i = 0; i < count; i++) gs[i] = new G(_runtime, i + 1, "never run");
        return gs;
    }

    public void Dispose() => _runtime.Dispose();
}

/// <summary>An overflow sink that drops what it receives (the benchmarks that overflow measure the local side).</summary>
internal sealed class DiscardingOverflow : IRunQueueOverflow
{
    public int Received;

    public void PushBatch(G[] batch, int count) => Received += count;
}
