using Weft.Scheduling;

namespace Weft.Tests.Scheduling;

/// <summary>
/// Conservation under contention: one owner thread pushes (tail and runnext, in bursts that overflow) and pops while
/// 1–3 thief threads steal concurrently, for millions of goroutines over repeated rounds. Every goroutine must be
/// delivered exactly once: pushed = popped + stolen + overflowed, nothing lost, nothing duplicated.
/// </summary>
[Collection(StressCollection.Name)]
public sealed class LocalRunQueueStressTests : IDisposable
{
    private const int Rounds = 6;
    private const int PerRound = 400_000;

    private readonly FakeGoroutines _fakes = new();

    public void Dispose() => _fakes.Dispose();

    /// <summary>Counts deliveries per goroutine id (the id is the index).</summary>
    private sealed class Ledger(int count)
    {
        public readonly int[] Deliveries = new int[count];
        public long Popped, Stolen, Overflowed;

        public void Deliver(G g, ref long counter)
        {
            Interlocked.Increment(ref Deliveries[g.Id]);
            Interlocked.Increment(ref counter);
        }
    }

    private sealed class LedgerOverflow(Ledger ledger) : IRunQueueOverflow
    {
        public void PushBatch(G[] batch, int count)
        {
            for (int i = 0; i < count; i++)
                if (batch[i] is { } g) ledger.Deliver(g, ref ledger.Overflowed);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void OwnerPushPop_WithConcurrentThieves_EveryGoroutineDeliveredExactlyOnce(int thieves)
    {
        for (int round = 0; round < Rounds; round++)
        {
            var gs = _fakes.Make(PerRound);
            var ledger = new Ledger(PerRound);
            var victim = new LocalRunQueue();
            var overflow = new LedgerOverflow(ledger);
            var done = 0;

            var threads = Enumerable.Range(0, thieves).Select(t => new Thread(() =>
            {
                var mine = new LocalRunQueue();
                var random = new Random(round * 31 + t);
                int idle = 0;
                while (Volatile.Read(ref done) == 0)
                {
                    var g = victim.StealInto(mine, stealRunNext: random.Next(4) == 0);
                    if (g is null)
                    {
                        if (++idle % 64 == 0) Thread.Yield(); // 2 cores: let the owner run
                        else Thread.SpinWait(10);
                        continue;
                    }

                    ledger.Deliver(g, ref ledger.Stolen);
                    while (mine.Pop(out _) is { } rest) ledger.Deliver(rest, ref ledger.Stolen);
                }
            }) { IsBackground = true, Name = $"thief-{t}" }).ToList();
            threads.ForEach(t => t.Start());

            // The owner: bursts of pushes (some past the ring's capacity, so the overflow runs), then some pops.
            var rnd = new Random(round);
            int pushed = 0;
            while (pushed < PerRound)
            {
                int burst = Math.Min(PerRound - pushed, rnd.Next(1, 2 * LocalRunQueue.Capacity + 40));
                for (int i = 0; i < burst; i++) victim.Push(gs[pushed++], next: rnd.Next(4) == 0, overflow);
                int pops = rnd.Next(0, burst + 1);
                for (int i = 0; i < pops && victim.Pop(out _) is { } g; i++) ledger.Deliver(g, ref ledger.Popped);
            }

            while (victim.Pop(out _) is { } g) ledger.Deliver(g, ref ledger.Popped);
            Volatile.Write(ref done, 1);
            threads.ForEach(t => Assert.True(t.Join(TestRuntime.HangGuard), "a thief did not stop"));

            Assert.True(victim.IsEmpty);
            Assert.Equal(PerRound, ledger.Popped + ledger.Stolen + ledger.Overflowed);
            int lost = ledger.Deliveries.Count(d => d == 0);
            int duplicated = ledger.Deliveries.Count(d => d > 1);
            Assert.True(lost == 0 && duplicated == 0, $"round {round}: {lost} lost, {duplicated} duplicated " +
                $"(popped {ledger.Popped}, stolen {ledger.Stolen}, overflowed {ledger.Overflowed})");
            Assert.True(ledger.Overflowed > 0, "the bursts should have overflowed the ring");
        }
    }

    /// <summary>
    /// With out-of-turn claims (the join handoff: the owner claims a queued goroutine and forgets its slot), a thief
    /// may still hold a stale copy; the status CAS decides. Every goroutine must be claimed exactly once, and only
    /// forgotten goroutines may show up as stale entries, at most once.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void OwnerForgetsClaimedGoroutines_WithConcurrentThieves_EveryGoroutineClaimedExactlyOnce(int thieves)
    {
        for (int round = 0; round < Rounds; round++)
        {
            var gs = _fakes.Make(PerRound);
            var claims = new int[PerRound];
            var stale = new int[PerRound];
            var forgotten = new bool[PerRound];
            var done = 0;

            void Consume(G g)
            {
                if (g.TryClaimToRun()) Interlocked.Increment(ref claims[g.Id]);
                else Interlocked.Increment(ref stale[g.Id]);
            }

            var victim = new LocalRunQueue();
            var overflow = new ClaimingOverflow(Consume);
            var threads = Enumerable.Range(0, thieves).Select(t => new Thread(() =>
            {
                var mine = new LocalRunQueue();
                var random = new Random(round * 17 + t);
                int idle = 0;
                while (Volatile.Read(ref done) == 0)
                {
                    var g = victim.StealInto(mine, stealRunNext: random.Next(4) == 0);
                    if (g is null)
                    {
                        if (++idle % 64 == 0) Thread.Yield();
                        else Thread.SpinWait(10);
                        continue;
                    }

                    Consume(g);
                    while (mine.Pop(out _) is { } rest) Consume(rest);
                }
            }) { IsBackground = true }).ToList();
            threads.ForEach(t => t.Start());

            var rnd = new Random(round + 1000);
            int pushed = 0;
            while (pushed < PerRound)
            {
                int burst = Math.Min(PerRound - pushed, rnd.Next(1, 2 * LocalRunQueue.Capacity + 40));
                for (int i = 0; i < burst; i++)
                {
                    var g = gs[pushed++];
                    victim.Push(g, next: rnd.Next(4) == 0, overflow);
                    if (rnd.Next(8) == 0 && g.TryClaimToRun())
                    {
                        // Claimed out of turn, like Scheduler.HandOffTo; the slot is forgotten best-effort.
                        Interlocked.Increment(ref claims[g.Id]);
                        forgotten[g.Id] = true;
                        victim.Forget(g, maxScan: 32);
                    }
                }

                int pops = rnd.Next(0, burst + 1);
                for (int i = 0; i < pops && victim.Pop(out _) is { } g; i++) Consume(g);
            }

            while (victim.Pop(out _) is { } g) Consume(g);
            Volatile.Write(ref done, 1);
            threads.ForEach(t => Assert.True(t.Join(TestRuntime.HangGuard), "a thief did not stop"));

            for (int id = 0; id < PerRound; id++)
            {
                if (claims[id] != 1) Assert.Fail($"round {round}: goroutine {id} claimed {claims[id]} times");
                if (!forgotten[id] && stale[id] != 0) Assert.Fail($"round {round}: goroutine {id} was never forgotten but delivered {stale[id] + 1} times");
                if (stale[id] > 1) Assert.Fail($"round {round}: forgotten goroutine {id} delivered stale {stale[id]} times");
            }
        }
    }

    private sealed class ClaimingOverflow(Action<G> consume) : IRunQueueOverflow
    {
        public void PushBatch(G[] batch, int count)
        {
            for (int i = 0; i < count; i++)
                if (batch[i] is { } g) consume(g);
        }
    }
}
