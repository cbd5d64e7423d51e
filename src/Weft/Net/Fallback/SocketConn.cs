using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Weft.Netpoll;

/// <summary>
/// The fallback connection where the epoll netpoller does not exist (macOS, Windows, or <c>WEFT_NETPOLL=off</c>):
/// .NET's async sockets, with Go's deadlines emulated by cancellation. A goroutine awaiting it resumes on Weft's
/// scheduler through the foreign-await path.
/// </summary>
/// <remarks>
/// Close must not dispose the socket under a pending operation: .NET then unblocks it with an abortive disconnect,
/// so the peer sees a reset instead of an orderly end of stream. As Go's fd mutex does, every operation holds a
/// reference; Close cancels the pending ones (<see cref="_closing"/>) and the last reference disposes the socket.
/// </remarks>
internal sealed class SocketConn(Socket socket) : ConnBackend
{
    private readonly SocketDeadline _read = new(), _write = new();
    private readonly CancellationTokenSource _closing = new();
    private volatile bool _closed;
    /// <summary>1 for the open connection plus 1 per operation in flight; the socket is disposed when it reaches 0. Interlocked.</summary>
    private int _refs = 1;
    /// <summary>1 while a read (a write) is in flight: one reader and one writer at a time, as on the netpoller. Interlocked.</summary>
    private int _reading, _writing;

    internal Socket Socket => socket;

    internal override IPEndPoint? LocalEndPoint => _closed ? null : socket.LocalEndPoint as IPEndPoint;

    internal override IPEndPoint? RemoteEndPoint => _closed ? null : socket.RemoteEndPoint as IPEndPoint;

    internal override async GoTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct, TcpConn owner)
    {
        Check(_read, ct, "read", owner, ((INetDescribed)owner).DeadlineOf(IoMode.Read));
        if (Interlocked.Exchange(ref _reading, 1) != 0) throw NetErrors.Concurrent("read", owner.Describe());
        try
        {
            return await OnceAsync(buffer, IoMode.Read, ct, owner);
        }
        finally
        {
            Volatile.Write(ref _reading, 0);
        }
    }

    internal override async GoTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct, TcpConn owner)
    {
        Check(_write, ct, "write", owner, ((INetDescribed)owner).DeadlineOf(IoMode.Write));
        if (Interlocked.Exchange(ref _writing, 1) != 0) throw NetErrors.Concurrent("write", owner.Describe());
        try
        {
            int written = 0;
            while (written < buffer.Length) written += await OnceAsync(MemoryMarshal.AsMemory(buffer[written..]), IoMode.Write, ct, owner);
        }
        finally
        {
            Volatile.Write(ref _writing, 0);
        }
    }

    /// <summary>One receive or send, holding a reference, canceled by the caller's token, the deadline or Close.</summary>
    private async GoTask<int> OnceAsync(Memory<byte> buffer, IoMode mode, CancellationToken ct, TcpConn owner)
    {
        bool read = mode == IoMode.Read;
        var (deadline, op) = read ? (_read, "read") : (_write, "write");
        Check(deadline, ct, op, owner, ((INetDescribed)owner).DeadlineOf(mode));
        Acquire(op, owner);
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token, _closing.Token);
            return read
                ? await socket.ReceiveAsync(buffer, SocketFlags.None, linked.Token)
                : await socket.SendAsync(buffer, SocketFlags.None, linked.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            throw Translate(e, deadline, ct, op, owner, ((INetDescribed)owner).DeadlineOf(mode));
        }
        finally
        {
            Release();
        }
    }

    private void Check(SocketDeadline deadline, CancellationToken ct, string op, TcpConn owner, DateTime? wall)
    {
        if (_closed) throw NetErrors.Closed(op, owner.Describe());
        if (deadline.Expired) throw NetErrors.Timeout(op, owner.Describe(), wall);
        ct.ThrowIfCancellationRequested();
    }

    /// <summary>Takes a reference for one operation; throws "closed" once Close has dropped the last one.</summary>
    private void Acquire(string op, TcpConn owner)
    {
        int refs = Volatile.Read(ref _refs);
        while (true)
        {
            if (refs == 0) throw NetErrors.Closed(op, owner.Describe());
            int seen = Interlocked.CompareExchange(ref _refs, refs + 1, refs);
            if (seen == refs) return;
            refs = seen;
        }
    }

    private void Release()
    {
        if (Interlocked.Decrement(ref _refs) == 0) socket.Dispose();
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
        lock (_closing)
        {
            if (_closed) return;
            _closed = true;
        }

        _closing.Cancel(); // pending operations end as "closed" (Translate checks _closed first)
        Release(); // the open connection's reference: disposes now, or when the last pending operation returns
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
