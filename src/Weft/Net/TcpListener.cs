using System.Net;
using Weft.Netpoll;
using Weft.Scheduling;

namespace Weft;

/// <summary>
/// A TCP listener (Go's <c>net.TCPListener</c>), created by <see cref="Net.Listen(IPEndPoint, int)"/>. Accept in a
/// loop from one goroutine and start a goroutine per connection; <see cref="Close"/> makes a pending
/// <see cref="AcceptAsync"/> fail with <see cref="ObjectDisposedException"/> (Go's "use of closed network connection").
/// </summary>
public sealed class TcpListener : IDisposable, INetDescribed
{
    private readonly ListenerBackend _backend;
    private DateTime? _deadline;

    internal TcpListener(ListenerBackend backend)
    {
        _backend = backend;
        LocalEndPoint = backend.LocalEndPoint;
    }

    /// <summary>The address the listener is bound to (with the port the system picked for port 0).</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Waits for the next connection. The goroutine parks in <c>IO wait</c> until one arrives.</summary>
    /// <exception cref="ObjectDisposedException">The listener is closed.</exception>
    /// <exception cref="DeadlineExceededException">The deadline set by <see cref="SetDeadline"/> passed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <exception cref="InvalidOperationException">Another accept is already waiting on this listener.</exception>
    public async GoTask<TcpConn> AcceptAsync(CancellationToken cancellationToken = default) =>
        new(await _backend.AcceptAsync(cancellationToken, this));

    /// <summary>
    /// Sets the accept deadline (Go's <c>SetDeadline</c>): a pending and every later accept fails with
    /// <see cref="DeadlineExceededException"/> once it passes, until it is moved. <c>default(DateTime)</c> clears it.
    /// </summary>
    public void SetDeadline(DateTime deadline)
    {
        _deadline = ConnDeadlines.ToUtcOrNull(deadline);
        _backend.SetDeadline(ConnDeadlines.ToClock(deadline));
    }

    /// <summary>Stops listening; a pending accept fails as closed. Idempotent.</summary>
    public void Close() => _backend.Close();

    /// <summary>Same as <see cref="Close"/>.</summary>
    public void Dispose() => Close();

    string INetDescribed.Describe() => Describe();

    internal string Describe() => $"tcp {LocalEndPoint}";

    DateTime? INetDescribed.DeadlineOf(IoMode mode) => _deadline;

    /// <inheritdoc />
    public override string ToString() => $"TcpListener({LocalEndPoint})";
}
