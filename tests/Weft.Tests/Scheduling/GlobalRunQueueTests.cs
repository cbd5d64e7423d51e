using Weft.Scheduling;

namespace Weft.Tests.Scheduling;

/// <summary>The global run queue: a growable FIFO ring (callers hold the scheduler lock; these tests are single-threaded).</summary>
public sealed class GlobalRunQueueTests : IDisposable
{
    private readonly FakeGoroutines _fakes = new();

    public void Dispose() => _fakes.Dispose();

    private static List<long> PopAll(GlobalRunQueue q)
    {
        var ids = new List<long>();
        while (q.Pop() is { } g) ids.Add(g.Id);
        return ids;
    }

    [Fact]
    public void Pop_Empty_ReturnsNull()
    {
        var q = new GlobalRunQueue();
        Assert.Null(q.Pop());
        Assert.Equal(0, q.Count);
    }

    [Fact]
    public void Push_PastInitialCapacity_GrowsAndKeepsFifoOrder()
    {
        var q = new GlobalRunQueue();
        foreach (var g in _fakes.Make(10_000)) q.Push(g);
        Assert.Equal(10_000, q.Count);
        Assert.Equal(Enumerable.Range(0, 10_000).Select(i => (long)i), PopAll(q));
        Assert.Equal(0, q.Count);
    }

    [Fact]
    public void Push_GrowWhileTheRingIsWrapped_KeepsFifoOrder()
    {
        var q = new GlobalRunQueue();
        var model = new Queue<long>();
        var rnd = new Random(42);
        long next = 0;
        // Interleave so the head sits mid-ring when the ring has to grow.
        for (int step = 0; step < 20_000; step++)
        {
            if (rnd.Next(3) != 0)
            {
                q.Push(_fakes.One(next));
                model.Enqueue(next++);
            }
            else
            {
                var g = q.Pop();
                if (model.Count == 0) Assert.Null(g);
                else Assert.Equal(model.Dequeue(), g!.Id);
            }

            Assert.Equal(model.Count, q.Count);
        }

        Assert.Equal(model, PopAll(q));
    }

    [Fact]
    public void PushBatch_InOrderAndSkipsForgottenSlots()
    {
        var q = new GlobalRunQueue();
        var gs = _fakes.Make(200);
        q.Push(gs[0]);
        var batch = gs.Skip(1).ToArray();
        batch[3] = null!; // forgotten slots of a local queue
        batch[150] = null!;

        q.PushBatch(batch, batch.Length);

        Assert.Equal(198, q.Count);
        Assert.Equal(Enumerable.Range(0, 200).Where(i => i != 4 && i != 151).Select(i => (long)i), PopAll(q));
    }

    [Fact]
    public void PushBatch_CountSmallerThanArray_TakesOnlyThePrefix()
    {
        var q = new GlobalRunQueue();
        var gs = _fakes.Make(10);
        q.PushBatch(gs, 4);
        Assert.Equal(new long[] { 0, 1, 2, 3 }, PopAll(q));
    }

    [Fact]
    public void PushBatch_LargerThanTheRing_GrowsEnough()
    {
        var q = new GlobalRunQueue();
        for (int i = 0; i < 50; i++) q.Push(_fakes.One(i));
        for (int i = 0; i < 40; i++) q.Pop(); // head mid-ring
        q.PushBatch(_fakes.Make(1000, firstId: 50), 1000);
        Assert.Equal(Enumerable.Range(40, 1010).Select(i => (long)i), PopAll(q));
    }
}
