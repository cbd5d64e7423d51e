using Weft.Timers;

namespace Weft.Tests.Scheduling;

/// <summary>A P's timer heap, alone and against a sorted model: ordering, removal, TakeDue, MoveAllTo.</summary>
public sealed class TimerHeapTests
{
    private sealed class TestTimer(int id) : RuntimeTimer
    {
        public int Id { get; } = id;

        internal override void Fire(long now) => throw new InvalidOperationException("heap tests never fire timers");

        public override string ToString() => $"timer {Id} @ {When}";
    }

    [Fact]
    public void Empty_NextWhenIsZeroAndTakeDueTakesNothing()
    {
        var heap = new TimerHeap();
        var due = new List<RuntimeTimer>();
        Assert.Equal(0, heap.NextWhen);
        Assert.Equal(0, heap.TakeDue(long.MaxValue, due));
        Assert.Empty(due);
    }

    [Fact]
    public void Add_ReturnsTrueOnlyWhenTheTimerBecomesTheEarliest()
    {
        var heap = new TimerHeap();
        Assert.True(heap.Add(new TestTimer(0), 100));
        Assert.False(heap.Add(new TestTimer(1), 200));
        Assert.False(heap.Add(new TestTimer(2), 100)); // a tie is not earlier
        Assert.True(heap.Add(new TestTimer(3), 50));
        Assert.Equal(50, heap.NextWhen);
        Assert.Equal(4, heap.Count);
    }

    [Fact]
    public void TakeDue_TakesExactlyTheDueTimersInDeadlineOrder()
    {
        var heap = new TimerHeap();
        var whens = new long[] { 50, 10, 40, 30, 20, 60, 70 };
        for (int i = 0; i < whens.Length; i++) heap.Add(new TestTimer(i), whens[i]);

        var due = new List<RuntimeTimer>();
        Assert.Equal(4, heap.TakeDue(40, due));
        Assert.Equal(new long[] { 10, 20, 30, 40 }, due.Select(t => t.When));
        Assert.All(due, t => Assert.Null(t.Heap));
        Assert.All(due, t => Assert.Equal(-1, t.HeapIndex));
        Assert.Equal(50, heap.NextWhen);
        Assert.Equal(3, heap.Count);
    }

    [Fact]
    public void Remove_MiddleTimer_HeapStaysOrderedAndTimerIsDetached()
    {
        var heap = new TimerHeap();
        var timers = Enumerable.Range(0, 20).Select(i => new TestTimer(i)).ToArray();
        for (int i = 0; i < timers.Length; i++) heap.Add(timers[i], 1000 - i * 10);

        Assert.True(heap.Remove(timers[7]));
        Assert.Null(timers[7].Heap);
        Assert.False(heap.Remove(timers[7])); // already gone
        Assert.True(heap.Remove(timers[19])); // the earliest
        Assert.Equal(1000 - 18 * 10, heap.NextWhen);

        var due = new List<RuntimeTimer>();
        heap.TakeDue(long.MaxValue, due);
        Assert.Equal(18, due.Count);
        Assert.Equal(due.Select(t => t.When).Order(), due.Select(t => t.When));
        Assert.DoesNotContain(timers[7], due);
        Assert.Equal(0, heap.NextWhen);
    }

    [Fact]
    public void Remove_FromAnotherHeap_ReturnsFalse()
    {
        var a = new TimerHeap();
        var b = new TimerHeap();
        var t = new TestTimer(1);
        a.Add(t, 10);
        Assert.False(b.Remove(t));
        Assert.Same(a, t.Heap);
    }

    [Fact]
    public void NextWhen_DeadlineZero_StillReportsAPendingTimer()
    {
        var heap = new TimerHeap();
        heap.Add(new TestTimer(0), 0); // 0 means "empty" in NextWhen, so a timer due at 0 reads as 1
        Assert.Equal(1, heap.NextWhen);
        var due = new List<RuntimeTimer>();
        Assert.Equal(1, heap.TakeDue(1, due));
    }

    [Fact]
    public void MoveAllTo_MovesEveryTimerAndReturnsTheEarliest()
    {
        var source = new TimerHeap();
        var destination = new TimerHeap();
        destination.Add(new TestTimer(100), 25);
        var moved = Enumerable.Range(0, 50).Select(i => new TestTimer(i)).ToArray();
        for (int i = 0; i < moved.Length; i++) source.Add(moved[i], 30 + (i * 7919) % 500);

        long earliest = source.MoveAllTo(destination);

        Assert.Equal(30, earliest);
        Assert.Equal(0, source.Count);
        Assert.Equal(0, source.NextWhen);
        Assert.Equal(51, destination.Count);
        Assert.Equal(25, destination.NextWhen);
        Assert.All(moved, t => Assert.Same(destination, t.Heap));
        var due = new List<RuntimeTimer>();
        destination.TakeDue(long.MaxValue, due);
        Assert.Equal(due.Select(t => t.When).Order(), due.Select(t => t.When));
    }

    [Fact]
    public void MoveAllTo_EmptySource_ReturnsZero()
    {
        Assert.Equal(0, new TimerHeap().MoveAllTo(new TimerHeap()));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RandomOperations_MatchASortedModel(int seed)
    {
        var rnd = new Random(seed);
        var heaps = new[] { new TimerHeap(), new TimerHeap() };
        var model = new[] { new Dictionary<TestTimer, long>(), new Dictionary<TestTimer, long>() };
        var detached = new List<TestTimer>();
        long now = 0;
        int nextId = 0;

        for (int step = 0; step < 20_000; step++)
        {
            int h = rnd.Next(2);
            switch (rnd.Next(10))
            {
                case < 5: // add (reusing detached timers, like Sleep's per-goroutine timer)
                {
                    TestTimer t;
                    if (detached.Count > 0 && rnd.Next(2) == 0)
                    {
                        t = detached[^1];
                        detached.RemoveAt(detached.Count - 1);
                    }
                    else
                    {
                        t = new TestTimer(nextId++);
                    }

                    long when = now + rnd.Next(1, 1000);
                    long earliestBefore = model[h].Count == 0 ? long.MaxValue : model[h].Values.Min();
                    bool becameEarliest = heaps[h].Add(t, when);
                    model[h][t] = when;
                    Assert.Equal(when < earliestBefore, becameEarliest);
                    break;
                }
                case < 7: // remove a random pending timer
                {
                    if (model[h].Count == 0) break;
                    var t = model[h].Keys.ElementAt(rnd.Next(model[h].Count));
                    Assert.True(heaps[h].Remove(t));
                    model[h].Remove(t);
                    detached.Add(t);
                    break;
                }
                case < 9: // time passes; take what is due
                {
                    now += rnd.Next(0, 200);
                    var due = new List<RuntimeTimer>();
                    int n = heaps[h].TakeDue(now, due);
                    var expected = model[h].Where(kv => kv.Value <= now).Select(kv => kv.Key).ToHashSet();
                    Assert.Equal(expected.Count, n);
                    Assert.True(expected.SetEquals(due.Cast<TestTimer>()));
                    Assert.Equal(due.Select(t => t.When).Order(), due.Select(t => t.When));
                    foreach (TestTimer t in due)
                    {
                        model[h].Remove(t);
                        detached.Add(t);
                    }

                    break;
                }
                default: // retire one heap into the other
                {
                    int other = 1 - h;
                    long expectedEarliest = model[h].Count == 0 ? 0 : model[h].Values.Min();
                    Assert.Equal(expectedEarliest, heaps[h].MoveAllTo(heaps[other]));
                    foreach (var kv in model[h]) model[other][kv.Key] = kv.Value;
                    model[h].Clear();
                    break;
                }
            }

            for (int i = 0; i < 2; i++)
            {
                Assert.Equal(model[i].Count, heaps[i].Count);
                Assert.Equal(model[i].Count == 0 ? 0 : Math.Max(1, model[i].Values.Min()), heaps[i].NextWhen);
            }
        }
    }
}
