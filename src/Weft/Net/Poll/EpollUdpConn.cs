using System.Net;
using Weft.Scheduling;

namespace Weft.Netpoll;

/// <summary>
/// A UDP socket on the netpoller: non-blocking, registered once like a TCP connection and sharing its
/// <see cref="PollDesc"/> machinery (slots, deadlines, close); recvfrom/sendto first, park (<c>IO wait</c>) on EAGAIN.
/// </summary>
internal sealed class EpollUdpConn : PacketBackend
{
    private readonly PollDesc _pd;

    private EpollUdpConn(PollDesc pd, IPEndPoint local, IPEndPoint? remote)
    {
        _pd = pd;
        LocalEndPoint = local;
        RemoteEndPoint = remote;
    }

    internal override IPEndPoint LocalEndPoint { get; }

    internal override IPEndPoint? RemoteEndPoint { get; }

    /// <summary>
    /// A bound (and, with <paramref name="remote"/>, connected) UDP socket registered with the scheduler's poller.
    /// A UDP connect only records the peer, so it never waits. The descriptor is closed on every failure.
    /// </summary>
    internal static unsafe EpollUdpConn Open(Scheduler scheduler, IPEndPoint? local, IPEndPoint? remote, string op)
    {
        var family = (local ?? remote)!.AddressFamily;
        var handle = EpollSockets.NewSocket(family, Libc.SOCK_DGRAM);
        try
        {
            int fd = handle.Fd;
            Libc.SetIntOption(fd, Libc.SOL_SOCKET, Libc.SO_BROADCAST, 1); // Go's default for datagram sockets
            if (local is not null)
            {
                if (local.Address.Equals(IPAddress.IPv6Any)) Libc.SetIntOption(fd, Libc.IPPROTO_IPV6, Libc.IPV6_V6ONLY, 0); // dual stack
                byte* addr = stackalloc byte[SockAddr.MaxSize];
                int len = SockAddr.Write(local, addr);
                if (Libc.bind(fd, addr, len) != 0) throw NetErrors.Syscall(op, Libc.Errno, local.ToString());
            }

            if (remote is not null)
            {
                int errno = EpollSockets.Connect(fd, remote);
                if (errno != 0) throw NetErrors.Syscall(op, errno, remote.ToString());
            }

            var bound = SockAddr.OfSocket(fd, peer: false) ?? local ?? throw NetErrors.Syscall(op, Libc.Errno);
            return new EpollUdpConn(scheduler.Netpoller.Register(handle), bound, remote);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    internal override async GoTask<UdpReadResult> ReceiveAsync(Memory<byte> buffer, CancellationToken ct, UdpConn owner)
    {
        if (!_pd.EnterOp(IoMode.Read)) throw NetErrors.Concurrent("read", owner.Describe());
        var registration = default(CancellationTokenRegistration);
        try
        {
            while (true)
            {
                EpollConn.ThrowIfCannot(_pd, IoMode.Read, ct, "read", owner);
                nint length = ReceiveFrom(buffer, out var sender, out int errno);
                if (length >= 0)
                {
                    // MSG_TRUNC makes the kernel return the datagram's real length, which tells a truncated one apart.
                    bool truncated = length > buffer.Length;
                    return new UdpReadResult(truncated ? buffer.Length : (int)length, RemoteEndPoint ?? sender!, truncated);
                }

                if (errno == Libc.EINTR) continue;
                if (errno != Libc.EAGAIN) throw Failed("read", errno, owner, null);
                if (ct.CanBeCanceled && registration == default) registration = EpollConn.RegisterCancel(_pd, IoMode.Read, ct);
                await _pd.WaitAsync(IoMode.Read);
            }
        }
        finally
        {
            registration.Dispose();
            _pd.ExitOp(IoMode.Read);
        }
    }

    internal override async GoTask<int> SendAsync(ReadOnlyMemory<byte> buffer, IPEndPoint? to, CancellationToken ct, UdpConn owner)
    {
        if (!_pd.EnterOp(IoMode.Write)) throw NetErrors.Concurrent("write", owner.Describe());
        var registration = default(CancellationTokenRegistration);
        try
        {
            while (true)
            {
                EpollConn.ThrowIfCannot(_pd, IoMode.Write, ct, "write", owner);
                nint sent = SendTo(buffer, to, out int errno);
                if (sent >= 0) return (int)sent; // a datagram goes whole or not at all
                if (errno == Libc.EINTR) continue;
                if (errno != Libc.EAGAIN) throw Failed("write", errno, owner, to);
                if (ct.CanBeCanceled && registration == default) registration = EpollConn.RegisterCancel(_pd, IoMode.Write, ct);
                await _pd.WaitAsync(IoMode.Write);
            }
        }
        finally
        {
            registration.Dispose();
            _pd.ExitOp(IoMode.Write);
        }
    }

    internal override void Close() => EpollConn.CloseDescriptor(_pd);

    internal override void SetDeadline(long when, bool read, bool write) => _pd.SetDeadline(when, read, write);

    /// <summary>
    /// A failed call: "closed" when a concurrent Close took the descriptor away, else the kernel's error naming the
    /// socket and, for WriteTo, the destination (Go's "write udp 127.0.0.1:5000->127.0.0.1:6000: message too long").
    /// </summary>
    private Exception Failed(string op, int errno, UdpConn owner, IPEndPoint? to) =>
        _pd.IsClosing ? NetErrors.Closed(op, owner.Describe())
        : NetErrors.Syscall(op, errno, to is null ? owner.Describe() : $"udp {LocalEndPoint}->{to}");

    /// <summary>
    /// recvfrom(2) with MSG_TRUNC, holding the descriptor: the datagram's full length (more than the buffer when
    /// truncated) and, on an unconnected socket, its sender; -1 with <paramref name="errno"/> on failure.
    /// </summary>
    private unsafe nint ReceiveFrom(Memory<byte> buffer, out IPEndPoint? sender, out int errno)
    {
        sender = null;
        byte* addr = stackalloc byte[SockAddr.MaxSize];
        int addrLen = SockAddr.MaxSize;
        bool wantSender = RemoteEndPoint is null; // connected: the sender is the peer, no address to decode
        if (!_pd.Handle.TryAddRef())
        {
            errno = Libc.EBADF;
            return -1;
        }

        try
        {
            fixed (byte* p = buffer.Span)
            {
                nint n = Libc.recvfrom(_pd.Handle.Fd, p, buffer.Length, Libc.MSG_TRUNC, wantSender ? addr : null, wantSender ? &addrLen : null);
                errno = n < 0 ? Libc.Errno : 0;
                if (n >= 0 && wantSender) sender = SockAddr.Read(addr, addrLen);
                return n;
            }
        }
        finally
        {
            _pd.Handle.DangerousRelease();
        }
    }

    /// <summary>sendto(2) (to the connected peer when <paramref name="to"/> is null), holding the descriptor.</summary>
    private unsafe nint SendTo(ReadOnlyMemory<byte> buffer, IPEndPoint? to, out int errno)
    {
        byte* addr = stackalloc byte[SockAddr.MaxSize];
        int addrLen = to is null ? 0 : SockAddr.Write(to, addr);
        if (!_pd.Handle.TryAddRef())
        {
            errno = Libc.EBADF;
            return -1;
        }

        try
        {
            fixed (byte* p = buffer.Span)
            {
                nint n = Libc.sendto(_pd.Handle.Fd, p, buffer.Length, Libc.MSG_NOSIGNAL, to is null ? null : addr, addrLen);
                errno = n < 0 ? Libc.Errno : 0;
                return n;
            }
        }
        finally
        {
            _pd.Handle.DangerousRelease();
        }
    }
}
