using System.Net;
using Weft.Netpoll;

namespace Weft;

/// <summary>
/// A TCP connection (Go's <c>net.TCPConn</c>). One reader and one writer may work at the same time (two goroutines,
/// or two un-awaited calls); each direction takes one operation at a time. A goroutine waiting for data or for room
/// to write is parked in <c>IO wait</c>; no thread blocks for it.
/// </summary>
/// <remarks>Deadlines, <c>Close</c> and <c>Dispose</c> are <see cref="NetConn"/>'s (Go's semantics).</remarks>
public sealed class TcpConn : NetConn
{
    private readonly ConnBackend _backend;

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

    /// <inheritdoc />
    public override void Close() => _backend.Close();

    private protected override void ApplyDeadline(long when, bool read, bool write) => _backend.SetDeadline(when, read, write);

    /// <summary>
    /// A <see cref="Stream"/> over the connection, for SslStream, StreamReader, PipeReader and friends. Disposing
    /// the stream closes the connection when <paramref name="ownsConnection"/> is true.
    /// </summary>
    public Stream AsStream(bool ownsConnection = true) => new NetStream(this, ownsConnection);

    internal override string Describe() => $"tcp {LocalEndPoint}->{RemoteEndPoint}";

    /// <inheritdoc />
    public override string ToString() => $"TcpConn({LocalEndPoint}->{RemoteEndPoint})";
}
