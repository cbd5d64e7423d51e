using Weft.Scheduling;

namespace Weft.Tests.Scheduling;

/// <summary>
/// The local run queue alone, with a recording overflow (Go's TestSchedLocalQueue / TestSchedLocalQueueSteal, and
/// tokio's conservation tests): owner FIFO, runnext, overflow of half plus one, steal of half rounded up, forgotten
/// slots, and a concurrent stress test that counts every goroutine.
/// </summary>
public sealed class LocalRunQueueTests : IDisposable
{
    private readonly FakeGoroutines _fakes = new();

    public void Dispose() => _fakes.Dispose();

    private static List<long> PopAll(LocalRunQueue q)
    {
        var ids = new List<long>();
        while (q.Pop(out _) is { } g) ids.Add(g.Id);
        return ids;
    }

    private static List<long> Range(long start, int count) => Enumerable.Range(0, count).Select(i => start + i).ToList();

    // ---- owner push/pop ------------------------------------------------------------------------------

    [Fact]
    public void Pop_Empty_ReturnsNull()
    {
        var q = new LocalRunQueue();
        Assert.Null(q.Pop(out bool inherit));
        Assert.False(inherit);
        Assert.True(q.IsEmpty);
        Assert.Equal(0, q.Count);
    }

    [Fact]
    public void Push_ThenPop_OwnerOrderIsFifoWithoutInheritTime()
    {
        var q = new LocalRunQueue();
        var overflow = new RecordingOverflow();
        foreach (var g in _fakes.Make(100)) q.Push(g, next: false, overflow);

        Assert.Equal(100, q.Count);
        for (int i = 0; i < 100; i++)
        {
            var g = q.Pop(out bool inherit);
            Assert.NotNull(g);
            Assert.Equal(i, g.Id);
            Assert.False(inherit);
        }

        Assert.Null(q.Pop(out _));
        Assert.Empty(overflow.Batches);
    }

    [Fact]
    public void PushPop_ManyCyclesAcrossTheRingBoundary_StaysFifo()
    {
        var q = new LocalRunQueue();
        var overflow = new RecordingOverflow();
        long next = 0, expected = 0;
        for (int cycle = 0; cycle < 10; cycle++) // never more than 245 queued: no overflow, the ring wraps 8 times
        {
            for (int i = 0; i < 200; i++) q.Push(_fakes.One(next++), next: false, overflow);
            for (int i = 0; i < 195; i++) Assert.Equal(expected++, q.Pop(out _)!.Id);
        }

        Assert.Empty(overflow.Batches);
        Assert.Equal(Range(expected, (int)(next - expected)), PopAll(q));
    }

    // ---- runnext -------------------------------------------------------------------------------------

    [Fact]
    public void PushNext_EmptyRunNext_PopReturnsItFirstWithInheritTime()
    {
        var q = new LocalRunQueue();
        var overflow = new RecordingOverflow();
        var gs = _fakes.Make(3);
        q.Push(gs[0], next: false, overflow);
        q.Push(gs[1], next: false, overflow);
        q.Push(gs[2], next: true, overflow);

        Assert.Equal(3, q.Count);
        Assert.Same(gs[2], q.Pop(out bool inherit));
        Assert.True(inherit);
        Assert.Same(gs[0], q.Pop(out inherit));
        Assert.False(inherit);
        Assert.Same(gs[1], q.Pop(out inherit));
        Assert.False(inherit);
        Assert.Null(q.Pop(out _));
    }

    [Fact]
    public void PushNext_RunNextOccupied_KicksOldRunNextToTheTail()
    {
        var q = new LocalRunQueue();
        var overflow = new RecordingOverflow();
        var gs = _fakes.Make(4);
        q.Push(gs[0], next: false, overflow);
        q.Push(gs[1], next: true, overflow);
        q.Push(gs[2], next: true, overflow); // gs[1] goes behind gs[0]
        q.Push(gs[3], next: true, overflow); // gs[2] goes behind gs[1]

        Assert.Equal(new long[] { 3, 0, 1, 2 }, PopAll(q));
    }

    [Fact]
    public void Drain_TakesRunNextThenTheRingInOrder()
    {
        var q = new LocalRunQueue();
        var overflow = new RecordingOverflow();
        var gs = _fakes.Make(5);
        for (int i = 0; i < 4; i++) q.Push(gs[i], next: false, overflow);
        q.Push(gs[4], next: true, overflow);

        var sink = new List<G>();
        q.Drain(sink);
        Assert.Equal(new long[] { 4, 0, 1, 2, 3 }, sink.Select(g => g.Id));
        Assert.True(q.IsEmpty);
    }

    // ---- overflow ------------------------------------------------------------------------------------

    [Fact]
    public void Push_FullRing_MovesOldestHalfPlusNewGoroutineToOverflowInOrder()
    {
        var q = new LocalRunQueue();
        var overflow = new RecordingOverflow();
        foreach (var g in _fakes.Make(LocalRunQueue.Capacity)) q.Push(g, next: false, overflow);
        Assert.Empty(overflow.Batches);
        Assert.Equal(LocalRunQueue.Capacity, q.Count);

        q.Push(_fakes.One(LocalRunQueue.Capacity), next: false, overflow);

        var batch = Assert.Single(overflow.Batches);
        const int half = LocalRunQueue.Capacity / 2;
        Assert.Equal(half + 1, batch.Length);
        Assert.Equal(Range(0, half).Append(LocalRunQueue.Capacity), batch.Select(g => g!.Id));
        Assert.Equal(Range(half, half), PopAll(q)); // the newer half stays, in order
    }

    [Fact]
    public void PushNext_FullRing_KickedRunNextOverflowsAfterTheOldestHalf()
    {
        var q = new LocalRunQueue();
        var overflow = new RecordingOverflow();
        foreach (var g in _fakes.Make(LocalRunQueue.Capacity)) q.Push(g, next: false, overflow);
        var first = _fakes.One(1000);
        var second = _fakes.One(1001);
        q.Push(first, next: true, overflow); // runnext was empty: no overflow
        Assert.Empty(overflow.Batches);
        q.Push(second, next: true, overflow); // first is kicked to the full tail

        var batch = Assert.Single(overflow.Batches);
        const int half = LocalRunQueue.Capacity / 2;
        Assert.Equal(Range(0, half).Append(1000), batch.Select(g => g!.Id));
        Assert.Equal(new long[] { 1001 }.Concat(Range(half, half)), PopAll(q));
    }

    [Fact]
    public void Push_ManyMoreThanCapacity_EveryGoroutineEndsUpPoppedOrOverflowedOnce()
    {
        var q = new LocalRunQueue();
        var overflow = new RecordingOverflow();
        const int total = 10 * LocalRunQueue.Capacity + 17;
        foreach (var g in _fakes.Make(total)) q.Push(g, next: false, overflow);

        var all = overflow.Received.Select(g => g.Id).Concat(PopAll(q)).ToList();
        Assert.Equal(total, all.Count);
        Assert.Equal(Range(0, total), all.Order());
        Assert.All(overflow.Batches, b => Assert.Equal(LocalRunQueue.Capacity / 2 + 1, b.Length));
    }

    // ---- steal ---------------------------------------------------------------------------------------

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(127)]
    [InlineData(LocalRunQueue.Capacity)]
    public void StealInto_TakesHalfRoundedUpFromTheHead(int n)
    {
        var victim = new LocalRunQueue();
        var thief = new LocalRunQueue();
        var overflow = new RecordingOverflow();
        foreach (var g in _fakes.Make(n)) victim.Push(g, next: false, overflow);

        var stolen = victim.StealInto(thief, stealRunNext: false);

        int taken = n - n / 2;
        Assert.NotNull(stolen);
        Assert.Equal(taken - 1, stolen.Id); // the last one taken is returned to run
        Assert.Equal(Range(0, taken - 1), PopAll(thief)); // the rest wait in the thief's ring, in order
        Assert.Equal(Range(taken, n - taken), PopAll(victim));
    }

    [Fact]
    public void StealInto_EmptyVictim_ReturnsNull()
    {
        var victim = new LocalRunQueue();
        var thief = new LocalRunQueue();
        Assert.Null(victim.StealInto(thief, stealRunNext: true));
        Assert.True(thief.IsEmpty);
    }

    [Fact]
    public void StealInto_OnlyRunNext_TakenOnlyWhenAllowed()
    {
        var victim = new LocalRunQueue();
        var thief = new LocalRunQueue();
        var r = _fakes.One(7);
        victim.Push(r, next: true, new RecordingOverflow());

        Assert.Null(victim.StealInto(thief, stealRunNext: false));
        Assert.Equal(1, victim.Count);
        Assert.Same(r, victim.StealInto(thief, stealRunNext: true));
        Assert.True(victim.IsEmpty);
        Assert.True(thief.IsEmpty);
    }

    [Fact]
    public void TryStealRunNext_TakesOnlyTheExpectedGoroutine()
    {
        var victim = new LocalRunQueue();
        var r = _fakes.One(7);
        var other = _fakes.One(8);
        victim.Push(r, next: true, new RecordingOverflow());

        Assert.Same(r, victim.PeekRunNext());
        Assert.False(victim.TryStealRunNext(other));
        Assert.True(victim.TryStealRunNext(r));
        Assert.Null(victim.Pop(out _));
    }

    [Fact]
    public void StealInto_RingNotEmpty_LeavesRunNextAlone()
    {
        var victim = new LocalRunQueue();
        var thief = new LocalRunQueue();
        var overflow = new RecordingOverflow();
        var gs = _fakes.Make(3);
        victim.Push(gs[0], next: false, overflow);
        victim.Push(gs[1], next: false, overflow);
        victim.Push(gs[2], next: true, overflow);

        Assert.Same(gs[0], victim.StealInto(thief, stealRunNext: true));
        Assert.Same(gs[2], victim.Pop(out bool inherit));
        Assert.True(inherit);
        Assert.Same(gs[1], victim.Pop(out _));
    }

    [Fact]
    public void StealInto_RepeatedUntilEmpty_EveryGoroutineTakenOnce()
    {
        var victim = new LocalRunQueue();
        var overflow = new RecordingOverflow();
        foreach (var g in _fakes.Make(200)) victim.Push(g, next: false, overflow);

        var seen = new List<long>();
        int steals = 0;
        while (true)
        {
            var thief = new LocalRunQueue();
            var g = victim.StealInto(thief, stealRunNext: true);
            if (g is null) break;
            steals++;
            seen.AddRange(PopAll(thief));
            seen.Add(g.Id);
        }

        Assert.Equal(Range(0, 200), seen); // head-first halves, each batch in order
        Assert.Equal(8, steals); // 200 → 100 → 50 → 25 → 12 → 6 → 3 → 1 → 0
    }

    // ---- forgotten slots -----------------------------------------------------------------------------

    [Fact]
    public void Forget_RingEntry_PopSkipsTheSlot()
    {
        var q = new LocalRunQueue();
        var overflow = new RecordingOverflow();
        var gs = _fakes.Make(5);
        foreach (var g in gs) q.Push(g, next: false, overflow);

        Assert.True(q.Forget(gs[3], maxScan: 32));
        Assert.True(q.Forget(gs[0], maxScan: 32));
        Assert.Equal(new long[] { 1, 2, 4 }, PopAll(q));
        Assert.True(q.IsEmpty);
    }

    [Fact]
    public void Forget_RunNext_PopSkipsIt()
    {
        var q = new LocalRunQueue();
        var overflow = new RecordingOverflow();
        var gs = _fakes.Make(2);
        q.Push(gs[0], next: false, overflow);
        q.Push(gs[1], next: true, overflow);

        Assert.True(q.Forget(gs[1], maxScan: 1));
        Assert.Equal(new long[] { 0 }, PopAll(q));
    }

    [Fact]
    public void Forget_OutsideTheScanWindow_ReturnsFalseAndTheGoroutineStays()
    {
        var q = new LocalRunQueue();
        var overflow = new RecordingOverflow();
        var gs = _fakes.Make(10);
        foreach (var g in gs) q.Push(g, next: false, overflow);

        Assert.False(q.Forget(gs[0], maxScan: 4)); // only the 4 newest are scanned
        Assert.False(q.Forget(_fakes.One(99), maxScan: 32));
        Assert.Equal(Range(0, 10), PopAll(q));
    }

    [Fact]
    public void Forget_ThenSteal_ThiefSkipsForgottenSlots()
    {
        var victim = new LocalRunQueue();
        var thief = new LocalRunQueue();
        var overflow = new RecordingOverflow();
        var gs = _fakes.Make(8);
        foreach (var g in gs) victim.Push(g, next: false, overflow);
        victim.Forget(gs[1], maxScan: 32);
        victim.Forget(gs[2], maxScan: 32);

        // Takes slots 0..3 (half of 8); two of them are forgotten.
        var stolen = victim.StealInto(thief, stealRunNext: false);
        Assert.Same(gs[3], stolen);
        Assert.Equal(new long[] { 0 }, PopAll(thief));
        Assert.Equal(new long[] { 4, 5, 6, 7 }, PopAll(victim));
    }

    [Fact]
    public void Forget_EverySlotOfAStealBatch_StealReturnsNullAndTheRestRemains()
    {
        var victim = new LocalRunQueue();
        var thief = new LocalRunQueue();
        var overflow = new RecordingOverflow();
        var gs = _fakes.Make(4);
        foreach (var g in gs) victim.Push(g, next: false, overflow);
        victim.Forget(gs[0], maxScan: 32);
        victim.Forget(gs[1], maxScan: 32);

        Assert.Null(victim.StealInto(thief, stealRunNext: false));
        Assert.True(thief.IsEmpty);
        Assert.Equal(new long[] { 2, 3 }, PopAll(victim));
    }

    [Fact]
    public void Forget_ThenOverflow_OverflowReceivesTheNullSlotInPlace()
    {
        var q = new LocalRunQueue();
        var overflow = new RecordingOverflow();
        var gs = _fakes.Make(LocalRunQueue.Capacity + 1);
        for (int i = 0; i < LocalRunQueue.Capacity; i++) q.Push(gs[i], next: false, overflow);
        // Scan the whole ring to reach an old entry.
        Assert.True(q.Forget(gs[5], maxScan: LocalRunQueue.Capacity));

        q.Push(gs[LocalRunQueue.Capacity], next: false, overflow);

        var batch = Assert.Single(overflow.Batches);
        Assert.Null(batch[5]);
        Assert.Equal(Range(0, 128).Where(i => i != 5).Append(LocalRunQueue.Capacity), overflow.Received.Select(g => g.Id));
    }

    [Fact]
    public void CountAndIsEmpty_IncludeRunNext()
    {
        var q = new LocalRunQueue();
        var overflow = new RecordingOverflow();
        Assert.True(q.IsEmpty);
        q.Push(_fakes.One(1), next: true, overflow);
        Assert.False(q.IsEmpty);
        Assert.Equal(1, q.Count);
        q.Push(_fakes.One(2), next: false, overflow);
        Assert.Equal(2, q.Count);
        PopAll(q);
        Assert.True(q.IsEmpty);
    }
}
