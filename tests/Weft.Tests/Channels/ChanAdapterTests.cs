using System.Threading.Channels;
using StcChannelClosedException = System.Threading.Channels.ChannelClosedException;

namespace Weft.Tests.Channels;

/// <summary>System.Threading.Channels interop: a Chan as ChannelReader/ChannelWriter/Channel, and back (pumps).</summary>
public class ChanAdapterTests
{
    // ---- Chan as ChannelReader ------------------------------------------------------------------------------

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(64)]
    public async Task AsChannelReader_ReadAllAsync_GetsEveryValueInOrder_ThenCompletes(int capacity)
    {
        using var rt = new TestRuntime(2, detectDeadlocks: false);
        var c = new Chan<int>(capacity);
        rt.Runtime.Start(async () =>
        {
            for (int i = 0; i < 1000; i++) await c.SendAsync(i);
            c.Close();
        });
        var reader = c.AsChannelReader();
        int expect = 0;
        await foreach (int v in reader.ReadAllAsync().WithCancellation(default)) Assert.Equal(expect++, v);
        Assert.Equal(1000, expect);
        await reader.Completion.WaitAsync(TestRuntime.HangGuard);
        Assert.False(await reader.WaitToReadAsync());
        Assert.False(reader.TryRead(out _));
        await Assert.ThrowsAsync<StcChannelClosedException>(async () => await reader.ReadAsync());
    }

    [Fact]
    public async Task AsChannelReader_ReadAsync_WaitsForASend()
    {
        var c = new Chan<string>();
        var reader = c.Reader.AsChannelReader();
        var read = reader.ReadAsync().AsTask();
        ChanTestUtil.SpinUntil(() => c.WaitingCounts.Receivers == 1, "reader parked");
        Assert.False(read.IsCompleted);
        await c.SendAsync("a");
        Assert.Equal("a", await read.WaitAsync(TestRuntime.HangGuard));
    }

    [Fact]
    public async Task AsChannelReader_CountPeekAndTryRead_DoNotLoseOrDuplicate()
    {
        var c = new Chan<int>(4);
        var reader = c.AsChannelReader();
        Assert.True(reader.CanCount);
        Assert.True(reader.CanPeek);
        Assert.False(reader.TryPeek(out _));
        c.TrySend(1);
        c.TrySend(2);
        Assert.Equal(2, reader.Count);
        Assert.True(reader.TryPeek(out int p));
        Assert.Equal(1, p);
        Assert.Equal(2, reader.Count); // peeked value still counted (held by the adapter)
        Assert.True(await reader.WaitToReadAsync());
        Assert.True(reader.TryRead(out int a));
        Assert.True(reader.TryRead(out int b));
        Assert.Equal((1, 2), (a, b));
        Assert.False(reader.TryRead(out _));
        Assert.Equal(0, reader.Count);
    }

    [Fact]
    public async Task AsChannelReader_WaitToReadAsync_OnUnbuffered_TakesTheValue_AndTheNextReadReturnsIt()
    {
        // The documented gap: a Weft receiver cannot wait without taking the value; the adapter keeps it.
        var c = new Chan<int>();
        var reader = c.AsChannelReader();
        var wait = reader.WaitToReadAsync().AsTask();
        ChanTestUtil.SpinUntil(() => c.WaitingCounts.Receivers == 1, "waiting");
        Assert.True(c.TrySend(7)); // completes the rendezvous at the wait
        Assert.True(await wait.WaitAsync(TestRuntime.HangGuard));
        Assert.Equal(1, reader.Count);
        Assert.True(reader.TryRead(out int v));
        Assert.Equal(7, v);
    }

    [Fact]
    public async Task AsChannelReader_CanceledWait_LosesNoValue()
    {
        var c = new Chan<int>();
        var reader = c.AsChannelReader();
        using var cts = new CancellationTokenSource();
        var wait = reader.WaitToReadAsync(cts.Token).AsTask();
        ChanTestUtil.SpinUntil(() => c.WaitingCounts.Receivers == 1, "waiting");
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.WaitAsync(TestRuntime.HangGuard));
        Assert.Equal((0, 0), c.WaitingCounts);
        var send = Task.Run(async () => await c.SendAsync(3));
        Assert.Equal(3, await reader.ReadAsync().AsTask().WaitAsync(TestRuntime.HangGuard));
        await send.WaitAsync(TestRuntime.HangGuard);
    }

    [Fact]
    public async Task AsChannelReader_BufferedValuesAfterClose_AreReadBeforeTheEnd()
    {
        var c = new Chan<int>(3);
        c.TrySend(1);
        c.TrySend(2);
        c.Close();
        var reader = c.AsChannelReader();
        Assert.False(reader.Completion.IsCompleted);
        Assert.True(await reader.WaitToReadAsync());
        Assert.Equal(1, await reader.ReadAsync());
        Assert.True(reader.TryRead(out int v));
        Assert.Equal(2, v);
        Assert.False(await reader.WaitToReadAsync());
        Assert.True(reader.Completion.IsCompletedSuccessfully);
    }

    [Fact]
    public void AsChannelReader_OfNilView_Throws() =>
        Assert.Throws<ArgumentException>(() => default(ChanReader<int>).AsChannelReader());

    // ---- Chan as ChannelWriter ------------------------------------------------------------------------------

    [Fact]
    public async Task AsChannelWriter_WriteAsync_IsASend_AndCompleteClosesTheChannel()
    {
        using var rt = new TestRuntime(2, detectDeadlocks: false);
        var c = new Chan<int>();
        var writer = c.AsChannelWriter();
        var sum = rt.Runtime.RunAsync(async () =>
        {
            int s = 0;
            await foreach (int v in c) s += v;
            return s;
        });
        for (int i = 1; i <= 100; i++) await writer.WriteAsync(i);
        writer.Complete();
        Assert.Equal(5050, await sum.WaitAsync(TestRuntime.HangGuard));
        Assert.False(writer.TryComplete());
        Assert.Throws<StcChannelClosedException>(() => writer.Complete());
        Assert.False(writer.TryWrite(1));
        Assert.False(await writer.WaitToWriteAsync());
        await Assert.ThrowsAsync<StcChannelClosedException>(async () => await writer.WriteAsync(1));
        Assert.Throws<InvalidOperationException>(() => c.Close()); // already closed by Complete
    }

    [Fact]
    public async Task AsChannelWriter_TryWrite_FollowsBufferSpaceAndWaitingReceivers()
    {
        var c = new Chan<int>(1);
        var writer = c.Writer.AsChannelWriter();
        Assert.True(writer.TryWrite(1));
        Assert.False(writer.TryWrite(2)); // full
        Assert.True(c.TryReceive(out _));
        Assert.True(await writer.WaitToWriteAsync());

        var u = new Chan<int>();
        var uw = u.AsChannelWriter();
        Assert.False(uw.TryWrite(1)); // no receiver
        var recv = Task.Run(async () => await u.ReceiveAsync());
        ChanTestUtil.SpinUntil(() => u.WaitingCounts.Receivers == 1, "receiver parked");
        Assert.True(await uw.WaitToWriteAsync());
        Assert.True(uw.TryWrite(5));
        Assert.Equal(5, await recv.WaitAsync(TestRuntime.HangGuard));
    }

    [Fact]
    public async Task AsChannelWriter_WaitToWriteAsync_CompletesWhenRoomAppears()
    {
        var c = new Chan<int>(1);
        c.TrySend(0);
        var writer = c.AsChannelWriter();
        var wait = writer.WaitToWriteAsync().AsTask();
        Assert.False(wait.IsCompleted);
        Assert.True(c.TryReceive(out _));
        Assert.True(await wait.WaitAsync(TestRuntime.HangGuard));

        // And a close ends a pending wait with false.
        c.TrySend(0);
        var wait2 = writer.WaitToWriteAsync().AsTask();
        c.Close();
        Assert.False(await wait2.WaitAsync(TestRuntime.HangGuard));
    }

    [Fact]
    public async Task CompleteWithError_SurfacesInEveryReaderAdapter_AfterTheBufferedValues()
    {
        var c = new Chan<int>(2);
        var writer = c.AsChannelWriter();
        var readerA = c.AsChannelReader();
        var readerB = c.AsChannelReader();
        await writer.WriteAsync(1);
        var error = new InvalidTimeZoneException("boom");
        Assert.True(writer.TryComplete(error));
        Assert.Equal(1, await readerA.ReadAsync());
        var e = await Assert.ThrowsAsync<InvalidTimeZoneException>(async () => await readerA.WaitToReadAsync());
        Assert.Same(error, e);
        var closed = await Assert.ThrowsAsync<StcChannelClosedException>(async () => await readerB.ReadAsync());
        Assert.Same(error, closed.InnerException);
        await Assert.ThrowsAsync<InvalidTimeZoneException>(() => readerA.Completion.WaitAsync(TestRuntime.HangGuard));
        // Plain Weft receivers just see the close.
        Assert.Equal((0, false), await c.ReceiveWithOkAsync());
        await Assert.ThrowsAsync<InvalidTimeZoneException>(async () => await writer.WaitToWriteAsync());
    }

    [Fact]
    public async Task AsChannel_ReaderAndWriter_ShareTheChannel()
    {
        var channel = new Chan<string>(8).AsChannel();
        await channel.Writer.WriteAsync("x");
        Assert.True(channel.Writer.TryWrite("y"));
        channel.Writer.Complete();
        var all = new List<string>();
        await foreach (var s in channel.Reader.ReadAllAsync()) all.Add(s);
        Assert.Equal(["x", "y"], all);
    }

    // ---- ChannelReader / ChannelWriter to Chan ----------------------------------------------------------------

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    public void ChannelReaderToChan_PumpsEveryItemInOrder_AndClosesWhenTheReaderCompletes(int capacity)
    {
        using var rt = new TestRuntime(2, detectDeadlocks: false);
        var source = Channel.CreateUnbounded<int>();
        var n = rt.Run(async () =>
        {
            var c = source.Reader.ToChan(capacity);
            Assert.Equal(capacity, c.Cap);
            var producer = Task.Run(async () =>
            {
                for (int i = 0; i < 2000; i++) await source.Writer.WriteAsync(i);
                source.Writer.Complete();
            });
            int expect = 0;
            await foreach (int v in c)
            {
                if (v != expect) throw new InvalidOperationException($"got {v}, want {expect}");
                expect++;
            }

            await producer;
            return expect;
        });
        Assert.Equal(2000, n);
    }

    [Fact]
    public void ChannelReaderToChan_ReaderFaults_ChanClosed_ErrorVisibleThroughAnAdapter()
    {
        using var rt = new TestRuntime(2, detectDeadlocks: false);
        var source = Channel.CreateBounded<int>(4);
        rt.Run(async () =>
        {
            var c = source.Reader.ToChan();
            await source.Writer.WriteAsync(1);
            source.Writer.Complete(new FormatException("bad input"));
            Assert.Equal((1, true), await c.ReceiveWithOkAsync());
            Assert.Equal((0, false), await c.ReceiveWithOkAsync());
            var back = c.AsChannelReader();
            await Assert.ThrowsAsync<FormatException>(async () => await back.WaitToReadAsync());
        });
    }

    [Fact]
    public void ChannelReaderToChan_Canceled_StopsAndCloses()
    {
        using var rt = new TestRuntime(2, detectDeadlocks: false);
        var source = Channel.CreateUnbounded<int>();
        int baseline = rt.Runtime.NumGoroutine;
        rt.Run(async () =>
        {
            using var cts = new CancellationTokenSource();
            var c = source.Reader.ToChan(0, cts.Token);
            source.Writer.TryWrite(1);
            Assert.Equal(1, await c.ReceiveAsync());
            cts.Cancel();
            Assert.Equal((0, false), await c.ReceiveWithOkAsync());
        });
        ChanTestUtil.WaitForGoroutines(rt.Runtime, baseline); // the pump ended
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    public async Task ChannelWriterToChan_PumpsEverySend_AndCloseCompletesTheWriter(int capacity)
    {
        using var rt = new TestRuntime(2, detectDeadlocks: false);
        var target = Channel.CreateUnbounded<int>();
        var c = rt.Run(async () =>
        {
            var w = target.Writer.ToChan(capacity);
            var done = new Chan<bool>(4);
            for (int p = 0; p < 4; p++)
            {
                int me = p;
                Go.Start(async () =>
                {
                    for (int i = 0; i < 500; i++) await w.SendAsync(me * 500 + i);
                    await done.SendAsync(true);
                });
            }

            for (int p = 0; p < 4; p++) await done.ReceiveAsync();
            w.Close();
            return w;
        });
        var seen = new bool[2000];
        await foreach (int v in target.Reader.ReadAllAsync().WithCancellation(default))
        {
            Assert.False(seen[v], $"{v} twice");
            seen[v] = true;
        }

        Assert.All(seen, Assert.True);
        await target.Reader.Completion.WaitAsync(TestRuntime.HangGuard);
        Assert.Equal(capacity, c.Cap);
    }

    [Fact]
    public void ChannelWriterToChan_WriterRefuses_ChanIsClosed_SoSendersFailInsteadOfHanging()
    {
        using var rt = new TestRuntime(2, detectDeadlocks: false);
        var target = Channel.CreateUnbounded<int>();
        target.Writer.Complete();
        rt.Run(async () =>
        {
            var w = target.Writer.ToChan();
            await w.SendAsync(1); // the pump takes it, the writer refuses it: the pump closes the channel
            await ChanTestUtil.WaitUntil(() => w.Channel!.IsClosed, "the pump closed the channel");
            await Assert.ThrowsAsync<ChannelClosedException>(async () => await w.SendAsync(2));
        });
    }

    [Fact]
    public void ChannelWriterToChan_CloseThroughAdapterWithError_CompletesTheWriterWithIt()
    {
        using var rt = new TestRuntime(2, detectDeadlocks: false);
        var target = Channel.CreateUnbounded<int>();
        rt.Run(async () =>
        {
            var w = target.Writer.ToChan(4);
            await w.SendAsync(1);
            Assert.True(w.AsChannelWriter().TryComplete(new TimeoutException("late")));
            await Task.CompletedTask;
        });
        // The value sent before the close is forwarded first; then the writer is completed with the error.
        Assert.Equal(1, target.Reader.ReadAsync().AsTask().WaitGuarded());
        var e = Assert.Throws<AggregateException>(() => target.Reader.Completion.WaitGuarded());
        Assert.IsType<TimeoutException>(e.InnerException);
    }

    [Fact]
    public async Task RoundTrip_ChanToChannelReaderToChan_KeepsOrder()
    {
        using var rt = new TestRuntime(2, detectDeadlocks: false);
        var result = await rt.Runtime.RunAsync(async () =>
        {
            var a = new Chan<int>(3);
            Go.Start(async () =>
            {
                for (int i = 0; i < 300; i++) await a.SendAsync(i);
                a.Close();
            });
            var b = a.AsChannelReader().ToChan(5);
            var got = new List<int>();
            await foreach (int v in b) got.Add(v);
            return got;
        }).WaitAsync(TestRuntime.HangGuard);
        Assert.Equal(Enumerable.Range(0, 300), result);
    }
}
