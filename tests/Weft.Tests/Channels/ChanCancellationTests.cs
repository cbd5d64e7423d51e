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
}
