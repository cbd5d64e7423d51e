using System.Net;
using System.Net.Sockets;
using Weft.Lab.Measurement;

namespace Weft.Lab.Workloads;

/// <summary>
/// <c>udp</c>: UDP echo on loopback. One server socket echoes every datagram to its sender; <see cref="Clients"/>
/// clients, each with its own connected socket, send a <see cref="PayloadBytes"/>-byte datagram and wait for its echo,
/// N round trips in all (200,000; two datagrams each). Figure: <c>roundtrips_per_s</c>. <c>weft</c>: goroutines on
/// Weft.Net (<c>ReadFromAsync</c>/<c>WriteToAsync</c> on the server, <c>WriteAsync</c>/<c>ReadAsync</c> on the clients;
/// the epoll netpoller on Linux); <c>tasks</c>: the same shape with Tasks on .NET's <see cref="Socket"/>
/// (<c>ReceiveFromAsync</c>/<c>SendToAsync</c>, <c>SendAsync</c>/<c>ReceiveAsync</c>). Each client keeps one datagram
/// in flight, so loopback loses nothing; every model checks that each echo is its own datagram and that the server
/// echoed exactly N.
/// </summary>
public sealed class UdpWorkload : Workload
{
    /// <summary>Client sockets, each its own goroutine or task.</summary>
    public const int Clients = 16;

    /// <summary>Bytes per datagram.</summary>
    public const int PayloadBytes = 64;

    private static readonly IPEndPoint Loopback = new(IPAddress.Loopback, 0);

    /// <inheritdoc />
    public override string Name => "udp";

    /// <inheritdoc />
    public override string Description => "UDP echo on loopback: 16 clients, one datagram in flight each, 200,000 round trips";

    /// <inheritdoc />
    public override IReadOnlyList<FigureSpec> Figures { get; } = [new("roundtrips_per_s", "round trips/s", false, "echo round trips per second")];

    /// <inheritdoc />
    public override IReadOnlyList<string> Models { get; } = [Lab.Workloads.Models.Weft, Lab.Workloads.Models.Tasks];

    /// <inheritdoc />
    public override long DefaultSize => 200_000;

    /// <inheritdoc />
    public override long QuickSize => 20_000;

    /// <inheritdoc />
    public override string SizeUnit => "round trips";

    /// <inheritdoc />
    public override long NormalizeSize(long size) => Math.Max(Clients, size);

    /// <inheritdoc />
    protected override Outcome RunModel(string model, long size)
    {
        int n = (int)size;
        var timed = model switch
        {
            Lab.Workloads.Models.Weft => LabRuntime.Time(lab => Weft(lab, n)),
            Lab.Workloads.Models.Tasks => Measure.Time(() => Tasks(n)),
            _ => throw new ArgumentOutOfRangeException(nameof(model)),
        };
        if (timed.Value != n) throw new InvalidOperationException($"udp: {timed.Value} round trips, expected {n}");
        return Outcome.Of("roundtrips_per_s", n / (timed.Nanoseconds / 1e9));
    }

    /// <summary>Client <paramref name="c"/>'s share of <paramref name="n"/> round trips.</summary>
    private static int Share(int n, int c) => n / Clients + (c < n % Clients ? 1 : 0);

    /// <summary>Checks that an echo is the datagram just sent (its length and sequence byte).</summary>
    private static void CheckEcho(int got, byte[] reply, int round)
    {
        if (got != PayloadBytes || reply[0] != (byte)round)
            throw new InvalidOperationException($"udp: round {round} got {got} bytes starting {reply[0]}");
    }

    /// <summary>Goroutines on Weft.Net; returns the round trips the server echoed (the <c>weft</c> model, on <paramref name="lab"/>).</summary>
    public static long Weft(LabRuntime lab, int n) => lab.Run(async () =>
    {
        using var server = global::Weft.Net.ListenUdp(Loopback);
        var echo = Go.Spawn(async () =>
        {
            var buffer = new byte[2048];
            long echoed = 0;
            try
            {
                while (true)
                {
                    var (got, from) = await server.ReadFromAsync(buffer);
                    echoed++;
                    await server.WriteToAsync(buffer.AsMemory(0, got), from);
                }
            }
            catch (ObjectDisposedException)
            {
                return echoed; // closed once every client is done
            }
        });

        var clients = new GoTask[Clients];
        for (int c = 0; c < Clients; c++)
        {
            int rounds = Share(n, c);
            clients[c] = Go.Spawn(async () =>
            {
                using var conn = global::Weft.Net.DialUdp(server.LocalEndPoint);
                var payload = new byte[PayloadBytes];
                var reply = new byte[PayloadBytes * 2];
                for (int i = 0; i < rounds; i++)
                {
                    payload[0] = (byte)i;
                    await conn.WriteAsync(payload);
                    CheckEcho(await conn.ReadAsync(reply), reply, i);
                }
            });
        }

        foreach (var c in clients) await c;
        server.Close();
        return await echo;
    });

    /// <summary>Tasks on .NET's <see cref="Socket"/>; returns the round trips the server echoed (the <c>tasks</c> model).</summary>
    public static long Tasks(int n)
    {
        var run = Task.Run(async () =>
        {
            using var server = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            server.Bind(Loopback);
            var echo = Task.Run(async () =>
            {
                var buffer = new byte[2048];
                EndPoint any = new IPEndPoint(IPAddress.Any, 0);
                long echoed = 0;
                try
                {
                    while (true)
                    {
                        var received = await server.ReceiveFromAsync(buffer, SocketFlags.None, any);
                        echoed++;
                        await server.SendToAsync(buffer.AsMemory(0, received.ReceivedBytes), SocketFlags.None, received.RemoteEndPoint);
                    }
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
                {
                    return echoed; // closed once every client is done
                }
            });

            var clients = new Task[Clients];
            for (int c = 0; c < Clients; c++)
            {
                int rounds = Share(n, c);
                clients[c] = Task.Run(async () =>
                {
                    using var conn = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                    conn.Connect(server.LocalEndPoint!);
                    var payload = new byte[PayloadBytes];
                    var reply = new byte[PayloadBytes * 2];
                    for (int i = 0; i < rounds; i++)
                    {
                        payload[0] = (byte)i;
                        await conn.SendAsync(payload, SocketFlags.None);
                        CheckEcho(await conn.ReceiveAsync(reply, SocketFlags.None), reply, i);
                    }
                });
            }

            await Task.WhenAll(clients);
            server.Close();
            return await echo;
        });
        if (!run.Wait(LabRuntime.HangGuard)) throw new TimeoutException($"the tasks run did not finish within {LabRuntime.HangGuard.TotalSeconds:0} s");
        return run.Result;
    }
}
