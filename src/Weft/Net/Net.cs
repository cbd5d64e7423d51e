using System.Net;
using System.Net.Sockets;
using Weft.Netpoll;
using Weft.Scheduling;

namespace Weft;

/// <summary>
/// Go's <c>net</c> package for TCP — <see cref="Listen(string, int)"/> and <see cref="DialAsync(string, TimeSpan?, CancellationToken)"/> —
/// and UDP — <see cref="ListenUdp(IPEndPoint)"/> and <see cref="DialUdp"/>.
/// On Linux, sockets live on the runtime's epoll netpoller: a goroutine waiting for the network is parked
/// (<c>IO wait</c>) and no thread blocks for it. Elsewhere the same API runs on .NET's async sockets.
/// </summary>
public static class Net
{
    /// <summary>The default listen backlog (Linux caps it at <c>net.core.somaxconn</c>).</summary>
    public const int DefaultBacklog = 4096;

    /// <summary>
    /// True when sockets use Weft's epoll netpoller (Linux x64/arm64, unless the environment variable
    /// <c>WEFT_NETPOLL=off</c> asks for .NET's sockets).
    /// </summary>
    public static bool UsesNetpoller { get; internal set; } =
        Netpoller.IsSupported && !string.Equals(Environment.GetEnvironmentVariable("WEFT_NETPOLL"), "off", StringComparison.OrdinalIgnoreCase);

    /// <summary>Listens for TCP connections on <paramref name="endpoint"/> (port 0 picks a free port; see <see cref="TcpListener.LocalEndPoint"/>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="endpoint"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="backlog"/> is not positive.</exception>
    /// <exception cref="SocketException">The address is in use or cannot be bound.</exception>
    public static TcpListener Listen(IPEndPoint endpoint, int backlog = DefaultBacklog)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (backlog <= 0) throw new ArgumentOutOfRangeException(nameof(backlog), backlog, "Net.Listen: the backlog must be positive.");
        var backend = UsesNetpoller
            ? EpollSockets.Listen(GoRuntime.CurrentOrDefault.Scheduler, endpoint, backlog)
            : new SocketListener(endpoint, backlog);
        return new TcpListener(backend);
    }

    /// <summary>
    /// Listens on an address in Go's form: <c>"127.0.0.1:8080"</c>, <c>"[::1]:0"</c>, <c>":8080"</c> (every
    /// interface), <c>"localhost:8080"</c>.
    /// </summary>
    /// <exception cref="FormatException">The address is not <c>host:port</c>.</exception>
    public static TcpListener Listen(string address, int backlog = DefaultBacklog) =>
        Listen(ListenEndPoint(address, "Net.Listen"), backlog);

    /// <summary>A listen address in Go's form as an endpoint: an empty host is every interface (dual stack).</summary>
    private static IPEndPoint ListenEndPoint(string address, string method)
    {
        var (host, port) = SplitHostPort(address, nameof(address));
        IPAddress ip = host.Length == 0 ? (Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any)
            : host == "localhost" ? IPAddress.Loopback
            : IPAddress.TryParse(host, out var parsed) ? parsed
            : throw new FormatException($"{method}: \"{address}\": the host must be an IP address, \"localhost\" or empty.");
        return new IPEndPoint(ip, port);
    }

    /// <summary>
    /// Opens an unconnected UDP socket bound to <paramref name="endpoint"/> (Go's <c>net.ListenUDP</c>; port 0 picks
    /// a free port, see <see cref="UdpConn.LocalEndPoint"/>): it receives datagrams from anyone
    /// (<see cref="UdpConn.ReadFromAsync"/>) and sends to any address (<see cref="UdpConn.WriteToAsync"/>).
    /// <see cref="IPAddress.IPv6Any"/> receives both families (dual stack).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="endpoint"/> is null.</exception>
    /// <exception cref="SocketException">The address is in use or cannot be bound.</exception>
    public static UdpConn ListenUdp(IPEndPoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return OpenUdp(endpoint, null, "listen udp");
    }

    /// <summary>Opens an unconnected UDP socket on an address in Go's form (<c>"127.0.0.1:0"</c>, <c>"[::1]:5353"</c>, <c>":9000"</c>).</summary>
    /// <exception cref="FormatException">The address is not <c>host:port</c>.</exception>
    /// <exception cref="SocketException">The address is in use or cannot be bound.</exception>
    public static UdpConn ListenUdp(string address) => ListenUdp(ListenEndPoint(address, "Net.ListenUdp"));

    /// <summary>
    /// Opens a UDP socket connected to <paramref name="remote"/> (Go's <c>net.DialUDP</c>), bound to
    /// <paramref name="local"/> or to a free port: <see cref="UdpConn.WriteAsync"/> sends to the peer,
    /// <see cref="UdpConn.ReadAsync"/> receives only the peer's datagrams, and an ICMP "port unreachable" for an
    /// earlier datagram surfaces as <see cref="SocketError.ConnectionRefused"/> on the next operation. Nothing is sent
    /// to connect, so this does not wait.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="remote"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="local"/> and <paramref name="remote"/> are of different families.</exception>
    /// <exception cref="SocketException">The local address cannot be bound, or the remote one is unreachable.</exception>
    public static UdpConn DialUdp(IPEndPoint remote, IPEndPoint? local = null)
    {
        ArgumentNullException.ThrowIfNull(remote);
        if (local is not null && local.AddressFamily != remote.AddressFamily)
            throw new ArgumentException($"Net.DialUdp: the local address {local} and the remote {remote} are of different families.", nameof(local));
        return OpenUdp(local, remote, "dial udp");
    }

    private static UdpConn OpenUdp(IPEndPoint? local, IPEndPoint? remote, string op)
    {
        PacketBackend backend = UsesNetpoller
            ? EpollUdpConn.Open(GoRuntime.CurrentOrDefault.Scheduler, local, remote, op)
            : SocketUdpConn.Open(local, remote, op);
        return new UdpConn(backend);
    }

    /// <summary>
    /// Connects to <paramref name="remote"/>. With <paramref name="timeout"/>, fails with
    /// <see cref="DeadlineExceededException"/> when the connection is not established in time.
    /// </summary>
    /// <exception cref="SocketException">The connection was refused or the network is unreachable.</exception>
    public static GoTask<TcpConn> DialAsync(IPEndPoint remote, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(remote);
        long deadline = 0;
        DateTime? wall = null;
        if (timeout is { } t)
        {
            if (t <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), t, "Net.DialAsync: the timeout must be positive.");
            deadline = Clock.Now + Math.Min(t.Ticks, long.MaxValue / 200) * 100;
            wall = DateTime.UtcNow + t;
        }

        return DialCore(remote, deadline, new DialTarget(remote, wall), cancellationToken);
    }

    /// <summary>Connects to <c>"host:port"</c>, resolving the host name first.</summary>
    /// <exception cref="FormatException">The address is not <c>host:port</c>.</exception>
    public static async GoTask<TcpConn> DialAsync(string address, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var (host, port) = SplitHostPort(address, nameof(address));
        if (!IPAddress.TryParse(host, out var ip))
        {
            var addresses = await Dns.GetHostAddressesAsync(host.Length == 0 ? "localhost" : host, cancellationToken);
            ip = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
                ?? throw new SocketException((int)SocketError.HostNotFound, $"dial tcp {address}: no such host");
        }

        return await DialAsync(new IPEndPoint(ip, port), timeout, cancellationToken);
    }

    private static async GoTask<TcpConn> DialCore(IPEndPoint remote, long deadline, DialTarget target, CancellationToken ct)
    {
        var backend = UsesNetpoller
            ? await EpollSockets.DialAsync(GoRuntime.CurrentOrDefault.Scheduler, remote, deadline, ct, target)
            : await SocketConn.DialAsync(remote, deadline, ct, target);
        return new TcpConn(backend);
    }

    /// <summary>Splits Go's <c>host:port</c> (IPv6 hosts in brackets).</summary>
    internal static (string Host, int Port) SplitHostPort(string address, string paramName)
    {
        ArgumentNullException.ThrowIfNull(address, paramName);
        int colon = address.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(address.AsSpan(colon + 1), out int port) || port is < 0 or > 65535)
            throw new FormatException($"Weft.Net: \"{address}\" is not host:port (for example \"127.0.0.1:8080\" or \":8080\").");
        string host = address[..colon];
        if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
        return (host, port);
    }

    /// <summary>How a dial names itself in errors.</summary>
    private sealed class DialTarget(IPEndPoint remote, DateTime? deadline) : INetDescribed
    {
        public string Describe() => $"tcp {remote}";

        public DateTime? DeadlineOf(IoMode mode) => deadline;
    }
}
