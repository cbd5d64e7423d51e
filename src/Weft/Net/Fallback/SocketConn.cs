using System.Net;
using System.Net.Sockets;

namespace Weft.Netpoll;

/// <summary>
/// The fallback connection where the epoll netpoller does not exist (macOS, Windows, or <c>WEFT_NETPOLL=off</c>):
/// .NET's async sockets, with Go's deadlines emulated by cancellation. A goroutine awaiting it resumes on Weft's
/// scheduler through the foreign-await path.
/// </summary>
internal sealed class SocketConn(Socket socket) : ConnBackend
{
    private readonly SocketDeadline _read = new(), _write = new();
    private volatile bool _closed;

    internal Socket Socket => socket;

    internal override IPEndPoint? LocalEndPoint => _closed ? null : socket.LocalEndPoint as IPEndPoint;

    internal override IPEndPoint? RemoteEndPoint => _closed ? null : socket.RemoteEndPoint as IPEndPoint;

    internal override async GoTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct, TcpConn owner)
    {
        Check(_read, ct, "read", owner, ((INetDescribed)owner).DeadlineOf(IoMode.Read));
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _read.Token);
        try
        {
            return await socket.ReceiveAsync(buffer, SocketFlags.None, linked.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            throw Translate(e, _read, ct, "read", owner, ((INetDescribed)owner).DeadlineOf(IoMode.Read));
        }
    }

    internal override async GoTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct, TcpConn owner)
    {
        int written = 0;
        while (written < buffer.Length)
        {
            Check(_write, ct, "write", owner, ((INetDescribed)owner).DeadlineOf(IoMode.Write));
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _write.Token);
            try
            {
                written += await socket.SendAsync(buffer[written..], SocketFlags.None, linked.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                throw Translate(e, _write, ct, "write", owner, ((INetDescribed)owner).DeadlineOf(IoMode.Write));
            }
        }
    }

    private void Check(SocketDeadline deadline, CancellationToken ct, string op, TcpConn owner, DateTime? wall)
    {
        if (_closed) throw NetErrors.Closed(op, owner.Describe());
        if (deadline.Expired) throw NetErrors.Timeout(op, owner.Describe(), wall);
        ct.ThrowIfCancellationRequested();
    }

    private Exception Translate(Exception e, SocketDeadline deadline, CancellationToken ct, string op, TcpConn owner, DateTime? wall)
    {
        if (_closed) return NetErrors.Closed(op, owner.Describe());
        if (ct.IsCancellationRequested) return new OperationCanceledException(ct);
        if (deadline.Expired) return NetErrors.Timeout(op, owner.Describe(), wall);
        if (e is SocketException se) return new SocketException((int)se.SocketErrorCode, $"{op} {owner.Describe()}: {se.Message}");
        return e;
    }

    internal override void CloseWrite(TcpConn owner)
    {
        if (_closed) throw NetErrors.Closed("close", owner.Describe());
        socket.Shutdown(SocketShutdown.Send);
    }

    internal override void Close()
    {
        _closed = true;
        socket.Dispose();
    }

    internal override void SetDeadline(long when, bool read, bool write)
    {
        if (read) _read.Set(when);
        if (write) _write.Set(when);
    }

    /// <summary>Connects with the fallback sockets.</summary>
    internal static async GoTask<ConnBackend> DialAsync(IPEndPoint remote, long deadline, CancellationToken ct, INetDescribed where)
    {
        var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var timeout = new SocketDeadline();
        if (deadline != 0) timeout.Set(deadline);
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
            await socket.ConnectAsync(remote, linked.Token);
            return new SocketConn(socket);
        }
        catch (Exception e)
        {
            socket.Dispose();
            if (ct.IsCancellationRequested) throw new OperationCanceledException(ct);
            if (timeout.Expired) throw NetErrors.Timeout("dial", where.Describe(), where.DeadlineOf(IoMode.Write));
            if (e is SocketException se) throw new SocketException((int)se.SocketErrorCode, $"dial {where.Describe()}: {se.Message}");
            throw;
        }
    }
}
