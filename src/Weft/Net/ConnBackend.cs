using System.Net;

namespace Weft.Netpoll;

/// <summary>
/// What a <see cref="TcpConn"/> runs on: the epoll netpoller on Linux (<see cref="EpollConn"/>), .NET's async sockets
/// elsewhere (<see cref="SocketConn"/>). Exceptions carry Go-shaped messages built by the public type.
/// </summary>
internal abstract class ConnBackend
{
    /// <summary>Reads at least one byte, or returns 0 at end of stream.</summary>
    internal abstract GoTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct, TcpConn owner);

    /// <summary>Writes every byte of <paramref name="buffer"/>.</summary>
    internal abstract GoTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct, TcpConn owner);

    internal abstract void CloseWrite(TcpConn owner);

    /// <summary>Closes; pending operations fail as closed. Idempotent.</summary>
    internal abstract void Close();

    /// <summary>Sets a deadline in Clock nanoseconds (0: none; at or before now: passed).</summary>
    internal abstract void SetDeadline(long when, bool read, bool write);

    internal abstract IPEndPoint? LocalEndPoint { get; }

    internal abstract IPEndPoint? RemoteEndPoint { get; }
}

/// <summary>What a <see cref="TcpListener"/> runs on (see <see cref="ConnBackend"/>).</summary>
internal abstract class ListenerBackend
{
    internal abstract GoTask<ConnBackend> AcceptAsync(CancellationToken ct, TcpListener owner);

    internal abstract void Close();

    internal abstract void SetDeadline(long when);

    internal abstract IPEndPoint LocalEndPoint { get; }
}
