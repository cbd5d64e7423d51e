using System.Net;
using System.Net.Sockets;
using Weft.Netpoll;

namespace Weft;

/// <summary>
/// A UDP socket (Go's <c>net.UDPConn</c>): unconnected from <see cref="Net.ListenUdp(IPEndPoint)"/> (reads datagrams
/// from anyone, writes to any address with <see cref="WriteToAsync"/>), or connected to one peer from
/// <see cref="Net.DialUdp"/> (<see cref="ReadAsync"/>/<see cref="WriteAsync"/>; only that peer's datagrams arrive).
/// One reader and one writer may work at the same time; each direction takes one operation at a time. A goroutine
/// waiting for a datagram is parked in <c>IO wait</c>; no thread blocks for it.
/// </summary>
/// <remarks>
/// <para>Each read returns exactly one datagram. A datagram longer than the buffer is truncated as in Go: the buffer
/// is filled, the rest of the datagram is discarded, and no error is thrown (<see cref="UdpReadResult.Truncated"/>
/// says so). A read of 0 bytes is an empty datagram, not an end of stream: UDP has none.</para>
/// <para>Deadlines, <c>Close</c> and <c>Dispose</c> are <see cref="NetConn"/>'s, with TCP's semantics: a passed read
/// deadline fails the pending read and every later one until it is moved.</para>
/// </remarks>
public sealed class UdpConn : NetConn
{
    private readonly PacketBackend _backend;

    internal UdpConn(PacketBackend backend)
    {
        _backend = backend;
        LocalEndPoint = backend.LocalEndPoint;
        RemoteEndPoint = backend.RemoteEndPoint;
    }

    /// <summary>This side's address (the port the system picked when bound to port 0).</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The connected peer (<see cref="Net.DialUdp"/>), or null for an unconnected socket.</summary>
    public IPEndPoint? RemoteEndPoint { get; }

    /// <summary>True for a socket connected to one peer by <see cref="Net.DialUdp"/>.</summary>
    public bool IsConnected => RemoteEndPoint is not null;

    /// <summary>
    /// Receives one datagram into <paramref name="buffer"/> and says who sent it (Go's <c>ReadFrom</c>). Tries the
    /// system call first and parks only when no datagram is queued. A longer datagram is truncated (see the remarks
    /// on the type); an empty buffer consumes one datagram and reports it truncated unless it was empty.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The socket is closed ("use of closed network connection").</exception>
    /// <exception cref="DeadlineExceededException">The read deadline passed (the message names it).</exception>
    /// <exception cref="SocketException">
    /// On a connected socket, <see cref="SocketError.ConnectionRefused"/> when an earlier datagram to the peer was
    /// answered by ICMP "port unreachable" (nobody listens there), as Go reports it; the socket stays usable.
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <exception cref="InvalidOperationException">Another read is in progress on this socket.</exception>
    public GoTask<UdpReadResult> ReadFromAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _backend.ReceiveAsync(buffer, cancellationToken, this);

    /// <summary>
    /// Receives one datagram into <paramref name="buffer"/> and returns its length (truncated to the buffer, see the
    /// remarks on the type) — Go's <c>Read</c>. Meant for connected sockets; on an unconnected one it reads from
    /// anyone (use <see cref="ReadFromAsync"/> to learn who).
    /// </summary>
    /// <exception cref="ObjectDisposedException">The socket is closed.</exception>
    /// <exception cref="DeadlineExceededException">The read deadline passed.</exception>
    /// <exception cref="SocketException">Connection refused (see <see cref="ReadFromAsync"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <exception cref="InvalidOperationException">Another read is in progress on this socket.</exception>
    public async GoTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        (await _backend.ReceiveAsync(buffer, cancellationToken, this)).Count;

    /// <summary>
    /// Sends <paramref name="buffer"/> as one datagram to <paramref name="remote"/> (Go's <c>WriteTo</c>) and returns
    /// its length. On an IPv6 socket an IPv4 address is sent IPv4-mapped (dual stack).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="remote"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="remote"/> is IPv6 and this socket IPv4.</exception>
    /// <exception cref="InvalidOperationException">
    /// The socket is connected (Go's "use of WriteTo with pre-connected connection": use <see cref="WriteAsync"/>),
    /// or another write is in progress.
    /// </exception>
    /// <exception cref="ObjectDisposedException">The socket is closed.</exception>
    /// <exception cref="DeadlineExceededException">The write deadline passed.</exception>
    /// <exception cref="SocketException">
    /// <see cref="SocketError.MessageSize"/> ("message too long") for a datagram larger than UDP allows (65,507 bytes
    /// over IPv4), or another failure of the system call.
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public GoTask<int> WriteToAsync(ReadOnlyMemory<byte> buffer, IPEndPoint remote, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(remote);
        if (IsConnected)
            throw new InvalidOperationException(
                $"write {Describe()}: use of WriteTo with pre-connected connection (this socket was dialed to {RemoteEndPoint}: use WriteAsync).");
        return _backend.SendAsync(buffer, ForThisFamily(remote), cancellationToken, this);
    }

    /// <summary>Sends <paramref name="buffer"/> as one datagram to the connected peer (Go's <c>Write</c>) and returns its length.</summary>
    /// <exception cref="InvalidOperationException">
    /// The socket is not connected (Go's "destination address required": use <see cref="WriteToAsync"/>, or
    /// <see cref="Net.DialUdp"/>), or another write is in progress.
    /// </exception>
    /// <exception cref="ObjectDisposedException">The socket is closed.</exception>
    /// <exception cref="DeadlineExceededException">The write deadline passed.</exception>
    /// <exception cref="SocketException">
    /// <see cref="SocketError.MessageSize"/> for a datagram too large, or <see cref="SocketError.ConnectionRefused"/>
    /// when an earlier datagram to the peer was refused (see <see cref="ReadFromAsync"/>).
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public GoTask<int> WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!IsConnected)
            throw new InvalidOperationException(
                $"write {Describe()}: destination address required (this socket is not connected: use WriteToAsync, or Net.DialUdp).");
        return _backend.SendAsync(buffer, null, cancellationToken, this);
    }

    /// <summary>The destination in this socket's address family: IPv4 mapped for an IPv6 socket; a clear error for IPv6 on IPv4.</summary>
    private IPEndPoint ForThisFamily(IPEndPoint remote)
    {
        if (remote.AddressFamily == LocalEndPoint.AddressFamily) return remote;
        if (LocalEndPoint.AddressFamily == AddressFamily.InterNetworkV6 && remote.AddressFamily == AddressFamily.InterNetwork)
            return new IPEndPoint(remote.Address.MapToIPv6(), remote.Port);
        if (remote.Address.IsIPv4MappedToIPv6) return new IPEndPoint(remote.Address.MapToIPv4(), remote.Port);
        throw new ArgumentException(
            $"write {Describe()}: cannot send to {remote} ({remote.AddressFamily}) from an {LocalEndPoint.AddressFamily} socket; listen on an IPv6 address (\"[::]:0\") for both families.",
            nameof(remote));
    }

    /// <summary>Closes the socket; pending operations fail with <see cref="ObjectDisposedException"/>. Idempotent.</summary>
    public override void Close() => _backend.Close();

    private protected override void ApplyDeadline(long when, bool read, bool write) => _backend.SetDeadline(when, read, write);

    /// <summary>Go's spelling: "udp 127.0.0.1:5000" unconnected, "udp 127.0.0.1:5000->127.0.0.1:6000" connected.</summary>
    internal override string Describe() => RemoteEndPoint is null ? $"udp {LocalEndPoint}" : $"udp {LocalEndPoint}->{RemoteEndPoint}";

    /// <inheritdoc />
    public override string ToString() => RemoteEndPoint is null ? $"UdpConn({LocalEndPoint})" : $"UdpConn({LocalEndPoint}->{RemoteEndPoint})";
}
