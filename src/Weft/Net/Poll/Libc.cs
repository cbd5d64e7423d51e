using System.Runtime.InteropServices;

namespace Weft.Netpoll;

/// <summary>
/// The Linux system calls the netpoller and Weft's sockets use, through P/Invoke to libc. Constants are Linux's
/// (x64 and arm64 share them). Every call returns -1 and sets errno on failure (<see cref="Errno"/>).
/// </summary>
internal static unsafe class Libc
{
    // errno values.
    internal const int EINTR = 4, EAGAIN = 11, EBADF = 9, EINVAL = 22, EMFILE = 24, ENFILE = 23, EPIPE = 32,
        EADDRINUSE = 98, EADDRNOTAVAIL = 99, ENETUNREACH = 101, ECONNABORTED = 103, ECONNRESET = 104, ENOTCONN = 107,
        ETIMEDOUT = 110, ECONNREFUSED = 111, EHOSTUNREACH = 113, EALREADY = 114, EINPROGRESS = 115;

    // errno values of datagram sockets.
    internal const int EDESTADDRREQ = 89, EMSGSIZE = 90;

    // socket(2), setsockopt(2), send(2), shutdown(2).
    internal const int AF_INET = 2, AF_INET6 = 10;
    internal const int SOCK_STREAM = 1, SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;
    internal const int SOL_SOCKET = 1, SO_REUSEADDR = 2, SO_ERROR = 4, SO_LINGER = 13;
    internal const int IPPROTO_TCP = 6, TCP_NODELAY = 1, IPPROTO_IPV6 = 41, IPV6_V6ONLY = 26;
    internal const int MSG_NOSIGNAL = 0x4000;
    internal const int SHUT_WR = 1;

    // Datagram sockets: the type, Go's default SO_BROADCAST, and recvfrom's "return the datagram's real length".
    internal const int SOCK_DGRAM = 2, SO_BROADCAST = 6, MSG_TRUNC = 0x20;

    // epoll(7), eventfd(2).
    internal const int EPOLL_CLOEXEC = 0x80000, EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2;
    internal const uint EPOLLIN = 0x1, EPOLLOUT = 0x4, EPOLLERR = 0x8, EPOLLHUP = 0x10, EPOLLRDHUP = 0x2000, EPOLLET = 1u << 31;
    internal const int EFD_CLOEXEC = 0x80000, EFD_NONBLOCK = 0x800;

    /// <summary>errno of the last failed call on this thread.</summary>
    internal static int Errno => Marshal.GetLastPInvokeError();

    /// <summary>The kernel's text for an errno value ("connection reset by peer", as Go prints it, lower case).</summary>
    internal static string ErrorText(int errno)
    {
        var text = Marshal.GetPInvokeErrorMessage(errno);
        return text.Length > 0 ? char.ToLowerInvariant(text[0]) + text[1..] : $"errno {errno}";
    }

    /// <summary>
    /// Size of one <c>struct epoll_event</c>: packed (12 bytes) on x86-64, naturally aligned (16) elsewhere. The
    /// poller reads the events from a raw buffer with this stride.
    /// </summary>
    internal static readonly int EpollEventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    /// <summary>Writes one epoll_event (events, data) at <paramref name="buffer"/> in the platform's layout.</summary>
    internal static void WriteEpollEvent(byte* buffer, uint events, ulong data)
    {
        *(uint*)buffer = events;
        *(ulong*)(buffer + EpollEventSize - 8) = data; // unaligned on x86-64: fine there
    }

    internal static uint ReadEvents(byte* e) => *(uint*)e;

    internal static ulong ReadData(byte* e) => *(ulong*)(e + EpollEventSize - 8);

    [DllImport("libc", SetLastError = true)] internal static extern int socket(int domain, int type, int protocol);
    [DllImport("libc", SetLastError = true)] internal static extern int bind(int fd, byte* addr, int len);
    [DllImport("libc", SetLastError = true)] internal static extern int listen(int fd, int backlog);
    [DllImport("libc", SetLastError = true)] internal static extern int accept4(int fd, byte* addr, int* len, int flags);
    [DllImport("libc", SetLastError = true)] internal static extern int connect(int fd, byte* addr, int len);
    [DllImport("libc", SetLastError = true)] internal static extern nint recv(int fd, byte* buf, nint len, int flags);
    [DllImport("libc", SetLastError = true)] internal static extern nint send(int fd, byte* buf, nint len, int flags);
    [DllImport("libc", SetLastError = true)] internal static extern nint recvfrom(int fd, byte* buf, nint len, int flags, byte* addr, int* addrLen);
    [DllImport("libc", SetLastError = true)] internal static extern nint sendto(int fd, byte* buf, nint len, int flags, byte* addr, int addrLen);
    [DllImport("libc", SetLastError = true)] internal static extern nint read(int fd, byte* buf, nint len);
    [DllImport("libc", SetLastError = true)] internal static extern nint write(int fd, byte* buf, nint len);
    [DllImport("libc", SetLastError = true)] internal static extern int shutdown(int fd, int how);
    [DllImport("libc", SetLastError = true)] internal static extern int close(int fd);
    [DllImport("libc", SetLastError = true)] internal static extern int getsockname(int fd, byte* addr, int* len);
    [DllImport("libc", SetLastError = true)] internal static extern int getpeername(int fd, byte* addr, int* len);
    [DllImport("libc", SetLastError = true)] internal static extern int setsockopt(int fd, int level, int name, void* value, int len);
    [DllImport("libc", SetLastError = true)] internal static extern int getsockopt(int fd, int level, int name, void* value, int* len);
    [DllImport("libc", SetLastError = true)] internal static extern int epoll_create1(int flags);
    [DllImport("libc", SetLastError = true)] internal static extern int epoll_ctl(int epfd, int op, int fd, byte* ev);
    [DllImport("libc", SetLastError = true)] internal static extern int epoll_wait(int epfd, byte* events, int max, int timeoutMs);
    [DllImport("libc", SetLastError = true)] internal static extern int eventfd(uint initval, int flags);

    /// <summary>Sets an int socket option; returns errno or 0.</summary>
    internal static int SetIntOption(int fd, int level, int name, int value) =>
        setsockopt(fd, level, name, &value, sizeof(int)) == 0 ? 0 : Errno;
}
