namespace Weft.Tests.Channels;

/// <summary>
/// Close semantics, direct handoff, buffer rotation with waiting senders, nil channels and directional views, as
/// DESIGN.md §3 and Go's chan.go specify them.
/// </summary>
public class ChanSemanticsTests
{
    // ---- close ------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Close_WakesEveryWaitingReceiver_WithDefaultFalse(int procs)
    {
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            foreach (int cap in new[] { 0, 1, 8 })
            {
                var c = new Chan<string>(cap);
                const int n = 10;
                var receivers = new GoTask<(string, bool)>[n];
                for (int i = 0; i < n; i++) receivers[i] = Go.Spawn<(string, bool)>(async () => await c.ReceiveWithOkAsync());
                await ChanTestUtil.WaitUntil(() => c.WaitingCounts.Receivers == n, "all receivers parked");
                c.Close();
                foreach (var r in receivers)
                {
                    var (v, ok) = await r;
                    Assert.False(ok);
                    Assert.Null(v);
                }
            }
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Close_FailsEveryWaitingSender_WithChannelClosedException(int procs)
    {
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            foreach (int cap in new[] { 0, 1, 8 })
            {
                var c = new Chan<int>(cap);
                for (int i = 0; i < cap; i++) c.TrySend(i);
                const int n = 10;
                var senders = new GoTask[n];
                for (int i = 0; i < n; i++)
                {
                    int v = 100 + i;
                    senders[i] = Go.Spawn(async () => await c.SendAsync(v));
                }

                await ChanTestUtil.WaitUntil(() => c.WaitingCounts.Senders == n, "all senders parked");
                c.Close();
                foreach (var s in senders)
                {
                    var e = await Assert.ThrowsAsync<ChannelClosedException>(async () => await s);
                    Assert.Equal("send on closed channel", e.Message);
                }

                // The buffered values survive the close; the failed sends left nothing behind.
                for (int i = 0; i < cap; i++) Assert.Equal((i, true), await c.ReceiveWithOkAsync());
                Assert.Equal((0, false), await c.ReceiveWithOkAsync());
            }
        });
    }

    [Fact]
    public void SendAfterClose_Throws_InEveryForm()
    {
        using var rt = new TestRuntime(1);
        rt.Run(async () =>
        {
            foreach (int cap in new[] { 0, 1, 8 })
            {
                var c = new Chan<int>(cap);
                c.Close();
                await Assert.ThrowsAsync<ChannelClosedException>(async () => await c.SendAsync(1));
                Assert.Throws<ChannelClosedException>(() => c.TrySend(1));
                Assert.Throws<ChannelClosedException>(() => c.Writer.TrySend(1));
                await Assert.ThrowsAsync<ChannelClosedException>(async () => await Select.Of(Select.Send(c, 1)));
                Assert.Throws<ChannelClosedException>(() => Select.Try(Select.Send(c, 1)));
                using var cts = new CancellationTokenSource();
                await Assert.ThrowsAsync<ChannelClosedException>(async () => await c.SendAsync(1, cts.Token));
                Assert.Equal(0, c.Len);
            }
        });
        var outside = new Chan<int>(1);
        outside.Close();
        Assert.Throws<ChannelClosedException>(() => outside.Send(1));
    }

    [Fact]
    public void CloseTwice_Throws_CloseOfClosedChannel()
    {
        var c = new Chan<int>(3);
        c.Close();
        var e = Assert.Throws<InvalidOperationException>(() => c.Close());
        Assert.Equal("close of closed channel", e.Message);
        Assert.IsNotType<ChannelClosedException>(e);
        Assert.Throws<InvalidOperationException>(() => c.Writer.Close());
    }

    [Fact]
    public void CloseOfNilWriter_Throws()
    {
        var e = Assert.Throws<InvalidOperationException>(() => default(ChanWriter<int>).Close());
        Assert.Equal("close of nil channel", e.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void CloseRacingWithSends_EverySuccessfulSendIsReceived(int procs)
    {
        // Senders race a close: each send either completes (and its value is received exactly once) or throws.
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            for (int round = 0; round < 50; round++)
            {
                var c = new Chan<int>(round % 3 == 0 ? 0 : round % 7);
                const int senders = 8;
                var delivered = new int[senders];
                var results = new Chan<bool>(senders);
                for (int s = 0; s < senders; s++)
                {
                    int id = s;
                    Go.Start(async () =>
                    {
                        try
                        {
                            await c.SendAsync(id);
                            await results.SendAsync(true);
                        }
                        catch (ChannelClosedException)
                        {
                            await results.SendAsync(false);
                        }
                    });
                }

                var collector = Go.Spawn<int>(async () =>
                {
                    int n = 0;
                    await foreach (int v in c)
                    {
                        delivered[v]++;
                        n++;
                        if (n == 3) await Go.Yield();
                    }

                    return n;
                });
                await ChanTestUtil.WaitUntil(() => delivered.Sum() >= 2 || c.WaitingCounts.Senders > 0, "some progress");
                c.Close();
                int ok = 0;
                for (int s = 0; s < senders; s++) ok += await results.ReceiveAsync() ? 1 : 0;
                int received = await collector;
                Assert.Equal(ok, received);
                Assert.All(delivered, d => Assert.InRange(d, 0, 1));
            }
        });
    }

    // ---- direct handoff and rotation --------------------------------------------------------------------

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    public void Send_ToWaitingReceiver_HandsOffDirectly_NotThroughTheBuffer(int cap)
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var c = new Chan<int>(cap);
            var receiver = Go.Spawn<int>(async () => await c.ReceiveAsync());
            await ChanTestUtil.WaitUntil(() => c.WaitingCounts.Receivers == 1, "receiver parked");
            Assert.True(c.TrySend(5));
            Assert.Equal(0, c.Len); // went into the receiver's slot, not the buffer
            Assert.False(c.TryReceive(out _)); // and nobody else can take it
            Assert.Equal(5, await receiver);
        });
    }

    [Fact]
    public void ReadiedReceiver_RunsNext_BeforeGoroutinesQueuedEarlier()
    {
        // A sender readies the receiver into its P's runnext: with one P it runs before goroutines that were
        // already waiting in the run queue.
        using var rt = new TestRuntime(1);
        var order = rt.Run(async () =>
        {
            var log = new List<string>();
            var c = new Chan<int>();
            var done = new Chan<bool>(4);
            Go.Start(async () =>
            {
                await c.ReceiveAsync();
                log.Add("receiver");
                await done.SendAsync(true);
            });
            await ChanTestUtil.WaitUntil(() => c.WaitingCounts.Receivers == 1, "receiver parked");
            for (int i = 0; i < 3; i++)
            {
                int id = i;
                Go.Start(async () =>
                {
                    log.Add("queued" + id);
                    await done.SendAsync(true);
                });
            }

            Assert.True(c.TrySend(1));
            for (int i = 0; i < 4; i++) await done.ReceiveAsync();
            return log;
        });
        Assert.Equal("receiver", order[0]);
        Assert.Equal(4, order.Count);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void FullBuffer_WithWaitingSenders_RotatesInFifoOrder(int procs)
    {
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            foreach (int cap in new[] { 1, 2, 5 })
            {
                var c = new Chan<int>(cap);
                for (int i = 0; i < cap; i++) c.TrySend(i);
                const int waiting = 3;
                var senders = new List<GoTask>();
                for (int k = 0; k < waiting; k++)
                {
                    int v = cap + k;
                    senders.Add(Go.Spawn(async () => await c.SendAsync(v)));
                    await ChanTestUtil.WaitUntil(() => c.WaitingCounts.Senders == k + 1, "sender parked in order");
                }

                // Each receive takes the head and moves the first waiting sender's value into the freed slot.
                for (int k = 0; k < waiting; k++)
                {
                    Assert.Equal(k, await c.ReceiveAsync());
                    Assert.Equal(cap, c.Len);
                    Assert.Equal(waiting - k - 1, c.WaitingCounts.Senders);
                }

                foreach (var s in senders) await s;
                for (int i = waiting; i < cap + waiting; i++) Assert.Equal(i, await c.ReceiveAsync());
                Assert.Equal(0, c.Len);
            }
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Unbuffered_ReceiveFromWaitingSender_TakesItsValue(int procs)
    {
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            var c = new Chan<int>();
            for (int i = 0; i < 100; i++)
            {
                int sent = 0;
                var s = Go.Spawn(async () =>
                {
                    await c.SendAsync(i);
                    Volatile.Write(ref sent, 1);
                });
                await ChanTestUtil.WaitUntil(() => c.WaitingCounts.Senders == 1, "sender parked");
                Assert.Equal(0, Volatile.Read(ref sent)); // rendezvous: no receiver yet, the send has not completed
                Assert.True(c.TryReceive(out int v));
                Assert.Equal(i, v);
                await s;
            }
        });
    }

    // ---- nil channels and views ---------------------------------------------------------------------------

    [Fact]
    public void NilChannel_NonBlockingOps_NeverSucceed()
    {
        ChanReader<int> r = default;
        ChanWriter<int> w = default;
        Assert.True(r.IsNil);
        Assert.True(w.IsNil);
        Assert.False(r.TryReceive(out _));
        Assert.False(r.TryReceive(out _, out bool ok));
        Assert.False(ok);
        Assert.False(w.TrySend(1));
        Assert.Equal((0, 0), (r.Len, r.Cap));
        Assert.True(Select.Try(Select.Receive(r), Select.Send(w, 1), Select.Receive((Chan<int>?)null)).IsDefault);
        Assert.Equal("nil chan", r.ToString());
    }

    [Fact]
    public void NilChannel_BlockingOps_BlockForever_UntilCanceled()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            ChanReader<int> r = default;
            ChanWriter<int> w = default;
            using var cts = new CancellationTokenSource();
            int finished = 0;
            var recv = Go.Spawn(async () =>
            {
                await r.ReceiveAsync(cts.Token);
                Interlocked.Increment(ref finished);
            });
            var send = Go.Spawn(async () =>
            {
                await w.SendAsync(1, cts.Token);
                Interlocked.Increment(ref finished);
            });
            var sel = Go.Spawn(async () =>
            {
                await Select.Of(cts.Token, Select.Receive(r), Select.Send(w, 2));
                Interlocked.Increment(ref finished);
            });

            // Give them every chance to (wrongly) complete: other goroutines run meanwhile.
            for (int i = 0; i < 100; i++) await Go.Yield();
            await Go.Sleep(TimeSpan.FromMilliseconds(5));
            Assert.Equal(0, Volatile.Read(ref finished));
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await recv);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await send);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await sel);
            Assert.Equal(0, finished);
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Select_NilCases_AreNeverChosen(int procs)
    {
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            var ready = new Chan<int>(1);
            Chan<int>? nil = null;
            for (int i = 0; i < 1000; i++)
            {
                ready.TrySend(i);
                var r = await Select.Of(Select.Receive(nil), Select.Send(nil, 1), Select.Receive(ready), Select.Receive(default(ChanReader<int>)));
                Assert.Equal(2, r.Index);
                Assert.Equal(i, r.Value<int>());
            }

            // A select whose only cases are nil blocks: its waiting case must not be satisfied by anything.
            var blocked = Go.Spawn(async () => { await Select.Of(Select.Receive(nil)); });
            var other = new Chan<int>();
            Assert.False(other.TrySend(1));
            await Go.Sleep(TimeSpan.FromMilliseconds(2));
            Assert.False(blocked.IsCompleted);
        });
        rt.IgnoreLeaks(); // the blocked goroutine stays parked forever, by design
    }

    [Fact]
    public void Views_ShareTheChannel_AndCompareByIdentity()
    {
        var c = new Chan<int>(2);
        ChanWriter<int> w = c;
        ChanReader<int> r = c;
        Assert.True(w.TrySend(1));
        Assert.Equal(c.Writer, w);
        Assert.Equal(c.Reader, r);
        Assert.True(r == c.Reader);
        Assert.NotEqual(new Chan<int>().Reader, r);
        Assert.True(r.TryReceive(out int v));
        Assert.Equal(1, v);
        w.Close();
        Assert.True(r.TryReceive(out _, out bool ok));
        Assert.False(ok);
    }

    [Fact]
    public void LargeStructElements_TravelIntact()
    {
        // Elements that do not fit the waiter's inline slot use a typed waiter (and boxing in select).
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var c = new Chan<(long A, long B, string C)>();
            Go.Start(async () =>
            {
                for (int i = 0; i < 100; i++) await c.SendAsync((i, -i, "v" + i));
                c.Close();
            });
            int n = 0;
            while (true)
            {
                var r = await Select.Of(Select.Receive(c));
                if (!r.Ok) break;
                var v = r.Value<(long A, long B, string C)>();
                Assert.Equal((n, -n, "v" + n), v);
                n++;
                if (n % 2 == 0)
                {
                    var (v2, ok) = await c.ReceiveWithOkAsync();
                    if (!ok) break;
                    Assert.Equal((n, -n, "v" + n), v2);
                    n++;
                }
            }

            Assert.Equal(100, n);
        });
    }
}
