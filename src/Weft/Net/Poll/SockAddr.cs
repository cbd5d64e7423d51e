using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Weft.Netpoll;

/// <summary>Converts between <see cref="IPEndPoint"/> and the kernel's <c>sockaddr_in</c>/<c>sockaddr_in6</c>.</summary>
internal static unsafe class SockAddr
{
    /// <summary>Room for the largest address we use (sockaddr_in6 is 28 bytes).</summary>
    internal const int MaxSize = 28;

    /// <summary>Writes <paramref name="ep"/> at <paramref name="buffer"/> (at least <see cref="MaxSize"/> bytes); returns its length.</summary>
    internal static int Write(IPEndPoint ep, byte* buffer)
    {
        var span = new Span<byte>(buffer, MaxSize);
        span.Clear();
        if (ep.AddressFamily == AddressFamily.InterNetwork)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(span, Libc.AF_INET); // sa_family is host order
            BinaryPrimitives.WriteUInt16BigEndian(span[2..], (ushort)ep.Port);
            ep.Address.TryWriteBytes(span[4..8], out _);
            return 16;
        }

        if (ep.AddressFamily == AddressFamily.InterNetworkV6)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(span, Libc.AF_INET6);
            BinaryPrimitives.WriteUInt16BigEndian(span[2..], (ushort)ep.Port);
            ep.Address.TryWriteBytes(span[8..24], out _);
            BinaryPrimitives.WriteUInt32LittleEndian(span[24..], (uint)ep.Address.ScopeId);
            return 28;
        }

        throw new ArgumentException($"Weft.Net: unsupported address family {ep.AddressFamily} (only IPv4 and IPv6 TCP).", nameof(ep));
    }

    /// <summary>Reads an address written by the kernel; null for families we do not handle.</summary>
    internal static IPEndPoint? Read(byte* buffer, int length)
    {
        var span = new ReadOnlySpan<byte>(buffer, Math.Min(length, MaxSize));
        if (span.Length < 2) return null;
        int family = BinaryPrimitives.ReadUInt16LittleEndian(span);
        int port = span.Length >= 4 ? BinaryPrimitives.ReadUInt16BigEndian(span[2..]) : 0;
        if (family == Libc.AF_INET && span.Length >= 8) return new IPEndPoint(new IPAddress(span[4..8]), port);
        if (family == Libc.AF_INET6 && span.Length >= 28)
            return new IPEndPoint(new IPAddress(span[8..24], BinaryPrimitives.ReadUInt32LittleEndian(span[24..])), port);
        return null;
    }

    /// <summary>The local (<paramref name="peer"/> false) or remote address of a socket, or null.</summary>
    internal static IPEndPoint? OfSocket(int fd, bool peer)
    {
        byte* buffer = stackalloc byte[MaxSize];
        int len = MaxSize;
        int rc = peer ? Libc.getpeername(fd, buffer, &len) : Libc.getsockname(fd, buffer, &len);
        return rc == 0 ? Read(buffer, len) : null;
    }
}
