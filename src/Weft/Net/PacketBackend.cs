using System.Net;

namespace Weft.Netpoll;

/// <summary>
/// What a <see cref="UdpConn"/> runs on: the epoll netpoller on Linux (<see cref="EpollUdpConn"/>), .NET's async
/// sockets elsewhere (<see cref="SocketUdpConn"/>). Both take one read and one write at a time, enforce the deadlines
/// they are given, and build errors through <see cref="NetErrors"/> naming the owner.
/// </summary>
internal abstract class PacketBackend
{
    /// <summary>
    /// Receives one datagram, waiting for one if none is queued; copies what fits into <paramref name="buffer"/>.
    /// The sender is the connected peer on a connected socket.
    /// </summary>
    internal abstract GoTask<UdpReadResult> ReceiveAsync(Memory<byte> buffer, CancellationToken ct, UdpConn owner);

    /// <summary>Sends one datagram to <paramref name="to"/>, or to the connected peer when null. Returns its length.</summary>
    internal abstract GoTask<int> SendAsync(ReadOnlyMemory<byte> buffer, IPEndPoint? to, CancellationToken ct, UdpConn owner);

    /// <summary>Closes; pending operations fail as closed. Idempotent.</summary>
    internal abstract void Close();

    /// <summary>Sets a deadline in Clock nanoseconds (0: none; at or before now: passed).</summary>
    internal abstract void SetDeadline(long when, bool read, bool write);

    internal abstract IPEndPoint LocalEndPoint { get; }

    /// <summary>The connected peer, or null for an unconnected socket.</summary>
    internal abstract IPEndPoint? RemoteEndPoint { get; }
}
