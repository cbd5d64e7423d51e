using System.Net.Sockets;
using System.Text;

namespace Weft.Tests.Net;

public sealed class ConnTests : NetTestBase
{
    /// <summary>Runs <paramref name="body"/> with a client and a server end connected on loopback; closes all three after.</summary>
    private static async GoTask WithPairAsync(Func<TcpListener, TcpConn, TcpConn, GoTask> body)
    {
        using var listener = Weft.Net.Listen(Loopback);
        using var client = await Weft.Net.DialAsync(listener.LocalEndPoint, TimeSpan.FromSeconds(30));
        using var server = await listener.AcceptAsync();
        await body(listener, client, server);
    }

    /// <summary>Waits (hang guard only) until the runtime's dump shows a goroutine parked in IO wait.</summary>
    internal static async GoTask WaitForIoWaitAsync(GoRuntime runtime, int count = 1)
    {
        var guard = DateTime.UtcNow + TestRuntime.HangGuard;
        while (CountIoWaits(runtime.Dump()) < count)
        {
            if (DateTime.UtcNow > guard) throw new TimeoutException("no goroutine reached IO wait");
            await Go.Sleep(TimeSpan.FromMilliseconds(1));
        }
    }

    /// <summary>Goroutines parked on the network: in IO wait (the netpoller), or in a foreign await (the .NET-socket fallback).</summary>
    internal static int CountIoWaits(string dump) => dump.Split(Weft.Net.UsesNetpoller ? "[IO wait" : "[foreign await").Length - 1;

    [Fact]
    public async Task GoTaskMethod_OutsideGoroutines_ParksOnARead_AndResumesWhenDataArrives()
    {
        // A GoTask method awaited from plain code has a frame but no goroutine: its parked read must resume that frame
        // (it once assumed every frame had an owner goroutine and failed with a NullReferenceException).
        var received = await ExchangeOutsideGoroutinesAsync(Encoding.ASCII.GetBytes("hello"));
        Assert.Equal("hello", Encoding.ASCII.GetString(received));
    }

    private static async GoTask<byte[]> ExchangeOutsideGoroutinesAsync(byte[] payload)
    {
        using var listener = Weft.Net.Listen(Loopback);
        using var client = await Weft.Net.DialAsync(listener.LocalEndPoint, TimeSpan.FromSeconds(30));
        using var server = await listener.AcceptAsync();
        var buffer = new byte[payload.Length];
        var read = ReadFullyAsync(server, buffer); // runs until it parks: nothing has been written yet
        await client.WriteAsync(payload);
        await read;
        return buffer;
    }

    private static async GoTask ReadFullyAsync(TcpConn conn, byte[] buffer)
    {
        for (int got = 0; got < buffer.Length;)
        {
            int n = await conn.ReadAsync(buffer.AsMemory(got));
            if (n == 0) throw new EndOfStreamException($"closed after {got} of {buffer.Length} bytes");
            got += n;
        }
    }

    [Fact]
    public void LargeTransfer_WriterParksOnFullBuffers_EveryByteArrives()
    {
        using var rt = new TestRuntime(2);
        rt.Run(() => WithPairAsync(async (listener, client, server) =>
        {
            const int total = 32 << 20; // far beyond the socket buffers: the writer must hit EAGAIN and park
            var payload = new byte[total];
            new Random(7).NextBytes(payload);
            var writer = Go.Spawn(async () =>
            {
                await client.WriteAsync(payload);
                client.CloseWrite();
            });

            await WaitForIoWaitAsync(rt.Runtime); // the writer is parked: the kernel buffers are full

            var received = new byte[total + 1];
            int got = 0;
            while (true)
            {
                int n = await server.ReadAsync(received.AsMemory(got, Math.Min(65536, total - got + 1)));
                if (n == 0) break;
                got += n;
            }

            await writer;
            Assert.Equal(total, got);
            Assert.True(payload.AsSpan().SequenceEqual(received.AsSpan(0, total)), "bytes differ");
        }));
    }

    [Fact]
    public void ReadDeadline_Fires_ThenMovedConnectionWorksAgain()
    {
        using var rt = new TestRuntime(2);
        rt.Run(() => WithPairAsync(async (listener, client, server) =>
        {
            var deadline = DateTime.UtcNow.AddMilliseconds(50);
            server.SetReadDeadline(deadline);
            var e = await Assert.ThrowsAsync<DeadlineExceededException>(() => server.ReadAsync(new byte[10]).AsTask());
            Assert.Contains("i/o timeout", e.Message);
            Assert.Contains("deadline", e.Message);
            Assert.Equal(deadline, e.Deadline);

            // Still passed: every later read fails too, even with data waiting.
            await client.WriteAsync(Encoding.ASCII.GetBytes("hi"));
            await Assert.ThrowsAsync<DeadlineExceededException>(() => server.ReadAsync(new byte[10]).AsTask());

            server.SetReadDeadline(default); // moved: works again
            var buffer = new byte[10];
            int n = await server.ReadAsync(buffer);
            Assert.Equal("hi", Encoding.ASCII.GetString(buffer, 0, n));
        }));
    }

    [Fact]
    public void Deadline_AlreadyPast_FailsAtOnce_ForReadsWritesAndAccept()
    {
        using var rt = new TestRuntime(2);
        rt.Run(() => WithPairAsync(async (listener, client, server) =>
        {
            await client.WriteAsync(new byte[] { 1 });
            server.SetDeadline(DateTime.UtcNow.AddSeconds(-1));
            await Assert.ThrowsAsync<DeadlineExceededException>(() => server.ReadAsync(new byte[1]).AsTask());
            await Assert.ThrowsAsync<DeadlineExceededException>(() => server.WriteAsync(new byte[1]).AsTask());
            listener.SetDeadline(DateTime.Now.AddSeconds(-1)); // local time is converted
            await Assert.ThrowsAsync<DeadlineExceededException>(() => listener.AcceptAsync().AsTask());
        }));
    }

    [Fact]
    public void Deadline_SetIntoThePastWhileParked_WakesThePendingRead()
    {
        using var rt = new TestRuntime(2);
        rt.Run(() => WithPairAsync(async (listener, client, server) =>
        {
            var read = Go.Spawn(async () => await server.ReadAsync(new byte[1]));
            await WaitForIoWaitAsync(rt.Runtime);
            server.SetReadDeadline(DateTime.UtcNow.AddSeconds(-1));
            await Assert.ThrowsAsync<DeadlineExceededException>(() => read.AsTask());
        }));
    }

    [Fact]
    public void Deadline_ExtendedWhileParked_TheReadOutlivesTheFirstDeadline()
    {
        using var rt = new TestRuntime(2);
        rt.Run(() => WithPairAsync(async (listener, client, server) =>
        {
            var first = DateTime.UtcNow.AddMilliseconds(400);
            server.SetReadDeadline(first);
            var read = Go.Spawn(async () => await server.ReadAsync(new byte[1]));
            await WaitForIoWaitAsync(rt.Runtime);
            server.SetReadDeadline(DateTime.UtcNow.AddHours(1));
            // Past the first deadline (by the wall clock, which it was set on): the read must still be waiting.
            while (DateTime.UtcNow < first.AddMilliseconds(100)) await Go.Sleep(TimeSpan.FromMilliseconds(20));
            Assert.False(read.IsCompleted, "the read ended at the first deadline although it was extended");
            await client.WriteAsync(new byte[] { 42 });
            Assert.Equal(1, await read);
        }));
    }

    [Fact]
    public void CloseWrite_PeerReadsEndOfStream_AndCanStillAnswer()
    {
        using var rt = new TestRuntime(2);
        rt.Run(() => WithPairAsync(async (listener, client, server) =>
        {
            await client.WriteAsync(Encoding.ASCII.GetBytes("question"));
            client.CloseWrite();
            var buffer = new byte[64];
            int got = 0, n;
            while ((n = await server.ReadAsync(buffer.AsMemory(got))) > 0) got += n;
            Assert.Equal("question", Encoding.ASCII.GetString(buffer, 0, got));
            await server.WriteAsync(Encoding.ASCII.GetBytes("answer"));
            server.Close();
            got = 0;
            while ((n = await client.ReadAsync(buffer.AsMemory(got))) > 0) got += n;
            Assert.Equal("answer", Encoding.ASCII.GetString(buffer, 0, got));
            await Assert.ThrowsAsync<ObjectDisposedException>(() => server.ReadAsync(buffer).AsTask());
        }));
    }

    [Fact]
    public void PeerReset_ReadFailsWithConnectionReset()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            using var listener = Weft.Net.Listen(Loopback);
            using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await peer.ConnectAsync(listener.LocalEndPoint);
            using var server = await listener.AcceptAsync();
            var read = Go.Spawn(async () => await server.ReadAsync(new byte[16]));
            await WaitForIoWaitAsync(rt.Runtime);
            peer.LingerState = new LingerOption(true, 0); // close sends RST
            peer.Close();
            var e = await Assert.ThrowsAsync<SocketException>(() => read.AsTask());
            Assert.Equal(SocketError.ConnectionReset, e.SocketErrorCode);
            Assert.Contains("reset", e.Message);
        });
    }

    [Fact]
    public void Listener_CloseWakesPendingAccept_AndLaterAcceptsFail()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var listener = Weft.Net.Listen(Loopback);
            var accept = Go.Spawn(async () => await listener.AcceptAsync());
            await WaitForIoWaitAsync(rt.Runtime);
            listener.Close();
            var e = await Assert.ThrowsAsync<ObjectDisposedException>(() => accept.AsTask());
            Assert.Contains("use of closed network connection", e.Message);
            await Assert.ThrowsAsync<ObjectDisposedException>(() => listener.AcceptAsync().AsTask());
            listener.Close(); // idempotent
        });
    }

    [Fact]
    public void Dial_NobodyListening_IsRefused()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var listener = Weft.Net.Listen(Loopback);
            var endpoint = listener.LocalEndPoint;
            listener.Close();
            var e = await Assert.ThrowsAsync<SocketException>(() => Weft.Net.DialAsync(endpoint).AsTask());
            Assert.Equal(SocketError.ConnectionRefused, e.SocketErrorCode);
            Assert.Contains(endpoint.ToString(), e.Message);
        });
    }

    [Fact]
    public void Read_Canceled_ThrowsAndTheConnectionStaysUsable()
    {
        using var rt = new TestRuntime(2);
        rt.Run(() => WithPairAsync(async (listener, client, server) =>
        {
            using var cts = new CancellationTokenSource();
            var read = Go.Spawn(async () => await server.ReadAsync(new byte[4], cts.Token));
            await WaitForIoWaitAsync(rt.Runtime);
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.AsTask());
            await client.WriteAsync(new byte[] { 9 });
            var buffer = new byte[4];
            Assert.Equal(1, await server.ReadAsync(buffer));
            Assert.Equal(9, buffer[0]);
        }));
    }

    [Fact]
    public void ConcurrentReads_OnOneConnection_AreRefusedClearly()
    {
        using var rt = new TestRuntime(2);
        rt.Run(() => WithPairAsync(async (listener, client, server) =>
        {
            var first = Go.Spawn(async () => await server.ReadAsync(new byte[1]));
            await WaitForIoWaitAsync(rt.Runtime);
            var e = await Assert.ThrowsAsync<InvalidOperationException>(() => server.ReadAsync(new byte[1]).AsTask());
            Assert.Contains("already in progress", e.Message);
            await client.WriteAsync(new byte[] { 1 });
            Assert.Equal(1, await first);
        }));
    }

    [Fact]
    public void AsStream_WorksUnderStreamReaderAndWriter()
    {
        using var rt = new TestRuntime(2);
        rt.Run(() => WithPairAsync(async (_, client, server) =>
        {
            var echo = Go.Spawn(async () =>
            {
                using var reader = new StreamReader(server.AsStream(ownsConnection: false));
                await using var writer = new StreamWriter(server.AsStream(ownsConnection: false)) { AutoFlush = true };
                string? line;
                while ((line = await reader.ReadLineAsync()) is not null) await writer.WriteLineAsync(line.ToUpperInvariant());
            });
            await using var stream = client.AsStream();
            using var reader = new StreamReader(stream, leaveOpen: true);
            await using var writer = new StreamWriter(stream, leaveOpen: true) { AutoFlush = true };
            for (int i = 0; i < 100; i++)
            {
                await writer.WriteLineAsync($"line {i}");
                Assert.Equal($"LINE {i}", await reader.ReadLineAsync());
            }

            client.CloseWrite();
            await echo;
        }));
    }
}
