namespace Weft.Tests.Channels;

/// <summary>
/// Weft's equivalent of Go's <c>TestChan</c> (runtime/chan_test.go), one behaviour per test, each over every
/// capacity from 0 to 199 and under MaxProcs 1, 2 and 4.
/// </summary>
public class ChanTests
{
    /// <summary>Go's TestChan uses capacities 0 to N-1 with N = 200.</summary>
    public static readonly int[] AllCapacities = Enumerable.Range(0, 200).ToArray();

    /// <summary>A sample for the heavier checks (every size class: unbuffered, tiny, medium, large).</summary>
    public static readonly int[] SomeCapacities = [0, 1, 2, 3, 5, 7, 10, 16, 31, 64, 100, 199];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Receive_FromEmptyChannel_BlocksUntilSend(int procs)
    {
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            foreach (int cap in AllCapacities)
            {
                var c = new Chan<int>(cap);
                int received = 0;
                var receiver = Go.Spawn(async () =>
                {
                    int v = await c.ReceiveAsync();
                    Volatile.Write(ref received, 1);
                    Assert.Equal(42, v);
                });

                // The receiver parks on the channel and stays there: no value, no completion.
                await ChanTestUtil.WaitUntil(() => c.WaitingCounts.Receivers == 1, $"receiver parked (cap {cap})");
                Assert.Equal(0, Volatile.Read(ref received));
                Assert.False(c.TryReceive(out _), "non-blocking receive on an empty channel must fail");
                await c.SendAsync(42);
                await receiver;
                Assert.Equal(1, received);
            }
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Send_ToFullChannel_BlocksUntilReceive(int procs)
    {
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            foreach (int cap in AllCapacities)
            {
                var c = new Chan<int>(cap);
                for (int i = 0; i < cap; i++) Assert.True(c.TrySend(i), $"buffer slot {i} of {cap} must accept");
                Assert.False(c.TrySend(-1), "non-blocking send on a full channel must fail");
                Assert.Equal(-1, Select.Try(Select.Send(c, -1)).Index);

                int sent = 0;
                var sender = Go.Spawn(async () =>
                {
                    await c.SendAsync(cap);
                    Volatile.Write(ref sent, 1);
                });
                await ChanTestUtil.WaitUntil(() => c.WaitingCounts.Senders == 1, $"sender parked (cap {cap})");
                Assert.Equal(0, Volatile.Read(ref sent));
                Assert.Equal(cap, c.Len);

                // One receive frees the sender; FIFO order includes the parked sender's value last.
                for (int i = 0; i <= cap; i++) Assert.Equal(i, await c.ReceiveAsync());
                await sender;
                Assert.Equal(1, sent);
                Assert.Equal(0, c.Len);
            }
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void ReceiveAfterClose_GivesBufferedValuesInOrder_ThenDefaultFalse(int procs)
    {
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            foreach (int cap in AllCapacities)
            {
                var c = new Chan<int>(cap);
                for (int i = 0; i < cap; i++) await c.SendAsync(i + 1);
                c.Close();
                Assert.Equal(cap, c.Len);
                for (int i = 0; i < cap; i++)
                {
                    var (v, ok) = await c.ReceiveWithOkAsync();
                    Assert.True(ok);
                    Assert.Equal(i + 1, v);
                }

                for (int i = 0; i < 3; i++)
                {
                    var (v, ok) = await c.ReceiveWithOkAsync();
                    Assert.False(ok);
                    Assert.Equal(0, v);
                    Assert.Equal(0, await c.ReceiveAsync());
                    Assert.True(c.TryReceive(out int tv, out bool tok));
                    Assert.False(tok);
                    Assert.Equal(0, tv);
                    Assert.False(c.TryReceive(out _), "TryReceive(out v) reports no value once closed and drained");
                    var r = Select.Try(Select.Receive(c));
                    Assert.Equal(0, r.Index);
                    Assert.False(r.Ok);
                }
            }
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Close_UnblocksWaitingReceiver_WithDefaultFalse(int procs)
    {
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            foreach (int cap in AllCapacities)
            {
                var c = new Chan<int>(cap);
                var receiver = Go.Spawn<(int, bool)>(async () => await c.ReceiveWithOkAsync());
                await ChanTestUtil.WaitUntil(() => c.WaitingCounts.Receivers == 1, "receiver parked");
                c.Close();
                var (v, ok) = await receiver;
                Assert.False(ok);
                Assert.Equal(0, v);
            }
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void SingleProducer_ValuesArriveInFifoOrder(int procs)
    {
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            foreach (int cap in SomeCapacities)
            {
                var c = new Chan<int>(cap);
                const int n = 1000;
                Go.Start(async () =>
                {
                    for (int i = 0; i < n; i++) await c.SendAsync(i);
                });
                for (int i = 0; i < n; i++)
                {
                    // Alternate the receive forms (Go: recv and recv2).
                    if ((i & 1) == 0)
                    {
                        Assert.Equal(i, await c.ReceiveAsync());
                    }
                    else
                    {
                        var (v, ok) = await c.ReceiveWithOkAsync();
                        Assert.True(ok);
                        Assert.Equal(i, v);
                    }
                }
            }
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void ManyProducersManyConsumers_EveryValueReceivedOnce(int procs)
    {
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            foreach (int cap in SomeCapacities)
            {
                // Go: L = 1000 values, each sent by P = 4 producers, received by C = 4 consumers.
                const int L = 1000, P = 4, C = 4;
                var c = new Chan<int>(cap);
                var done = new Chan<int[]>();
                for (int p = 0; p < P; p++)
                {
                    Go.Start(async () =>
                    {
                        for (int i = 0; i < L; i++) await c.SendAsync(i);
                    });
                }

                for (int k = 0; k < C; k++)
                {
                    Go.Start(async () =>
                    {
                        var recv = new int[L];
                        for (int i = 0; i < L; i++) recv[await c.ReceiveAsync()]++;
                        await done.SendAsync(recv);
                    });
                }

                var total = new int[L];
                for (int k = 0; k < C; k++)
                {
                    var recv = await done.ReceiveAsync();
                    for (int i = 0; i < L; i++) total[i] += recv[i];
                }

                for (int i = 0; i < L; i++) Assert.True(total[i] == P, $"cap {cap}: value {i} received {total[i]} times, want {P}");
                Assert.Equal(0, c.Len);
            }
        });
    }

    [Fact]
    public void LenAndCap_MatchGo()
    {
        foreach (int cap in AllCapacities)
        {
            var c = new Chan<int>(cap);
            Assert.Equal(0, c.Len);
            Assert.Equal(cap, c.Cap);
            for (int i = 0; i < cap; i++) c.TrySend(i);
            Assert.Equal(cap, c.Len);
            Assert.Equal(cap, c.Cap);
            ChanReader<int> r = c;
            ChanWriter<int> w = c;
            Assert.Equal((cap, cap), (r.Len, r.Cap));
            Assert.Equal((cap, cap), (w.Len, w.Cap));
            c.Close();
            Assert.Equal(cap, c.Len); // close does not drop buffered values
            for (int i = 0; i < cap; i++) c.TryReceive(out _);
            Assert.Equal(0, c.Len);
            Assert.Equal(cap, c.Cap);
        }
    }

    [Fact]
    public void NegativeCapacity_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new Chan<int>(-1));

    [Fact]
    public void NonBlockingOps_OnUnbufferedChannelWithoutPartner_WouldBlock()
    {
        var c = new Chan<string>();
        Assert.False(c.TrySend("x"));
        Assert.False(c.TryReceive(out _));
        Assert.False(c.TryReceive(out _, out bool ok));
        Assert.False(ok);
        Assert.True(Select.Try(Select.Send(c, "x"), Select.Receive(c)).IsDefault);
        Assert.Equal(0, c.Len);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void NonBlockingSend_SucceedsExactlyWhenAReceiverWaits(int procs)
    {
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            var c = new Chan<int>();
            for (int i = 0; i < 200; i++)
            {
                var receiver = Go.Spawn<int>(async () => await c.ReceiveAsync());
                await ChanTestUtil.WaitUntil(() => c.WaitingCounts.Receivers == 1, "receiver parked");
                Assert.True(c.TrySend(i), "a non-blocking send to a waiting receiver must succeed");
                Assert.Equal(i, await receiver);
                Assert.False(c.TrySend(i), "no receiver left: the send would block");
            }
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void AwaitForeach_RangesUntilClose(int procs)
    {
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            foreach (int cap in SomeCapacities)
            {
                var c = new Chan<int>(cap);
                Go.Start(async () =>
                {
                    for (int i = 0; i < 500; i++) await c.SendAsync(i);
                    c.Close();
                });
                int expect = 0;
                await foreach (int v in c) Assert.Equal(expect++, v);
                Assert.Equal(500, expect);
            }
        });
    }
}
