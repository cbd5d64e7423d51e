using System.Net;
using System.Net.Sockets;

namespace Weft.Netpoll;

/// <summary>
/// The fallback UDP socket where the epoll netpoller does not exist (macOS, Windows, or <c>WEFT_NETPOLL=off</c>):
/// .NET's async datagram calls, with Go's deadlines emulated by cancellation (<see cref="SocketDeadline"/>, as for
/// TCP) and the same results and errors as <see cref="EpollUdpConn"/>.
/// </summary>
/// <remarks>
/// Truncation: .NET reports a datagram longer than the buffer differently per platform (an exception on Windows, a
/// silent cut elsewhere), so a read into a buffer that could be too small receives into a per-socket 64 KiB scratch
/// buffer (one read at a time, so one is enough) and copies; that gives the real length everywhere. Closing disposes
/// the socket at once: unlike TCP there is no peer to see an abortive close.
/// </remarks>
internal sealed class SocketUdpConn : PacketBackend
{
    /// <summary>No UDP datagram is longer (65,535 minus the 8-byte UDP header, IPv6 without jumbograms).</summary>
    private const int MaxDatagram = 65_527;

    private readonly Socket _socket;
    private readonly SocketDeadline _read = new(), _write = new();
    private readonly CancellationTokenSource _closing = new();
    private volatile bool _closed;

    /// <summary>1 while a read (a write) is in flight: one reader and one writer at a time, as on the netpoller. Interlocked.</summary>
    private int _reading, _writing;

    /// <summary>Scratch for reads into small buffers; used only by the one read in flight.</summary>
    private byte[]? _scratch;

    /// <summary>What ReceiveFromAsync is told to expect (its family must match the socket's).</summary>
    private readonly IPEndPoint _anySender;

    private SocketUdpConn(Socket socket, IPEndPoint? remote)
    {
        _socket = socket;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        RemoteEndPoint = remote;
        _anySender = new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
    }

    internal override IPEndPoint LocalEndPoint { get; }

    internal override IPEndPoint? RemoteEndPoint { get; }

    /// <summary>A bound (and, with <paramref name="remote"/>, connected) UDP socket. Disposed on every failure.</summary>
    internal static SocketUdpConn Open(IPEndPoint? local, IPEndPoint? remote, string op)
    {
        var family = (local ?? remote)!.AddressFamily;
        var socket = new Socket(family, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.EnableBroadcast = true; // Go's default for datagram sockets
            if (local is not null && local.Address.Equals(IPAddress.IPv6Any)) socket.DualMode = true;
            // Windows reports an ICMP "port unreachable" for an earlier send as a reset on the next receive of an
            // unconnected socket; Go turns that off (SIO_UDP_CONNRESET), and so do we.
            if (OperatingSystem.IsWindows() && remote is null) socket.IOControl(unchecked((int)0x9800000C), new byte[4], null);
            if (local is not null) socket.Bind(local);
            if (remote is not null) socket.Connect(remote); // binds a free port first when no local address was given
            return new SocketUdpConn(socket, remote);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new SocketException((int)e.SocketErrorCode, $"{op} {local ?? remote}: {e.Message}");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    internal override async GoTask<UdpReadResult> ReceiveAsync(Memory<byte> buffer, CancellationToken ct, UdpConn owner)
    {
        Check(_read, IoMode.Read, ct, "read", owner);
        if (Interlocked.Exchange(ref _reading, 1) != 0) throw NetErrors.Concurrent("read", owner.Describe());
        try
        {
            var target = buffer.Length >= MaxDatagram ? buffer : (_scratch ??= new byte[MaxDatagram]);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _read.Token, _closing.Token);
            int length;
            IPEndPoint sender;
            if (RemoteEndPoint is { } peer)
            {
                length = await _socket.ReceiveAsync(target, SocketFlags.None, linked.Token);
                sender = peer;
            }
            else
            {
                var result = await _socket.ReceiveFromAsync(target, SocketFlags.None, _anySender, linked.Token);
                (length, sender) = (result.ReceivedBytes, (IPEndPoint)result.RemoteEndPoint);
            }

            bool truncated = length > buffer.Length;
            int count = truncated ? buffer.Length : length;
            if (!target.Equals(buffer)) target.Span[..count].CopyTo(buffer.Span);
            return new UdpReadResult(count, sender, truncated);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            throw Translate(e, _read, IoMode.Read, ct, "read", owner, null);
        }
        finally
        {
            Volatile.Write(ref _reading, 0);
        }
    }

    internal override async GoTask<int> SendAsync(ReadOnlyMemory<byte> buffer, IPEndPoint? to, CancellationToken ct, UdpConn owner)
    {
        Check(_write, IoMode.Write, ct, "write", owner);
        if (Interlocked.Exchange(ref _writing, 1) != 0) throw NetErrors.Concurrent("write", owner.Describe());
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _write.Token, _closing.Token);
            return to is null
                ? await _socket.SendAsync(buffer, SocketFlags.None, linked.Token)
                : await _socket.SendToAsync(buffer, SocketFlags.None, to, linked.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            throw Translate(e, _write, IoMode.Write, ct, "write", owner, to);
        }
        finally
        {
            Volatile.Write(ref _writing, 0);
        }
    }

    /// <summary>Fails before the call when it cannot go on: closed, deadline passed, canceled.</summary>
    private void Check(SocketDeadline deadline, IoMode mode, CancellationToken ct, string op, UdpConn owner)
    {
        if (_closed) throw NetErrors.Closed(op, owner.Describe());
        if (deadline.Expired) throw NetErrors.Timeout(op, owner.Describe(), ((INetDescribed)owner).DeadlineOf(mode));
        ct.ThrowIfCancellationRequested();
    }

    /// <summary>Why a call failed, in the netpoller's terms: closed first, then the caller's token, the deadline, the kernel.</summary>
    private Exception Translate(Exception e, SocketDeadline deadline, IoMode mode, CancellationToken ct, string op, UdpConn owner, IPEndPoint? to)
    {
        if (_closed) return NetErrors.Closed(op, owner.Describe());
        if (ct.IsCancellationRequested) return new OperationCanceledException(ct);
        if (deadline.Expired) return NetErrors.Timeout(op, owner.Describe(), ((INetDescribed)owner).DeadlineOf(mode));
        string where = to is null ? owner.Describe() : $"udp {LocalEndPoint}->{to}";
        if (e is SocketException se) return new SocketException((int)se.SocketErrorCode, $"{op} {where}: {se.Message}");
        return e;
    }

    internal override void Close()
    {
        lock (_closing)
        {
            if (_closed) return;
            _closed = true;
        }

        _closing.Cancel(); // pending operations end as "closed" (Translate checks _closed first)
        _socket.Dispose();
    }

    internal override void SetDeadline(long when, bool read, bool write)
    {
        if (read) _read.Set(when);
        if (write) _write.Set(when);
    }
}
