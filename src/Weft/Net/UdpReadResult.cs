using System.Net;

namespace Weft;

/// <summary>
/// One datagram received by <see cref="UdpConn.ReadFromAsync"/>: how many bytes were copied into the buffer, who sent
/// it, and whether it was cut short. Deconstructs as Go's <c>n, addr := conn.ReadFrom(buf)</c>:
/// <c>var (n, from) = await conn.ReadFromAsync(buffer);</c>
/// </summary>
/// <param name="Count">
/// Bytes copied into the buffer: the whole datagram, or the buffer's length when the datagram was longer (see
/// <paramref name="Truncated"/>). 0 is a legitimate empty datagram, not an end of stream.
/// </param>
/// <param name="RemoteEndPoint">The sender's address (on a dual-stack socket, an IPv4 sender appears IPv4-mapped).</param>
/// <param name="Truncated">
/// True when the datagram was longer than the buffer: its first <paramref name="Count"/> bytes were kept and the rest
/// discarded, as Go does (no error is thrown; a datagram cannot be read in parts).
/// </param>
public readonly record struct UdpReadResult(int Count, IPEndPoint RemoteEndPoint, bool Truncated)
{
    /// <summary>Deconstructs into the byte count and the sender, as Go's <c>ReadFrom</c> returns them.</summary>
    public void Deconstruct(out int count, out IPEndPoint remoteEndPoint)
    {
        count = Count;
        remoteEndPoint = RemoteEndPoint;
    }
}
