using System.Net.Sockets;


namespace Weft.Netpoll;

/// <summary>Builds the exceptions Weft.Net throws, with Go-shaped messages ("read tcp a->b: connection reset by peer").</summary>
internal static class NetErrors
{
    /// <summary>A failed system call: a <see cref="SocketException"/> with the portable error code and the kernel's text.</summary>
    internal static SocketException Syscall(string op, int errno, string? where = null)
    {
        var code = errno switch
        {
            Libc.ECONNRESET or Libc.EPIPE => SocketError.ConnectionReset,
            Libc.ECONNREFUSED => SocketError.ConnectionRefused,
            Libc.ECONNABORTED => SocketError.ConnectionAborted,
            Libc.ETIMEDOUT => SocketError.TimedOut,
            Libc.EADDRINUSE => SocketError.AddressAlreadyInUse,
            Libc.EADDRNOTAVAIL => SocketError.AddressNotAvailable,
            Libc.ENETUNREACH => SocketError.NetworkUnreachable,
            Libc.EHOSTUNREACH => SocketError.HostUnreachable,
            Libc.ENOTCONN => SocketError.NotConnected,
            Libc.EMFILE or Libc.ENFILE => SocketError.TooManyOpenSockets,
            Libc.EINVAL => SocketError.InvalidArgument,
            Libc.EMSGSIZE => SocketError.MessageSize,
            Libc.EDESTADDRREQ => SocketError.DestinationAddressRequired,
            _ => SocketError.SocketError,
        };
        return new SocketException((int)code, $"{op}{(where is null ? "" : " " + where)}: {Libc.ErrorText(errno)}");
    }

    /// <summary>An operation on a closed connection or listener (Go's <c>net.ErrClosed</c>).</summary>
    internal static ObjectDisposedException Closed(string op, string where) =>
        new(where, $"{op} {where}: use of closed network connection");

    /// <summary>A deadline passed (Go's "i/o timeout"), naming the deadline.</summary>
    internal static DeadlineExceededException Timeout(string op, string where, DateTime? deadline) =>
        new($"{op} {where}: i/o timeout{(deadline is { } d ? $" (deadline {d:yyyy-MM-dd'T'HH:mm:ss.fff'Z'} passed)" : "")}", deadline);

    /// <summary>Two operations of one direction at once: each direction has one waiter slot.</summary>
    internal static InvalidOperationException Concurrent(string op, string where) =>
        new($"{op} {where}: another {op} is already in progress on this connection; Weft.Net allows one reader and one writer at a time (serialize them, e.g. with a Weft Mutex).");
}
