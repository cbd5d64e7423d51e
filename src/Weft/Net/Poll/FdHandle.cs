using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Weft.Netpoll;

/// <summary>
/// Owns one file descriptor (a socket, the epoll instance, the eventfd) and closes it exactly once. Operations hold
/// a reference around each system call (<c>DangerousAddRef</c>), so a concurrent close never
/// closes — and lets the kernel reuse — a descriptor that is still inside a call; a forgotten handle is closed by
/// the finalizer. Nothing leaks.
/// </summary>
internal sealed class FdHandle : SafeHandleMinusOneIsInvalid
{
    private static int s_open;

    internal FdHandle(int fd) : base(ownsHandle: true)
    {
        SetHandle(fd);
        if (fd >= 0) Interlocked.Increment(ref s_open);
    }

    /// <summary>The raw descriptor. Valid while the caller holds a reference or owns the handle.</summary>
    internal int Fd => (int)handle;

    /// <summary>
    /// Takes a reference for one system call (release it with <see cref="SafeHandle.DangerousRelease"/>); false once
    /// the handle is closed, when the caller reports EBADF as the call itself would.
    /// </summary>
    internal bool TryAddRef()
    {
        bool added = false;
        try
        {
            DangerousAddRef(ref added);
        }
        catch (ObjectDisposedException)
        {
        }

        return added;
    }

    /// <summary>Descriptors opened through this type and not yet closed (diagnostics and tests).</summary>
    internal static int OpenCount => Volatile.Read(ref s_open);

    protected override bool ReleaseHandle()
    {
        Interlocked.Decrement(ref s_open);
        return Libc.close((int)handle) == 0;
    }
}
