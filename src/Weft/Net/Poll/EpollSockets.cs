using System.Net;
using System.Net.Sockets;
using Weft.Scheduling;

namespace Weft.Netpoll;

/// <summary>Creates listening and connected sockets on the netpoller (Go's <c>net.sysSocket</c>, <c>listen</c>, <c>connect</c>).</summary>
internal static class EpollSockets
{
    /// <summary>A non-blocking, close-on-exec socket (TCP unless <paramref name="type"/> says otherwise), owned by a handle.</summary>
    internal static FdHandle NewSocket(AddressFamily family, int type = Libc.SOCK_STREAM)
    {
        int domain = family == AddressFamily.InterNetworkV6 ? Libc.AF_INET6 : Libc.AF_INET;
        int fd = Libc.socket(domain, type | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0);
        if (fd < 0) throw NetErrors.Syscall("socket", Libc.Errno);
        return new FdHandle(fd);
    }

    internal static unsafe ListenerBackend Listen(Scheduler scheduler, IPEndPoint endpoint, int backlog)
    {
        var handle = NewSocket(endpoint.AddressFamily);
        try
        {
            int fd = handle.Fd;
            Libc.SetIntOption(fd, Libc.SOL_SOCKET, Libc.SO_REUSEADDR, 1); // as Go: rebind while old connections linger in TIME_WAIT
            if (endpoint.Address.Equals(IPAddress.IPv6Any)) Libc.SetIntOption(fd, Libc.IPPROTO_IPV6, Libc.IPV6_V6ONLY, 0); // dual stack
            byte* addr = stackalloc byte[SockAddr.MaxSize];
            int len = SockAddr.Write(endpoint, addr);
            if (Libc.bind(fd, addr, len) != 0) throw NetErrors.Syscall("listen tcp", Libc.Errno, endpoint.ToString());
            if (Libc.listen(fd, backlog) != 0) throw NetErrors.Syscall("listen tcp", Libc.Errno, endpoint.ToString());
            var pd = scheduler.Netpoller.Register(handle);
            return new EpollListener(pd, SockAddr.OfSocket(fd, peer: false) ?? endpoint);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Connects, parking until the connection is established or refused, <paramref name="deadline"/> (Clock
    /// nanoseconds, 0 for none) passes, or <paramref name="ct"/> is canceled. The socket is closed on every failure.
    /// </summary>
    internal static async GoTask<ConnBackend> DialAsync(
        Scheduler scheduler, IPEndPoint remote, long deadline, CancellationToken ct, INetDescribed where)
    {
        var handle = NewSocket(remote.AddressFamily);
        PollDesc pd;
        try
        {
            pd = scheduler.Netpoller.Register(handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }

        var registration = default(CancellationTokenRegistration);
        bool connected = false;
        try
        {
            if (deadline != 0) pd.SetDeadline(deadline, read: false, write: true);
            int errno = Connect(handle.Fd, remote);
            if (errno == Libc.EINPROGRESS || errno == Libc.EINTR)
            {
                // Writable means connected or failed: SO_ERROR says failed, a peer name says connected.
                if (ct.CanBeCanceled) registration = EpollConn.RegisterCancel(pd, IoMode.Write, ct);
                while (true)
                {
                    EpollConn.ThrowIfCannot(pd, IoMode.Write, ct, "dial", where);
                    errno = SocketError(handle.Fd);
                    if (errno != 0 && errno != Libc.EINPROGRESS && errno != Libc.EALREADY) break;
                    errno = 0;
                    if (SockAddr.OfSocket(handle.Fd, peer: true) is not null) break;
                    await pd.WaitAsync(IoMode.Write);
                }
            }

            if (errno != 0) throw NetErrors.Syscall("dial", errno, where.Describe());
            pd.SetDeadline(0, read: false, write: true);
            Libc.SetIntOption(handle.Fd, Libc.IPPROTO_TCP, Libc.TCP_NODELAY, 1); // Go's default
            connected = true;
            return new EpollConn(pd, remote);
        }
        finally
        {
            registration.Dispose();
            if (!connected) EpollConn.CloseDescriptor(pd);
        }
    }

    internal static unsafe int Connect(int fd, IPEndPoint remote)
    {
        byte* addr = stackalloc byte[SockAddr.MaxSize];
        int len = SockAddr.Write(remote, addr);
        return Libc.connect(fd, addr, len) == 0 ? 0 : Libc.Errno;
    }

    private static unsafe int SocketError(int fd)
    {
        int value = 0, len = sizeof(int);
        return Libc.getsockopt(fd, Libc.SOL_SOCKET, Libc.SO_ERROR, &value, &len) == 0 ? value : Libc.Errno;
    }
}
