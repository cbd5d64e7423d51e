namespace Weft.Tests.Channels;

/// <summary>
/// Cancellation of waiting sends, receives and selects: the waiting operation is withdrawn and throws
/// <see cref="OperationCanceledException"/>; a value is never lost nor delivered twice.
/// </summary>
public class ChanCancellationTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void CanceledWaitingSend_IsWithdrawn_ChannelStaysUsable(int capacity)
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var c = new Chan<int>(capacity);
            for (int i = 0; i < capacity; i++) Assert.True(c.TrySend(100 + i)); // fill the buffer
            using var cts = new CancellationTokenSource();
            var sender = Go.Spawn(async () => await c.SendAsync(7, cts.Token));
            await ChanTestUtil.WaitUntil(() => c.WaitingCounts.Senders == 1, "the sender is parked");
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await sender);
            Assert.Equal((0, 0), c.WaitingCounts);

            // The canceled value is not in the channel: only the buffered ones are.
            for (int i = 0; i < capacity; i++) Assert.Equal(100 + i, await c.ReceiveAsync());
            Assert.False(c.TryReceive(out _));

            // And the channel still works in both directions.
            var s2 = Go.Spawn(async () => await c.SendAsync(8));
            Assert.Equal(8, await c.ReceiveAsync());
            await s2;
        });
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void CanceledWaitingReceive_IsWithdrawn_NextSendGoesToTheNextReceiver(int capacity)
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var c = new Chan<int>(capacity);
            using var cts = new CancellationTokenSource();
            var canceled = Go.Spawn<int>(async () => await c.ReceiveAsync(cts.Token));
            await ChanTestUtil.WaitUntil(() => c.WaitingCounts.Receivers == 1, "first receiver parked");
            var second = Go.Spawn<int>(async () => await c.ReceiveAsync());
            await ChanTestUtil.WaitUntil(() => c.WaitingCounts.Receivers == 2, "second receiver parked");
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await canceled);
            Assert.Equal((1, 0), c.WaitingCounts);
            await c.SendAsync(9);
            Assert.Equal(9, await second);
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void CanceledSelect_WithdrawsEveryCase_AndConsumesNothing(int procs)
    {
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            var a = new Chan<int>();
            var b = new Chan<int>();
            var timer = Time.NewTimer(TimeSpan.FromHours(1));
            using var cts = new CancellationTokenSource();
            var sel = Go.Spawn<SelectResult>(async () =>
                await Select.Of(cts.Token, Select.Receive(a), Select.Send(b, 5), Select.Receive(timer.C)));
            await ChanTestUtil.WaitUntil(() => a.WaitingCounts.Receivers == 1 && b.WaitingCounts.Senders == 1, "select parked");
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await sel);
            Assert.Equal((0, 0), a.WaitingCounts);
            Assert.Equal((0, 0), b.WaitingCounts);
            Assert.False(a.TrySend(1), "the receive case was withdrawn");
            Assert.False(b.TryReceive(out _), "the send case was withdrawn: its value is not offered any more");
            Assert.True(timer.Stop());
        });
    }

    [Fact]
    public void AlreadyCanceledToken_ThrowsAtOnce_WithoutConsumingAReadyValue()
    {
        using var rt = new TestRuntime(1);
        rt.Run(async () =>
        {
            var c = new Chan<int>(2);
            c.TrySend(1);
            using var cts = new CancellationTokenSource();
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await c.ReceiveAsync(cts.Token));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await c.ReceiveWithOkAsync(cts.Token));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await c.SendAsync(2, cts.Token));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Select.Of(cts.Token, Select.Receive(c)));
            Assert.Equal(1, c.Len);
            Assert.Equal(1, await c.ReceiveAsync());
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void CancelRacingSend_ToWaitingReceiver_ValueDeliveredExactlyOnce(int procs)
    {
        // A receiver waits with a token; a sender and a cancellation race. Either the receiver got the value, or it
        // was canceled and the value is still with the (blocked) sender — never both, never neither.
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            int delivered = 0, canceled = 0;
            for (int i = 0; i < 2000; i++)
            {
                var c = new Chan<int>();
                using var cts = new CancellationTokenSource();
                bool viaSelect = (i & 1) == 0;
                var receiver = Go.Spawn<int>(async () =>
                {
                    try
                    {
                        if (viaSelect)
                        {
                            var r = await Select.Of(cts.Token, Select.Receive(c), Select.Receive((Chan<int>?)null));
                            return r.Value<int>();
                        }

                        return await c.ReceiveAsync(cts.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return -1;
                    }
                });
                await ChanTestUtil.WaitUntil(() => c.WaitingCounts.Receivers == 1, "receiver parked");
                var sender = Go.Spawn(async () => await c.SendAsync(i));
                cts.Cancel();
                int got = await receiver;
                if (got == -1)
                {
                    canceled++;
                    Assert.Equal(i, await c.ReceiveAsync()); // the value was not lost: the sender still offers it
                }
                else
                {
                    delivered++;
                    Assert.Equal(i, got);
                    Assert.False(c.TryReceive(out _), "delivered once: nothing left to receive");
                }

                await sender;
            }

            Assert.Equal(2000, delivered + canceled);
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void CancelRacingReceive_OfWaitingSender_ValueDeliveredExactlyOnce(int procs)
    {
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            for (int i = 0; i < 2000; i++)
            {
                var c = new Chan<int>(i % 3 == 0 ? 0 : 1);
                if (c.Cap == 1) c.TrySend(-5); // full: the sender must wait
                using var cts = new CancellationTokenSource();
                bool viaSelect = (i & 1) == 0;
                var sender = Go.Spawn<bool>(async () =>
                {
                    try
                    {
                        if (viaSelect) await Select.Of(cts.Token, Select.Send(c, i));
                        else await c.SendAsync(i, cts.Token);
                        return true;
                    }
                    catch (OperationCanceledException)
                    {
                        return false;
                    }
                });
                await ChanTestUtil.WaitUntil(() => c.WaitingCounts.Senders == 1, "sender parked");
                var receiver = Go.Spawn<int>(async () =>
                {
                    if (c.Cap == 1) Assert.Equal(-5, await c.ReceiveAsync());
                    return await c.ReceiveAsync();
                });
                cts.Cancel();
                bool sent = await sender;
                if (!sent)
                {
                    // The receiver must not have the canceled value; release it with a sentinel.
                    await c.SendAsync(-1);
                }

                int got = await receiver;
                Assert.Equal(sent ? i : -1, got);
                Assert.False(c.TryReceive(out _));
            }
        });
    }
}
