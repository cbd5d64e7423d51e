using System.Net;
using Weft.Netpoll;
using Weft.Scheduling;

namespace Weft;

/// <summary>
/// A TCP connection (Go's <c>net.TCPConn</c>). One reader and one writer may work at the same time (two goroutines,
/// or two un-awaited calls); each direction takes one operation at a time. A goroutine waiting for data or for room
/// to write is parked in <c>IO wait</c>; no thread blocks for it.
/// </summary>
/// <remarks>
/// Deadlines follow Go: once a deadline passes, the pending operation and every later one of that direction fail
/// with <see cref="DeadlineExceededException"/> until the deadline is moved; moving it later while an operation
/// waits extends that operation. <c>default(DateTime)</c> means no deadline.
/// </remarks>
public sealed class TcpConn : IDisposable, IAsyncDisposable, INetDescribed
{
    private readonly ConnBackend _backend;
    private DateTime? _readDeadline, _writeDeadline;

    /// <summary>Deadlines set by the TimeSpan API, in Clock nanoseconds (0: none), for error messages.</summary>
    private long _readWhen, _writeWhen;

    internal TcpConn(ConnBackend backend)
    {
        _backend = backend;
        LocalEndPoint = backend.LocalEndPoint;
        RemoteEndPoint = backend.RemoteEndPoint;
    }

    /// <summary>This side's address.</summary>
    public IPEndPoint? LocalEndPoint { get; }

    /// <summary>The peer's address.</summary>
    public IPEndPoint? RemoteEndPoint { get; }

    /// <summary>
    /// Reads what is available, at least one byte, into <paramref name="buffer"/>; returns 0 at the end of the stream
    /// (the peer closed its side). Tries the system call first and parks only when nothing is there.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The connection is closed.</exception>
    /// <exception cref="DeadlineExceededException">The read deadline passed.</exception>
    /// <exception cref="System.Net.Sockets.SocketException">The connection was reset by the peer.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <exception cref="InvalidOperationException">Another read is in progress on this connection.</exception>
    public GoTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        buffer.Length == 0 ? new GoTask<int>(0) : _backend.ReadAsync(buffer, cancellationToken, this);

    /// <summary>Writes every byte of <paramref name="buffer"/>; completes only when all of it has been handed to the kernel.</summary>
    /// <exception cref="ObjectDisposedException">The connection is closed.</exception>
    /// <exception cref="DeadlineExceededException">The write deadline passed (part of the buffer may have been written).</exception>
    /// <exception cref="System.Net.Sockets.SocketException">The connection was reset by the peer.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <exception cref="InvalidOperationException">Another write is in progress on this connection.</exception>
    public GoTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        buffer.Length == 0 ? default : _backend.WriteAsync(buffer, cancellationToken, this);

    /// <summary>Shuts down the sending side (the peer reads end of stream); reading goes on (Go's <c>CloseWrite</c>).</summary>
    /// <exception cref="ObjectDisposedException">The connection is closed.</exception>
    public void CloseWrite() => _backend.CloseWrite(this);

    /// <summary>Closes the connection; pending operations fail with <see cref="ObjectDisposedException"/>. Idempotent.</summary>
    public void Close() => _backend.Close();

    /// <summary>Same as <see cref="Close"/>.</summary>
    public void Dispose() => Close();

    /// <summary>Same as <see cref="Close"/>.</summary>
    public ValueTask DisposeAsync()
    {
        Close();
        return default;
    }

    /// <summary>Sets the read and write deadlines (see the remarks on the type).</summary>
    public void SetDeadline(DateTime deadline)
    {
        _readDeadline = _writeDeadline = ToUtcOrNull(deadline);
        _readWhen = _writeWhen = 0;
        _backend.SetDeadline(ToClock(deadline), read: true, write: true);
    }

    /// <summary>Sets the read deadline (see the remarks on the type).</summary>
    public void SetReadDeadline(DateTime deadline)
    {
        _readDeadline = ToUtcOrNull(deadline);
        _readWhen = 0;
        _backend.SetDeadline(ToClock(deadline), read: true, write: false);
    }

    /// <summary>Sets the write deadline (see the remarks on the type).</summary>
    public void SetWriteDeadline(DateTime deadline)
    {
        _writeDeadline = ToUtcOrNull(deadline);
        _writeWhen = 0;
        _backend.SetDeadline(ToClock(deadline), read: false, write: true);
    }

    /// <summary>
    /// Sets the read and write deadlines <paramref name="fromNow"/> from now, on the runtime's monotonic clock
    /// (cheaper than a wall-clock deadline, and immune to clock changes). <see cref="TimeSpan.Zero"/> or less means
    /// "already passed"; <see cref="Timeout.InfiniteTimeSpan"/> clears the deadlines.
    /// </summary>
    public void SetDeadlineAfter(TimeSpan fromNow) => SetRelative(fromNow, read: true, write: true);

    /// <summary>Sets the read deadline <paramref name="fromNow"/> from now (see <see cref="SetDeadlineAfter(TimeSpan)"/>).</summary>
    public void SetReadDeadlineAfter(TimeSpan fromNow) => SetRelative(fromNow, read: true, write: false);

    /// <summary>Sets the write deadline <paramref name="fromNow"/> from now (see <see cref="SetDeadlineAfter(TimeSpan)"/>).</summary>
    public void SetWriteDeadlineAfter(TimeSpan fromNow) => SetRelative(fromNow, read: false, write: true);

    private void SetRelative(TimeSpan fromNow, bool read, bool write)
    {
        long when = 0;
        if (fromNow != Timeout.InfiniteTimeSpan)
        {
            long now = Clock.Now;
            when = fromNow <= TimeSpan.Zero ? Math.Max(1, now - 1) : now + Math.Min(Clock.ToNanoseconds(fromNow), long.MaxValue - now);
        }

        // No wall-clock read here (a hot path): error messages convert the monotonic deadline when they need it.
        if (read) (_readDeadline, _readWhen) = (null, when);
        if (write) (_writeDeadline, _writeWhen) = (null, when);
        _backend.SetDeadline(when, read, write);
    }

    /// <summary>A deadline for messages: as set by the DateTime API, else converted from the monotonic one.</summary>
    private static DateTime? WallOf(DateTime? wall, long when) =>
        wall ?? (when == 0 ? null : DateTime.UtcNow + TimeSpan.FromTicks((when - Clock.Now) / 100));

    /// <summary>
    /// A <see cref="Stream"/> over the connection, for SslStream, StreamReader, PipeReader and friends. Disposing
    /// the stream closes the connection when <paramref name="ownsConnection"/> is true.
    /// </summary>
    public Stream AsStream(bool ownsConnection = true) => new NetStream(this, ownsConnection);

    string INetDescribed.Describe() => Describe();

    internal string Describe() => $"tcp {LocalEndPoint}->{RemoteEndPoint}";

    DateTime? INetDescribed.DeadlineOf(IoMode mode) =>
        mode == IoMode.Read ? WallOf(_readDeadline, _readWhen) : WallOf(_writeDeadline, _writeWhen);

    /// <inheritdoc />
    public override string ToString() => $"TcpConn({LocalEndPoint}->{RemoteEndPoint})";

    /// <summary>A wall-clock deadline on the runtime's monotonic clock: 0 for none, otherwise at least 1.</summary>
    internal static long ToClock(DateTime deadline)
    {
        if (deadline == default) return 0;
        var remaining = ToUtcOrNull(deadline)!.Value - DateTime.UtcNow;
        long now = Clock.Now;
        if (remaining <= TimeSpan.Zero) return Math.Max(1, now - 1);
        long ns = Clock.ToNanoseconds(remaining);
        return ns > long.MaxValue - now ? long.MaxValue : now + ns;
    }

    internal static DateTime? ToUtcOrNull(DateTime deadline) =>
        deadline == default ? null : deadline.Kind == DateTimeKind.Utc ? deadline : deadline.ToUniversalTime();
}
