using System.Net;

namespace Weft.Netpoll;

/// <summary>A listening socket on the netpoller: accept4 first, park on EAGAIN.</summary>
internal sealed class EpollListener(PollDesc pd, IPEndPoint local) : ListenerBackend
{
    internal override IPEndPoint LocalEndPoint => local;

    internal override async GoTask<ConnBackend> AcceptAsync(CancellationToken ct, TcpListener owner)
    {
        if (!pd.EnterOp(IoMode.Read)) throw NetErrors.Concurrent("accept", owner.Describe());
        var registration = default(CancellationTokenRegistration);
        try
        {
            while (true)
            {
                EpollConn.ThrowIfCannot(pd, IoMode.Read, ct, "accept", owner);
                var conn = TryAccept(out int errno);
                if (conn is not null) return conn;
                if (errno is Libc.EINTR or Libc.ECONNABORTED) continue; // the peer gave up before we accepted: next
                if (errno != Libc.EAGAIN)
                    throw pd.IsClosing ? NetErrors.Closed("accept", owner.Describe()) : NetErrors.Syscall("accept", errno, owner.Describe());
                if (ct.CanBeCanceled && registration == default) registration = EpollConn.RegisterCancel(pd, IoMode.Read, ct);
                await pd.WaitAsync(IoMode.Read);
            }
        }
        finally
        {
            registration.Dispose();
            pd.ExitOp(IoMode.Read);
        }
    }

    /// <summary>accept4(2) and registration of the new socket; null with <paramref name="errno"/> on failure.</summary>
    private unsafe EpollConn? TryAccept(out int errno)
    {
        byte* addr = stackalloc byte[SockAddr.MaxSize];
        int len = SockAddr.MaxSize;
        int fd;
        bool added = false;
        try
        {
            pd.Handle.DangerousAddRef(ref added);
            fd = Libc.accept4(pd.Handle.Fd, addr, &len, Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC);
            errno = fd < 0 ? Libc.Errno : 0;
        }
        catch (ObjectDisposedException)
        {
            errno = Libc.EBADF;
            return null;
        }
        finally
        {
            if (added) pd.Handle.DangerousRelease();
        }

        if (fd < 0) return null;
        var handle = new FdHandle(fd);
        try
        {
            Libc.SetIntOption(fd, Libc.IPPROTO_TCP, Libc.TCP_NODELAY, 1); // Go's default
            return new EpollConn(pd.Poller.Register(handle), SockAddr.Read(addr, len));
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    internal override void Close() => EpollConn.CloseDescriptor(pd);

    internal override void SetDeadline(long when) => pd.SetDeadline(when, read: true, write: false);
}
