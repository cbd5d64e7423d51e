using System.Net;

namespace Weft.Netpoll;

/// <summary>
/// A connected TCP socket on the netpoller: non-blocking, registered once; every operation tries its system call
/// first and parks (<c>IO wait</c>) only on EAGAIN (Go's <c>internal/poll.FD</c>).
/// </summary>
internal sealed class EpollConn : ConnBackend
{
    private readonly PollDesc _pd;
    private IPEndPoint? _local, _remote;

    internal EpollConn(PollDesc pd, IPEndPoint? remote)
    {
        _pd = pd;
        _remote = remote;
    }

    internal override IPEndPoint? LocalEndPoint => _local ??= WithFd(fd => SockAddr.OfSocket(fd, peer: false));

    internal override IPEndPoint? RemoteEndPoint => _remote ??= WithFd(fd => SockAddr.OfSocket(fd, peer: true));

    internal override async GoTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct, TcpConn owner)
    {
        if (!_pd.EnterOp(IoMode.Read)) throw NetErrors.Concurrent("read", owner.Describe());
        var registration = default(CancellationTokenRegistration);
        try
        {
            while (true)
            {
                ThrowIfCannot(_pd, IoMode.Read, ct, "read", owner);
                nint n = Recv(buffer, out int errno);
                if (n >= 0) return (int)n;
                if (errno == Libc.EINTR) continue;
                if (errno != Libc.EAGAIN) throw Failed("read", errno, owner);
                if (ct.CanBeCanceled && registration == default) registration = RegisterCancel(_pd, IoMode.Read, ct);
                await _pd.WaitAsync(IoMode.Read);
            }
        }
        finally
        {
            registration.Dispose();
            _pd.ExitOp(IoMode.Read);
        }
    }

    internal override async GoTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct, TcpConn owner)
    {
        if (!_pd.EnterOp(IoMode.Write)) throw NetErrors.Concurrent("write", owner.Describe());
        var registration = default(CancellationTokenRegistration);
        try
        {
            int written = 0;
            while (written < buffer.Length)
            {
                ThrowIfCannot(_pd, IoMode.Write, ct, "write", owner);
                nint n = Send(buffer[written..], out int errno);
                if (n >= 0)
                {
                    written += (int)n;
                    continue;
                }

                if (errno == Libc.EINTR) continue;
                if (errno != Libc.EAGAIN) throw Failed("write", errno, owner);
                if (ct.CanBeCanceled && registration == default) registration = RegisterCancel(_pd, IoMode.Write, ct);
                await _pd.WaitAsync(IoMode.Write);
            }
        }
        finally
        {
            registration.Dispose();
            _pd.ExitOp(IoMode.Write);
        }
    }

    internal override void CloseWrite(TcpConn owner)
    {
        if (_pd.IsClosing) throw NetErrors.Closed("close", owner.Describe());
        int errno = WithFd(fd => Libc.shutdown(fd, Libc.SHUT_WR) == 0 ? 0 : Libc.Errno);
        if (errno != 0 && errno != Libc.ENOTCONN) throw NetErrors.Syscall("close", errno, owner.Describe());
    }

    internal override void Close() => CloseDescriptor(_pd);

    internal override void SetDeadline(long when, bool read, bool write) => _pd.SetDeadline(when, read, write);

    /// <summary>A failed call: "closed" when a concurrent Close took the descriptor away, else the kernel's error.</summary>
    private Exception Failed(string op, int errno, TcpConn owner) =>
        _pd.IsClosing ? NetErrors.Closed(op, owner.Describe()) : NetErrors.Syscall(op, errno, owner.Describe());

    // ---- shared with the listener and dialer -------------------------------------------------------------

    /// <summary>Wakes the waiter of one direction when the token is canceled.</summary>
    internal static CancellationTokenRegistration RegisterCancel(PollDesc pd, IoMode mode, CancellationToken ct) =>
        ct.UnsafeRegister(static (s, _) =>
        {
            var (desc, m) = ((PollDesc, IoMode))s!;
            desc.WakeWaiter(m);
        }, (pd, mode));

    /// <summary>Throws if the operation cannot go on: closed, deadline passed, canceled.</summary>
    internal static void ThrowIfCannot(PollDesc pd, IoMode mode, CancellationToken ct, string op, INetDescribed owner)
    {
        switch (pd.CheckError(mode))
        {
            case 1: throw NetErrors.Closed(op, owner.Describe());
            case 2: throw NetErrors.Timeout(op, owner.Describe(), owner.DeadlineOf(mode));
        }

        ct.ThrowIfCancellationRequested();
    }

    /// <summary>Unblocks the waiters, frees the poll slot and closes the descriptor (once every call in flight is out).</summary>
    internal static void CloseDescriptor(PollDesc pd)
    {
        if (!pd.Unblock()) return;
        pd.Poller.Unregister(pd);
        pd.Handle.Dispose();
    }

    private T WithFd<T>(Func<int, T> call)
    {
        bool added = false;
        try
        {
            _pd.Handle.DangerousAddRef(ref added);
            return call(_pd.Handle.Fd);
        }
        catch (ObjectDisposedException)
        {
            return default!;
        }
        finally
        {
            if (added) _pd.Handle.DangerousRelease();
        }
    }

    private nint Recv(Memory<byte> buffer, out int errno) => Transfer(buffer, send: false, out errno);

    private nint Send(ReadOnlyMemory<byte> buffer, out int errno) =>
        Transfer(System.Runtime.InteropServices.MemoryMarshal.AsMemory(buffer), send: true, out errno);

    /// <summary>recv(2) or send(2), holding the descriptor. -1 with <paramref name="errno"/> on failure (EBADF once closed).</summary>
    private unsafe nint Transfer(Memory<byte> buffer, bool send, out int errno)
    {
        bool added = false;
        try
        {
            _pd.Handle.DangerousAddRef(ref added);
            fixed (byte* p = buffer.Span)
            {
                int fd = _pd.Handle.Fd;
                nint n = send ? Libc.send(fd, p, buffer.Length, Libc.MSG_NOSIGNAL) : Libc.recv(fd, p, buffer.Length, 0);
                errno = n < 0 ? Libc.Errno : 0;
                return n;
            }
        }
        catch (ObjectDisposedException)
        {
            errno = Libc.EBADF;
            return -1;
        }
        finally
        {
            if (added) _pd.Handle.DangerousRelease();
        }
    }
}
