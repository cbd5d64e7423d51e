using Weft.Scheduling;

namespace Weft.Tests.Scheduling;

/// <summary>
/// Inert <see cref="G"/> objects for testing run queues alone: they belong to a throwaway runtime that never starts a
/// thread (no goroutine is ever started on it) and are never executed. The id is the index the tests count by.
/// </summary>
internal sealed class FakeGoroutines : IDisposable
{
    private readonly GoRuntime _runtime = new(new GoOptions { MaxProcs = 1, Name = "fake" });

    public G One(long id) => new(_runtime, id, "fake body: never run");

    public G[] Make(int count, long firstId = 0)
    {
        var gs = new G[count];
        for (int i = 0; i < count; i++) gs[i] = One(firstId + i);
        return gs;
    }

    public void Dispose() => _runtime.Dispose();
}

/// <summary>
/// A test <see cref="IRunQueueOverflow"/>: records every batch, in order, with the forgotten (null) slots it was
/// handed, so tests see exactly what a full local queue gave away.
/// </summary>
internal sealed class RecordingOverflow : IRunQueueOverflow
{
    public List<G?[]> Batches { get; } = new();

    /// <summary>Every non-null G received, in order.</summary>
    public IEnumerable<G> Received => Batches.SelectMany(b => b).Where(g => g is not null)!;

    public void PushBatch(G[] batch, int count) => Batches.Add(batch.AsSpan(0, count).ToArray());
}
