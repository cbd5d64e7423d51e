using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Weft.Tests.Net;

public sealed class UdpTests : NetTestBase
{
    private static readonly IPEndPoint Loopback6 = new(IPAddress.IPv6Loopback, 0);

    /// <summary>Hang guard for one awaited datagram: loopback does not drop what the tests send, so this only turns a bug into a clear failure.</summary>
    private static readonly TimeSpan DatagramGuard = TimeSpan.FromSeconds(30);

    /// <summary>Runs <paramref name="body"/> on a fresh runtime with an unconnected server socket and a client dialed to it; closes both after.</summary>
    private static void WithPair(Func<TestRuntime, UdpConn, UdpConn, GoTask> body)
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            using var server = Weft.Net.ListenUdp(Loopback);
            using var client = Weft.Net.DialUdp(server.LocalEndPoint);
            await body(rt, server, client);
        });
    }

    /// <summary>
    /// Many clients, each a goroutine with its own connected socket, send numbered datagrams of random sizes to one
    /// echo goroutine and check that every echo comes back intact and in turn. The server counts datagrams and bytes
    /// per sender: each client's exact count arrives, nothing more. Each client keeps one datagram in flight, so the
    /// server's receive buffer (a few hundred KiB) never overflows and loopback loses nothing.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Echo_ManyClientsManyDatagrams_EachArrivesAndReturnsExactlyOnce(int procs)
    {
        using var rt = new TestRuntime(procs);
        const int clients = 32, perClient = 200;
        rt.Run(async () =>
        {
            using var server = Weft.Net.ListenUdp(Loopback);
            var echo = Go.Spawn(async () =>
            {
                var counts = new Dictionary<IPEndPoint, int>();
                long bytes = 0;
                var buffer = new byte[2048];
                try
                {
                    while (true)
                    {
                        var (n, from, truncated) = await server.ReadFromAsync(buffer);
                        Assert.False(truncated);
                        counts[from] = counts.GetValueOrDefault(from) + 1;
                        bytes += n;
                        Assert.Equal(n, await server.WriteToAsync(buffer.AsMemory(0, n), from));
                    }
                }
                catch (ObjectDisposedException)
                {
                    // Closed by the test once every client is done.
                }

                return (counts, bytes);
            });

            var clientTasks = new GoTask<(IPEndPoint Local, long Bytes)>[clients];
            for (int c = 0; c < clients; c++)
            {
                int id = c;
                clientTasks[c] = Go.Spawn(async () =>
                {
                    using var conn = Weft.Net.DialUdp(server.LocalEndPoint);
                    var random = new Random(id);
                    var payload = new byte[1024];
                    var received = new byte[2048];
                    long bytes = 0;
                    for (int seq = 0; seq < perClient; seq++)
                    {
                        int length = random.Next(8, payload.Length);
                        random.NextBytes(payload.AsSpan(8, length - 8));
                        BitConverter.TryWriteBytes(payload.AsSpan(0, 4), id);
                        BitConverter.TryWriteBytes(payload.AsSpan(4, 4), seq);
                        Assert.Equal(length, await conn.WriteAsync(payload.AsMemory(0, length)));
                        conn.SetReadDeadlineAfter(DatagramGuard); // moved forward on every round
                        var (n, from, truncated) = await conn.ReadFromAsync(received);
                        Assert.Equal(server.LocalEndPoint, from);
                        Assert.False(truncated);
                        Assert.Equal(length, n);
                        Assert.True(payload.AsSpan(0, length).SequenceEqual(received.AsSpan(0, n)), $"client {id}: datagram {seq} came back changed");
                        bytes += n;
                    }

                    return (conn.LocalEndPoint, bytes);
                });
            }

            var results = new List<(IPEndPoint Local, long Bytes)>();
            foreach (var t in clientTasks) results.Add(await t);
            server.Close();
            var (counts, serverBytes) = await echo;

            Assert.Equal(clients, counts.Count);
            foreach (var (local, _) in results) Assert.Equal(perClient, counts[local]);
            Assert.Equal(results.Sum(r => r.Bytes), serverBytes);
        });
    }

    [Fact]
    public void ReadFrom_DatagramLongerThanTheBuffer_IsTruncatedAndTheRestDiscarded()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            using var receiver = Weft.Net.ListenUdp(Loopback);
            using var sender = Weft.Net.ListenUdp(Loopback);
            var big = Encoding.ASCII.GetBytes("0123456789abcdefghij");
            await sender.WriteToAsync(big, receiver.LocalEndPoint);
            await sender.WriteToAsync(Encoding.ASCII.GetBytes("next"), receiver.LocalEndPoint);
            await sender.WriteToAsync(Array.Empty<byte>(), receiver.LocalEndPoint);

            var buffer = new byte[10];
            var first = await receiver.ReadFromAsync(buffer);
            Assert.Equal(new UdpReadResult(10, sender.LocalEndPoint, Truncated: true), first);
            Assert.Equal("0123456789", Encoding.ASCII.GetString(buffer));

            // The rest of the long datagram is gone: the next read is the next datagram, whole.
            var second = await receiver.ReadFromAsync(buffer);
            Assert.Equal(new UdpReadResult(4, sender.LocalEndPoint, Truncated: false), second);
            Assert.Equal("next", Encoding.ASCII.GetString(buffer, 0, 4));

            // An empty datagram is a datagram (0 bytes, not an end of stream).
            Assert.Equal(new UdpReadResult(0, sender.LocalEndPoint, Truncated: false), await receiver.ReadFromAsync(buffer));

            // An empty buffer consumes one datagram and says whether it had any bytes.
            await sender.WriteToAsync(Encoding.ASCII.GetBytes("abc"), receiver.LocalEndPoint);
            await sender.WriteToAsync(Encoding.ASCII.GetBytes("after"), receiver.LocalEndPoint);
            Assert.Equal(new UdpReadResult(0, sender.LocalEndPoint, Truncated: true), await receiver.ReadFromAsync(Memory<byte>.Empty));
            Assert.Equal(5, await receiver.ReadAsync(buffer));
            Assert.Equal("after", Encoding.ASCII.GetString(buffer, 0, 5));
        });
    }

    [Fact]
    public void ReadDeadline_Fires_StaysPassedWithDataWaiting_ThenMovedSocketWorksAgain()
    {
        WithPair(async (rt, server, client) =>
        {
            var deadline = DateTime.UtcNow.AddMilliseconds(50);
            server.SetReadDeadline(deadline);
            var e = await Assert.ThrowsAsync<DeadlineExceededException>(() => server.ReadFromAsync(new byte[10]).AsTask());
            Assert.Contains($"read udp {server.LocalEndPoint}: i/o timeout", e.Message);
            Assert.Contains("deadline", e.Message);
            Assert.Equal(deadline, e.Deadline);

            await client.WriteAsync(Encoding.ASCII.GetBytes("hi"));
            await Assert.ThrowsAsync<DeadlineExceededException>(() => server.ReadFromAsync(new byte[10]).AsTask());

            server.SetReadDeadline(default);
            var buffer = new byte[10];
            var (n, from) = await server.ReadFromAsync(buffer);
            Assert.Equal("hi", Encoding.ASCII.GetString(buffer, 0, n));
            Assert.Equal(client.LocalEndPoint, from);
        });
    }

    [Fact]
    public void Deadline_AlreadyPast_FailsReadsAndWritesAtOnce()
    {
        WithPair(async (rt, server, client) =>
        {
            await client.WriteAsync(new byte[] { 1 });
            client.SetDeadline(DateTime.Now.AddSeconds(-1)); // local time is converted
            server.SetDeadlineAfter(TimeSpan.Zero);
            await Assert.ThrowsAsync<DeadlineExceededException>(() => server.ReadFromAsync(new byte[1]).AsTask());
            await Assert.ThrowsAsync<DeadlineExceededException>(() => server.WriteToAsync(new byte[1], client.LocalEndPoint).AsTask());
            var e = await Assert.ThrowsAsync<DeadlineExceededException>(() => client.WriteAsync(new byte[1]).AsTask());
            Assert.Contains($"write udp {client.LocalEndPoint}->{server.LocalEndPoint}: i/o timeout", e.Message);
            await Assert.ThrowsAsync<DeadlineExceededException>(() => client.ReadAsync(new byte[1]).AsTask());

            server.SetDeadlineAfter(Timeout.InfiniteTimeSpan); // cleared: the datagram sent before is still there
            Assert.Equal(1, await server.ReadAsync(new byte[1]));
        });
    }

    [Fact]
    public void Deadline_SetIntoThePastWhileParked_WakesThePendingRead()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            using var socket = Weft.Net.ListenUdp(Loopback);
            var read = Go.Spawn(async () => await socket.ReadFromAsync(new byte[1]));
            await ConnTests.WaitForIoWaitAsync(rt.Runtime);
            socket.SetReadDeadline(DateTime.UtcNow.AddSeconds(-1));
            await Assert.ThrowsAsync<DeadlineExceededException>(() => read.AsTask());
        });
    }

    [Fact]
    public void Deadline_ExtendedWhileParked_TheReadOutlivesTheFirstDeadline()
    {
        WithPair(async (rt, server, client) =>
        {
            var first = DateTime.UtcNow.AddMilliseconds(300);
            server.SetReadDeadline(first);
            var read = Go.Spawn(async () => await server.ReadFromAsync(new byte[4]));
            await ConnTests.WaitForIoWaitAsync(rt.Runtime);
            server.SetReadDeadline(DateTime.UtcNow.AddHours(1));
            // Past the first deadline (by the wall clock, which it was set on): the read must still be waiting.
            while (DateTime.UtcNow < first.AddMilliseconds(100)) await Go.Sleep(TimeSpan.FromMilliseconds(20));
            Assert.False(read.IsCompleted, "the read ended at the first deadline although it was extended");
            await client.WriteAsync(new byte[] { 42 });
            var (n, from) = await read;
            Assert.Equal(1, n);
            Assert.Equal(client.LocalEndPoint, from);
        });
    }

    [Fact]
    public void Read_Canceled_ThrowsAndTheSocketStaysUsable()
    {
        WithPair(async (rt, server, client) =>
        {
            using var cts = new CancellationTokenSource();
            var read = Go.Spawn(async () => await server.ReadFromAsync(new byte[4], cts.Token));
            await ConnTests.WaitForIoWaitAsync(rt.Runtime);
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.AsTask());
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => server.ReadFromAsync(new byte[4], cts.Token).AsTask());

            await client.WriteAsync(new byte[] { 9 });
            var buffer = new byte[4];
            Assert.Equal(1, (await server.ReadFromAsync(buffer)).Count);
            Assert.Equal(9, buffer[0]);
        });
    }

    [Fact]
    public void Close_WakesThePendingRead_AndLaterOperationsFailAsClosed()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var socket = Weft.Net.ListenUdp(Loopback);
            var read = Go.Spawn(async () => await socket.ReadFromAsync(new byte[16]));
            await ConnTests.WaitForIoWaitAsync(rt.Runtime);
            if (Weft.Net.UsesNetpoller) Assert.Contains("[IO wait", rt.Runtime.Dump());
            socket.Close();
            var e = await Assert.ThrowsAsync<ObjectDisposedException>(() => read.AsTask());
            Assert.Contains($"read udp {socket.LocalEndPoint}: use of closed network connection", e.Message);
            await Assert.ThrowsAsync<ObjectDisposedException>(() => socket.ReadFromAsync(new byte[16]).AsTask());
            var w = await Assert.ThrowsAsync<ObjectDisposedException>(() => socket.WriteToAsync(new byte[1], socket.LocalEndPoint).AsTask());
            Assert.Contains("use of closed network connection", w.Message);
            socket.Close(); // idempotent
        });
    }

    /// <summary>
    /// Many sockets, each with a goroutine parked on a read, closed at once by other goroutines: every read fails as
    /// closed (none hangs, none returns data) and every descriptor is released (the base class counts them).
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Close_ManyParkedReadersConcurrently_EveryReadFailsAsClosed(int procs)
    {
        using var rt = new TestRuntime(procs);
        const int sockets = 100;
        rt.Run(async () =>
        {
            var conns = Enumerable.Range(0, sockets).Select(_ => Weft.Net.ListenUdp(Loopback)).ToArray();
            var reads = conns.Select(c => Go.Spawn(async () =>
            {
                try
                {
                    await c.ReadFromAsync(new byte[8]);
                    return false;
                }
                catch (ObjectDisposedException)
                {
                    return true;
                }
            })).ToArray();
            await ConnTests.WaitForIoWaitAsync(rt.Runtime, sockets);
            var closers = Enumerable.Range(0, 4).Select(k => Go.Spawn(async () =>
            {
                await Go.Yield(); // let the closers run side by side
                for (int i = k; i < sockets; i += 4) conns[i].Close();
            })).ToArray();
            foreach (var c in closers) await c;
            foreach (var r in reads) Assert.True(await r, "a read on a closed socket did not fail as closed");
        });
    }

    [Fact]
    public void IPv6Loopback_DialAndListen_ExchangeDatagrams()
    {
        if (!Socket.OSSupportsIPv6) return; // nothing to test without IPv6
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            using var server = Weft.Net.ListenUdp("[::1]:0");
            Assert.Equal(IPAddress.IPv6Loopback, server.LocalEndPoint.Address);
            using var client = Weft.Net.DialUdp(server.LocalEndPoint);
            Assert.Equal(server.LocalEndPoint, client.RemoteEndPoint);
            await client.WriteAsync(Encoding.ASCII.GetBytes("ping6"));
            var buffer = new byte[16];
            var (n, from) = await server.ReadFromAsync(buffer);
            Assert.Equal("ping6", Encoding.ASCII.GetString(buffer, 0, n));
            Assert.Equal(client.LocalEndPoint, from);
            Assert.Equal(IPAddress.IPv6Loopback, from.Address);
            await server.WriteToAsync(Encoding.ASCII.GetBytes("pong6"), from);
            n = await client.ReadAsync(buffer);
            Assert.Equal("pong6", Encoding.ASCII.GetString(buffer, 0, n));

            // An IPv6 destination on an IPv4 socket is a mistake named at once.
            using var v4 = Weft.Net.ListenUdp(Loopback);
            var e = Assert.Throws<ArgumentException>(() => v4.WriteToAsync(new byte[1], server.LocalEndPoint));
            Assert.Contains("InterNetworkV6", e.Message);
        });
    }

    [Fact]
    public void DualStack_ListenOnIPv6Any_ReceivesFromAndAnswersIPv4()
    {
        if (!Socket.OSSupportsIPv6) return;
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            using var server = Weft.Net.ListenUdp(new IPEndPoint(IPAddress.IPv6Any, 0));
            using var client = Weft.Net.DialUdp(new IPEndPoint(IPAddress.Loopback, server.LocalEndPoint.Port));
            await client.WriteAsync(new byte[] { 4 });
            var (n, from) = await server.ReadFromAsync(new byte[4]);
            Assert.Equal(1, n);
            Assert.True(from.Address.IsIPv4MappedToIPv6, $"sender {from}");
            Assert.Equal(client.LocalEndPoint.Port, from.Port);
            // A plain IPv4 destination is mapped for the IPv6 socket.
            await server.WriteToAsync(new byte[] { 6 }, client.LocalEndPoint);
            var buffer = new byte[4];
            Assert.Equal(1, await client.ReadAsync(buffer));
            Assert.Equal(6, buffer[0]);
        });
    }

    /// <summary>
    /// A connected socket that sent to a port nobody listens on gets the ICMP "port unreachable" as "connection
    /// refused" on its next read, as Go reports it; the socket stays usable, and once someone listens it works.
    /// </summary>
    [Fact]
    public void Connected_PeerPortClosed_ReadFailsWithConnectionRefused_ThenTheSocketStillWorks()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            IPEndPoint closed;
            using (var probe = Weft.Net.ListenUdp(Loopback)) closed = probe.LocalEndPoint;
            using var client = Weft.Net.DialUdp(closed);
            Assert.True(client.IsConnected);
            await client.WriteAsync(new byte[] { 1 });
            client.SetReadDeadlineAfter(DatagramGuard);
            var e = await Assert.ThrowsAsync<SocketException>(() => client.ReadAsync(new byte[4]).AsTask());
            Assert.Equal(SocketError.ConnectionRefused, e.SocketErrorCode);
            Assert.Contains($"read udp {client.LocalEndPoint}->{closed}", e.Message);
            Assert.Contains("refused", e.Message, StringComparison.OrdinalIgnoreCase);

            using var peer = Weft.Net.ListenUdp(closed); // the same port, now listening
            await client.WriteAsync(new byte[] { 2 });
            var buffer = new byte[4];
            peer.SetReadDeadlineAfter(DatagramGuard);
            var (n, from) = await peer.ReadFromAsync(buffer);
            Assert.Equal((1, client.LocalEndPoint), (n, from));
            Assert.Equal(2, buffer[0]);
            await peer.WriteToAsync(new byte[] { 3 }, from);
            Assert.Equal(1, await client.ReadAsync(buffer));
            Assert.Equal(3, buffer[0]);
        });
    }

    [Fact]
    public void Connected_OnlyThePeersDatagramsArrive()
    {
        WithPair(async (rt, server, client) =>
        {
            using var stranger = Weft.Net.ListenUdp(Loopback);
            await stranger.WriteToAsync(new byte[] { 66 }, client.LocalEndPoint); // filtered out by the connected socket
            await server.WriteToAsync(new byte[] { 7 }, client.LocalEndPoint);
            client.SetReadDeadlineAfter(DatagramGuard);
            var buffer = new byte[4];
            var (n, from) = await client.ReadFromAsync(buffer);
            Assert.Equal((1, server.LocalEndPoint), (n, from));
            Assert.Equal(7, buffer[0]);
        });
    }

    /// <summary>
    /// Every P is kept busy by goroutines that yield in a loop; a goroutine parked on a UDP read must still be woken
    /// (by sysmon's backstop poll) when a datagram arrives from a plain .NET thread.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Readiness_IsSeen_WhileEveryPIsBusy(int procs)
    {
        using var rt = new TestRuntime(procs, detectDeadlocks: false);
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        rt.Run(async () =>
        {
            using var socket = Weft.Net.ListenUdp(Loopback);
            int n = await NetpollSchedulingTests.ReadWhileEveryPIsBusyAsync(
                rt.Runtime, procs, () => socket.ReadAsync(new byte[8]), () => peer.SendToAsync(new byte[] { 1, 2, 3 }, socket.LocalEndPoint));
            Assert.Equal(3, n);
        });
    }

    /// <summary>A goroutine waiting for a datagram may be woken by the network: that is no deadlock (as in Go).</summary>
    [Fact]
    public void DeadlockDetection_DoesNotFire_WhileAGoroutineWaitsForADatagram()
    {
        using var rt = new TestRuntime(2, detectDeadlocks: true);
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var endpoint = new TaskCompletionSource<IPEndPoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = rt.Runtime.RunAsync(async () =>
        {
            using var socket = Weft.Net.ListenUdp(Loopback);
            endpoint.SetResult(socket.LocalEndPoint);
            return (await socket.ReadFromAsync(new byte[4])).Count;
        });
        Assert.True(endpoint.Task.Wait(TestRuntime.HangGuard));

        // Everything is parked; the only goroutine waits for the network. Give the detector several grace periods.
        NetpollSchedulingTests.AssertNoDeadlockWhileWaitingOnTheNetwork(rt, run);
        peer.SendTo(new byte[] { 1, 2 }, endpoint.Task.Result);
        TestRuntime.WaitWithHangGuard(run);
        Assert.Equal(2, run.Result);
    }

    [Fact]
    public void Write_DatagramLargerThanUdpAllows_FailsWithMessageTooLong()
    {
        WithPair(async (rt, server, client) =>
        {
            var e = await Assert.ThrowsAsync<SocketException>(() => client.WriteAsync(new byte[70_000]).AsTask());
            Assert.Equal(SocketError.MessageSize, e.SocketErrorCode);
            Assert.Contains("message too long", e.Message, StringComparison.OrdinalIgnoreCase);
            Assert.Contains($"write udp {client.LocalEndPoint}->{server.LocalEndPoint}", e.Message);

            var e2 = await Assert.ThrowsAsync<SocketException>(() => server.WriteToAsync(new byte[70_000], client.LocalEndPoint).AsTask());
            Assert.Equal(SocketError.MessageSize, e2.SocketErrorCode);
            Assert.Contains($"write udp {server.LocalEndPoint}->{client.LocalEndPoint}", e2.Message);

            // The largest datagram IPv4 allows goes through whole.
            var largest = new byte[65_507];
            new Random(3).NextBytes(largest);
            Assert.Equal(largest.Length, await client.WriteAsync(largest));
            var buffer = new byte[70_000];
            var (n, from, truncated) = await server.ReadFromAsync(buffer);
            Assert.Equal((largest.Length, client.LocalEndPoint, false), (n, from, truncated));
            Assert.True(largest.AsSpan().SequenceEqual(buffer.AsSpan(0, n)));
        });
    }

    [Fact]
    public void Misuse_IsNamedAtOnce()
    {
        WithPair(async (rt, server, client) =>
        {
            Assert.Contains("pre-connected", Assert.Throws<InvalidOperationException>(() => client.WriteToAsync(new byte[1], server.LocalEndPoint)).Message);
            Assert.Contains("destination address required", Assert.Throws<InvalidOperationException>(() => server.WriteAsync(new byte[1])).Message);
            Assert.Throws<ArgumentNullException>(() => server.WriteToAsync(new byte[1], null!));
            Assert.Throws<ArgumentException>(() => Weft.Net.DialUdp(server.LocalEndPoint, Loopback6));
            Assert.Throws<FormatException>(() => Weft.Net.ListenUdp("nonsense"));

            var first = Go.Spawn(async () => await server.ReadFromAsync(new byte[1]));
            await ConnTests.WaitForIoWaitAsync(rt.Runtime);
            var e = await Assert.ThrowsAsync<InvalidOperationException>(() => server.ReadFromAsync(new byte[1]).AsTask());
            Assert.Contains("already in progress", e.Message);
            await client.WriteAsync(new byte[] { 1 });
            Assert.Equal(1, (await first).Count);
        });
    }

    [Fact]
    public void Listen_AddressInUse_FailsClearlyAndLeaksNothing()
    {
        using var first = Weft.Net.ListenUdp(Loopback);
        var e = Assert.Throws<SocketException>(() => Weft.Net.ListenUdp(first.LocalEndPoint));
        Assert.Equal(SocketError.AddressAlreadyInUse, e.SocketErrorCode);
        Assert.Contains(first.LocalEndPoint.ToString(), e.Message);
    }

    [Fact]
    public async Task OutsideGoroutines_ReadParksAndResumesWhenADatagramArrives()
    {
        using var server = Weft.Net.ListenUdp(Loopback);
        using var client = Weft.Net.DialUdp(server.LocalEndPoint);
        var read = server.ReadFromAsync(new byte[8]).AsTask(); // nothing sent yet: it waits
        await client.WriteAsync(Encoding.ASCII.GetBytes("plain"));
        var (n, from) = await read.WaitAsync(DatagramGuard);
        Assert.Equal(5, n);
        Assert.Equal(client.LocalEndPoint, from);
    }
}
