namespace Weft.Tests.Channels;

/// <summary>
/// Weft's equivalents of Go's select tests in runtime/chan_test.go (TestSelfSelect, TestSelectStress,
/// TestSelectFairness, TestPseudoRandomSend, TestMultiConsumer, TestSelectDuplicateChannel) and of the select rules in
/// DESIGN.md §3.
/// </summary>
public class SelectTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void SelfSelect_SendAndReceiveOnSameChannel_NeitherDeadlocksNorReceivesOwnValue(int procs)
    {
        // Go's TestSelfSelect: two goroutines each select over a send and a receive on the same channel.
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            foreach (int cap in new[] { 0, 10 })
            {
                var c = new Chan<int>(cap);
                var done = new Chan<string?>(2);
                for (int p = 0; p < 2; p++)
                {
                    int me = p;
                    Go.Start(async () =>
                    {
                        for (int i = 0; i < 1000; i++)
                        {
                            SelectResult r = me == 0 || i % 2 == 0
                                ? await Select.Of(Select.Send(c, me), Select.Receive(c))
                                : await Select.Of(Select.Receive(c), Select.Send(c, me));
                            bool received = me == 0 || i % 2 == 0 ? r.Index == 1 : r.Index == 0;
                            if (received && cap == 0 && r.Value<int>() == me)
                            {
                                await done.SendAsync($"goroutine {me} received its own value");
                                return;
                            }
                        }

                        await done.SendAsync(null);
                    });
                }

                Assert.Null(await done.ReceiveAsync());
                Assert.Null(await done.ReceiveAsync());
            }
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void SelfSelect_ParkedOnBothQueues_PlainReceiveTakesTheSendCase(int procs)
    {
        // A select sending to and receiving from one unbuffered channel parks on both of its queues (legal, as in
        // Go; the DEBUG invariant check used to reject it). A plain receive then completes the send case.
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            for (int i = 0; i < 100; i++)
            {
                var c = new Chan<int>();
                var a = Go.Spawn<SelectResult>(async () => await Select.Of(Select.Send(c, i), Select.Receive(c)));
                await ChanTestUtil.WaitUntil(() => c.WaitingCounts == (1, 1), "select parked on both queues");
                Assert.True(c.TryReceive(out int v));
                Assert.Equal(i, v);
                Assert.Equal(0, (await a).Index);
                Assert.Equal((0, 0), c.WaitingCounts);
            }
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void SelectStress_MixedChannels_CasesSwitchedToNil_NoDeadlockAndExactCounts(int procs)
    {
        // Go's TestSelectStress (short-mode N).
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            const int N = 10_000;
            var c = new[] { new Chan<int>(), new Chan<int>(), new Chan<int>(2), new Chan<int>(3) };
            var done = new Chan<int>(10);
            for (int k = 0; k < 4; k++)
            {
                var ch = c[k];
                Go.Start(async () =>
                {
                    for (int i = 0; i < N; i++) await ch.SendAsync(0);
                    await done.SendAsync(1);
                });
                Go.Start(async () =>
                {
                    for (int i = 0; i < N; i++) await ch.ReceiveAsync();
                    await done.SendAsync(1);
                });
            }

            // One goroutine sends N values on each channel in a single select; a case becomes nil when its quota is done.
            Go.Start(async () =>
            {
                var n = new int[4];
                var c1 = (Chan<int>?[])c.Clone();
                for (int i = 0; i < 4 * N; i++)
                {
                    var r = await Select.Of(Select.Send(c1[3], 0), Select.Send(c1[2], 0), Select.Send(c1[0], 0), Select.Send(c1[1], 0));
                    int k = r.Index switch { 0 => 3, 1 => 2, 2 => 0, _ => 1 };
                    if (++n[k] == N) c1[k] = null;
                }

                Assert.All(n, x => Assert.Equal(N, x));
                await done.SendAsync(1);
            });

            // And one receives N values from each in a single select.
            Go.Start(async () =>
            {
                var n = new int[4];
                var c1 = (Chan<int>?[])c.Clone();
                for (int i = 0; i < 4 * N; i++)
                {
                    var r = await Select.Of(Select.Receive(c1[0]), Select.Receive(c1[1]), Select.Receive(c1[2]), Select.Receive(c1[3]));
                    Assert.True(r.Ok);
                    if (++n[r.Index] == N) c1[r.Index] = null;
                }

                Assert.All(n, x => Assert.Equal(N, x));
                await done.SendAsync(1);
            });

            for (int i = 0; i < 10; i++) await done.ReceiveAsync();
            foreach (var ch in c) Assert.Equal((0, 0), ch.WaitingCounts);
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void SelectFairness_TwoReadyCases_SplitWithinTenSigma(int procs)
    {
        // Go's TestSelectFairness with 100k trials: two never-ready cases and two always-ready ones.
        const int trials = 100_000;
        using var rt = new TestRuntime(procs);
        var (cnt1, cnt2) = rt.Run(async () =>
        {
            var c1 = new Chan<byte>(trials + 1);
            var c2 = new Chan<byte>(trials + 1);
            for (int i = 0; i < trials + 1; i++)
            {
                c1.TrySend(1);
                c2.TrySend(2);
            }

            var c3 = new Chan<byte>();
            var c4 = new Chan<byte>();
            var outc = new Chan<byte>(64);
            var done = new Chan<bool>();
            var worker = Go.Spawn(async () =>
            {
                while (true)
                {
                    var r = await Select.Of(Select.Receive(c3), Select.Receive(c4), Select.Receive(c1), Select.Receive(c2));
                    byte b = r.Value<byte>();
                    var w = await Select.Of(Select.Send(outc, b), Select.Receive(done));
                    if (w.Index == 1) return;
                }
            });

            int n1 = 0, n2 = 0;
            for (int i = 0; i < trials; i++)
            {
                switch (await outc.ReceiveAsync())
                {
                    case 1: n1++; break;
                    case 2: n2++; break;
                    default: throw new InvalidOperationException("unexpected value");
                }
            }

            done.Close();
            await worker;
            return (n1, n2);
        });

        const double mean = trials * 0.5;
        double stddev = Math.Sqrt(trials * 0.5 * 0.5);
        Assert.True(Math.Abs(cnt1 - mean) <= 10 * stddev, $"unfair select: in {trials} trials, results were {cnt1}, {cnt2}");
    }

    [Fact]
    public void SelectFairness_ManyReadyCases_EachChosenAboutEquallyOften()
    {
        // Uniform choice among 12 ready cases (the params form, beyond the 8 fixed-arity overloads).
        const int trials = 60_000, n = 12;
        var chans = Enumerable.Range(0, n).Select(_ => new Chan<int>(1)).ToArray();
        var cases = chans.Select(c => (ISelectCase)Select.Receive(c)).ToArray();
        var counts = new int[n];
        for (int t = 0; t < trials; t++)
        {
            foreach (var c in chans) c.TrySend(t);
            var r = Select.Try(cases);
            counts[r.Index]++;
            Assert.Equal(t, r.Value<int>());
            foreach (var c in chans) c.TryReceive(out _);
        }

        double p = 1.0 / n, mean = trials * p, sigma = Math.Sqrt(trials * p * (1 - p));
        foreach (int k in counts) Assert.True(Math.Abs(k - mean) <= 10 * sigma, $"case counts {string.Join(",", counts)}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void PseudoRandomSend_TwoSendCasesOnOneChannel_EachChosenOverTenPercent(int procs)
    {
        // Go's TestPseudoRandomSend: capacities 0 and n; the receiver yields before each receive.
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            const int n = 100;
            foreach (int cap in new[] { 0, n })
            {
                var c = new Chan<int>(cap);
                var l = new int[n];
                var finished = new Chan<bool>();
                Go.Start(async () =>
                {
                    for (int i = 0; i < n; i++)
                    {
                        await Go.Yield();
                        l[i] = await c.ReceiveAsync();
                    }

                    finished.Close();
                });
                for (int i = 0; i < n; i++) await Select.Of(Select.Send(c, 1), Select.Send(c, 0));
                await finished.ReceiveAsync();
                int n1 = l.Sum(), n0 = n - n1;
                Assert.True(n0 > n / 10 && n1 > n / 10, $"want pseudorandom, got {n0} zeros and {n1} ones (cap {cap})");
            }
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void MultiConsumer_RangeAndClose_ExactCountAndSum(int procs)
    {
        // Go's TestMultiConsumer: 23 workers range over q and forward to r; the feeder closes q, then r.
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            const int nwork = 23, niter = 271_828;
            int[] pn = [2, 3, 7, 11, 13, 17, 19, 23, 27, 31];
            var q = new Chan<int>(nwork * 3);
            var r = new Chan<int>(nwork * 3);
            var workersDone = new Chan<bool>(nwork);
            for (int i = 0; i < nwork; i++)
            {
                int w = i;
                Go.Start(async () =>
                {
                    await foreach (int v in q)
                    {
                        if (pn[w % pn.Length] == v) await Go.Yield(); // mess with the FIFO-ish nature of range
                        await r.SendAsync(v);
                    }

                    await workersDone.SendAsync(true);
                });
            }

            long expect = 0;
            Go.Start(async () =>
            {
                for (int i = 0; i < niter; i++)
                {
                    int v = pn[i % pn.Length];
                    expect += v;
                    await q.SendAsync(v);
                }

                q.Close();
                for (int i = 0; i < nwork; i++) await workersDone.ReceiveAsync();
                r.Close();
            });

            long count = 0, sum = 0;
            await foreach (int v in r)
            {
                count++;
                sum += v;
            }

            Assert.Equal(niter, count);
            Assert.Equal(expect, sum);
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void SelectDuplicateChannel_SameChannelTwice_QueueStaysIntact(int procs)
    {
        // Go's TestSelectDuplicateChannel, with the sleeps replaced by waiting for the parked waiters themselves.
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            for (int round = 0; round < 50; round++)
            {
                var c = new Chan<int>();
                var d = new Chan<int>();
                var e = new Chan<int>();
                Go.Start(async () =>
                {
                    // goroutine A: queued twice on c, once on d
                    await Select.Of(Select.Receive(c), Select.Receive(c), Select.Receive(d));
                    await e.SendAsync(9);
                });
                await ChanTestUtil.WaitUntil(() => c.WaitingCounts.Receivers == 2 && d.WaitingCounts.Receivers == 1, "A queued");
                var b = Go.Spawn<int>(async () => await c.ReceiveAsync()); // goroutine B
                await ChanTestUtil.WaitUntil(() => c.WaitingCounts.Receivers == 3, "B queued behind A");
                await d.SendAsync(7); // wakes A, which withdraws both of its entries from c
                Assert.Equal(9, await e.ReceiveAsync());
                Assert.Equal((1, 0), c.WaitingCounts);
                await c.SendAsync(8); // must wake B (a corrupted queue would pick a stale entry of A)
                Assert.Equal(8, await b);
                Assert.Equal((0, 0), c.WaitingCounts);
            }
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void SelectDuplicateChannel_ValueDeliveredOnce(int procs)
    {
        // A select receiving twice from the same channel takes each value once; the other entry is withdrawn.
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            var c = new Chan<int>();
            const int n = 2000;
            Go.Start(async () =>
            {
                for (int i = 0; i < n; i++) await c.SendAsync(i);
                c.Close();
            });
            int expect = 0;
            while (true)
            {
                var r = await Select.Of(Select.Receive(c), Select.Receive(c));
                if (!r.Ok) break;
                Assert.Equal(expect++, r.Value<int>());
            }

            Assert.Equal(n, expect);
        });
    }

    [Fact]
    public void EmptySelect_BlocksForever_UntilCanceled()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            int returned = 0;
            Go.Start(async () =>
            {
                await Select.Of();
                Volatile.Write(ref returned, 1);
            });
            using var cts = new CancellationTokenSource();
            var canceled = Go.Spawn(async () => await Select.Of(cts.Token));
            for (int i = 0; i < 50; i++) await Go.Yield();
            await Go.Sleep(TimeSpan.FromMilliseconds(2));
            Assert.False(canceled.IsCompleted);
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await canceled);
            Assert.Equal(0, Volatile.Read(ref returned));
        });
        rt.IgnoreLeaks(); // the first goroutine stays in select {} forever, by design
    }

    [Fact]
    public void Select_ReturnsCaseIndexInArgumentOrder_AndTypedValue()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var ints = new Chan<int>(1);
            var strs = new Chan<string>(1);
            var outc = new Chan<long>(1);
            strs.TrySend("hello");
            var r = await Select.Of(Select.Receive(ints), Select.Receive(strs));
            Assert.Equal(1, r.Index);
            Assert.True(r.Ok);
            Assert.Equal("hello", r.Value<string>());
            Assert.Throws<InvalidOperationException>(() => r.Value<int>());

            var s = await Select.Of(Select.Receive(ints), Select.Send(outc, 42L));
            Assert.Equal(1, s.Index);
            Assert.True(s.Ok);
            Assert.Throws<InvalidOperationException>(() => s.Value<long>()); // a send received nothing
            Assert.Equal(42L, await outc.ReceiveAsync());

            var d = Select.Try(Select.Receive(ints), Select.Receive(strs));
            Assert.True(d.IsDefault);
            Assert.Equal(-1, d.Index);
        });
    }

    [Fact]
    public void Select_NineOrMoreCases_ParamsForm_Blocks_AndWakes()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var chans = Enumerable.Range(0, 10).Select(_ => new Chan<int>()).ToArray();
            for (int round = 0; round < 20; round++)
            {
                int target = round % chans.Length;
                var cases = chans.Select(c => (ISelectCase)Select.Receive(c)).ToArray();
                var waiter = Go.Spawn<SelectResult>(async () => await Select.Of(cases));
                await ChanTestUtil.WaitUntil(() => chans.All(c => c.WaitingCounts.Receivers == 1), "select parked on all");
                await chans[target].SendAsync(round);
                var r = await waiter;
                Assert.Equal(target, r.Index);
                Assert.Equal(round, r.Value<int>());
                Assert.All(chans, c => Assert.Equal((0, 0), c.WaitingCounts)); // withdrawn from the others
            }

            Assert.Throws<ArgumentNullException>(() => Select.Try(new ISelectCase[] { Select.Receive(chans[0]), null! }));
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void BlockedSelect_WokenByOneCase_WithdrawsFromAllOthers(int procs)
    {
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            var a = new Chan<int>();
            var b = new Chan<int>(1);
            var s = new Chan<int>();
            for (int i = 0; i < 300; i++)
            {
                var sel = Go.Spawn<SelectResult>(async () => await Select.Of(Select.Receive(a), Select.Receive(b), Select.Send(s, i)));
                await ChanTestUtil.WaitUntil(() => a.WaitingCounts.Receivers == 1 && s.WaitingCounts.Senders == 1, "select parked");
                SelectResult r;
                switch (i % 3)
                {
                    case 0:
                        await a.SendAsync(i);
                        r = await sel;
                        Assert.Equal((0, i), (r.Index, r.Value<int>()));
                        break;
                    case 1:
                        Assert.True(b.TrySend(i)); // straight to the parked select, not the buffer
                        r = await sel;
                        Assert.Equal((1, i), (r.Index, r.Value<int>()));
                        Assert.Equal(0, b.Len);
                        break;
                    default:
                        Assert.Equal(i, await s.ReceiveAsync());
                        r = await sel;
                        Assert.Equal(2, r.Index);
                        break;
                }

                Assert.Equal((0, 0), a.WaitingCounts);
                Assert.Equal((0, 0), b.WaitingCounts);
                Assert.Equal((0, 0), s.WaitingCounts);
                Assert.False(s.TryReceive(out _), "the send case was withdrawn: nothing to receive");
            }
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void BlockedSelect_SendCase_ChannelClosed_Throws(int procs)
    {
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            var never = new Chan<int>();
            var c = new Chan<int>();
            var sel = Go.Spawn<SelectResult>(async () => await Select.Of(Select.Receive(never), Select.Send(c, 1)));
            await ChanTestUtil.WaitUntil(() => c.WaitingCounts.Senders == 1, "select parked");
            c.Close();
            await Assert.ThrowsAsync<ChannelClosedException>(async () => await sel);
            Assert.Equal((0, 0), never.WaitingCounts);
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void BlockedSelect_ReceiveCase_ChannelClosed_GetsDefaultFalse(int procs)
    {
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            var never = new Chan<string>();
            var c = new Chan<string>(4);
            var sel = Go.Spawn<SelectResult>(async () => await Select.Of(Select.Receive(never), Select.Receive(c)));
            await ChanTestUtil.WaitUntil(() => c.WaitingCounts.Receivers == 1, "select parked");
            c.Close();
            var r = await sel;
            Assert.Equal(1, r.Index);
            Assert.False(r.Ok);
            Assert.Null(r.Value<string>());
        });
    }
}
