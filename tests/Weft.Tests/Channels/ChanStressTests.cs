using System.Diagnostics;
using Xunit.Abstractions;

namespace Weft.Tests.Channels;

/// <summary>
/// Issue 3's stress test: 16 producers × 16 consumers over capacities 0, 1 and 1024, with plain and select sends and
/// receives, random closes and random cancellations of waiting selects. Every value sent successfully is received
/// exactly once (per-value receive counts), counts and sums match, and no goroutine is left parked. Bounded: a few
/// seconds per case on 2 cores.
/// </summary>
public class ChanStressTests(ITestOutputHelper output)
{
    private const int Producers = 16;
    private const int Consumers = 16;
    private const int PerProducer = 4_000;

    public static IEnumerable<object[]> Cases() =>
        from procs in new[] { 1, 2, 4 }
        from cap in new[] { 0, 1, 1024 }
        select new object[] { procs, cap };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ProducersConsumers_RandomClosesAndCancellations_EveryValueExactlyOnce(int procs, int capacity)
    {
        using var rt = new TestRuntime(procs);
        int baseline = rt.Runtime.NumGoroutine;
        // Round 0 closes after every producer is done (all values go through); the others close at a random point.
        // WEFT_STRESS_ROUNDS raises the number of rounds for a local soak run (CI keeps 3).
        int rounds = int.TryParse(Environment.GetEnvironmentVariable("WEFT_STRESS_ROUNDS"), out int r) && r > 0 ? r : 3;
        for (int round = 0; round < rounds; round++)
        {
            var stats = rt.Run(() => RunRound(capacity, round, closeEarly: round > 0));
            Assert.True(stats.Sent > 0, "nothing was sent");
            if (round == 0) Assert.Equal(Producers * PerProducer, stats.Sent);
            output.WriteLine($"round {round}: {stats.Sent} values sent and received once, {stats.Canceled} canceled selects");
            ChanTestUtil.WaitForGoroutines(rt.Runtime, baseline); // no goroutine left parked
        }
    }

    private sealed record Stats(int Sent, int Canceled);

    private static async GoTask<Stats> RunRound(int capacity, int round, bool closeEarly)
    {
        const int total = Producers * PerProducer;
        var c = new Chan<int>(capacity);
        var sent = new int[total];
        var received = new int[total];
        int receivedTotal = 0, cancellations = 0, closed = 0;
        var cts = new CancellationTokenSource();
        var stopCanceler = new Chan<bool>();
        var producersDone = new Chan<bool>(Producers);
        var consumersDone = new Chan<bool>(Consumers);
        var cancelerDone = new Chan<bool>(1);

        void CloseOnce()
        {
            if (Interlocked.Exchange(ref closed, 1) == 0) c.Close();
        }

        CancellationToken CurrentToken() => Volatile.Read(ref cts).Token;

        // Producers: ids p*PerProducer + k, by plain sends and by cancellable select sends (retried when canceled).
        for (int p = 0; p < Producers; p++)
        {
            int me = p;
            Go.Start(async () =>
            {
                var rnd = new Random(round * 1000 + me);
                try
                {
                    for (int k = 0; k < PerProducer; k++)
                    {
                        int id = me * PerProducer + k;
                        while (true)
                        {
                            try
                            {
                                if (rnd.Next(2) == 0) await c.SendAsync(id);
                                else await Select.Of(CurrentToken(), Select.Send(c, id), Select.Receive(stopCanceler));
                                break;
                            }
                            catch (OperationCanceledException)
                            {
                                Interlocked.Increment(ref cancellations); // not sent: offer the same id again
                            }
                        }

                        sent[id] = 1;
                    }
                }
                catch (ChannelClosedException)
                {
                    // The channel was closed under us: the values not yet sent are simply not sent.
                }

                await producersDone.SendAsync(true);
            });
        }

        // Consumers: plain receives and cancellable select receives (two case shapes), until closed and drained.
        for (int j = 0; j < Consumers; j++)
        {
            int me = j;
            Go.Start(async () =>
            {
                var rnd = new Random(round * 1000 + 500 + me);
                while (true)
                {
                    int id;
                    bool ok;
                    switch (rnd.Next(3))
                    {
                        case 0:
                            (id, ok) = await c.ReceiveWithOkAsync();
                            break;
                        default:
                            try
                            {
                                var r = rnd.Next(2) == 0
                                    ? await Select.Of(CurrentToken(), Select.Receive(c), Select.Receive(c))
                                    : await Select.Of(CurrentToken(), Select.Receive((Chan<int>?)null), Select.Receive(c));
                                (id, ok) = (r.Value<int>(), r.Ok);
                            }
                            catch (OperationCanceledException)
                            {
                                Interlocked.Increment(ref cancellations);
                                continue;
                            }

                            break;
                    }

                    if (!ok) break;
                    Interlocked.Increment(ref received[id]);
                    Interlocked.Increment(ref receivedTotal);
                }

                await consumersDone.SendAsync(true);
            });
        }

        // The canceler: keeps canceling the token the waiting selects use, and replaces it.
        Go.Start(async () =>
        {
            var rnd = new Random(round);
            while (Select.Try(Select.Receive(stopCanceler)).IsDefault)
            {
                // Timer-paced (a yield would wait behind the whole run queue with one P): 20 to 200 µs.
                await Go.Sleep(TimeSpan.FromTicks(rnd.Next(200, 2000)));
                var old = Interlocked.Exchange(ref cts, new CancellationTokenSource());
                old.Cancel();
            }

            await cancelerDone.SendAsync(true);
        });

        // The random closer.
        if (closeEarly)
        {
            int closeAfter = new Random(round * 7).Next(total / 8, total * 3 / 4);
            Go.Start(async () =>
            {
                await ChanTestUtil.WaitUntil(() => Volatile.Read(ref receivedTotal) >= closeAfter, "enough receives");
                CloseOnce();
            });
        }

        for (int p = 0; p < Producers; p++) await producersDone.ReceiveAsync();
        CloseOnce();
        for (int j = 0; j < Consumers; j++) await consumersDone.ReceiveAsync();
        stopCanceler.Close();
        await cancelerDone.ReceiveAsync();

        // Exactly once: every value sent successfully was received once; nothing else was received.
        long sentCount = 0, sentSum = 0, recvCount = 0, recvSum = 0;
        for (int id = 0; id < total; id++)
        {
            if (received[id] != sent[id])
                throw new InvalidOperationException($"value {id}: sent {sent[id]} time(s), received {received[id]} time(s)");
            sentCount += sent[id];
            sentSum += (long)id * sent[id];
            recvCount += received[id];
            recvSum += (long)id * received[id];
        }

        Debug.Assert(sentCount == recvCount && sentSum == recvSum);
        if (sentCount != receivedTotal || sentSum != recvSum) throw new InvalidOperationException("counts or sums differ");
        if (c.WaitingCounts != (0, 0)) throw new InvalidOperationException($"waiters left on the channel: {c.WaitingCounts}");
        if (c.Len != 0) throw new InvalidOperationException("values left in the buffer");
        return new Stats((int)sentCount, cancellations);
    }
}
