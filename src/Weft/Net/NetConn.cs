using Weft.Netpoll;

namespace Weft;

/// <summary>
/// What every Weft.Net connection shares (<see cref="TcpConn"/>, <see cref="UdpConn"/>): Go's deadlines and
/// <see cref="Close"/>, the methods of the same names on Go's <c>net.Conn</c> and <c>net.PacketConn</c>.
/// </summary>
/// <remarks>
/// Deadlines follow Go: a deadline is a point in time, not a per-call timeout. Once it passes, the pending operation
/// and every later one of that direction fail with <see cref="DeadlineExceededException"/> (naming the deadline)
/// until the deadline is moved; moving it later while an operation waits extends that operation; a deadline in the
/// past fails at once. <c>default(DateTime)</c> means no deadline. The connection stays usable.
/// </remarks>
public abstract class NetConn : IDisposable, IAsyncDisposable, INetDescribed
{
    /// <summary>What was set, for error messages; the backend enforces the deadlines.</summary>
    private ConnDeadlines _deadlines;

    /// <summary>Only Weft.Net's own connection types derive from this class.</summary>
    private protected NetConn()
    {
    }

    /// <summary>Hands a deadline in Clock nanoseconds (0: none) to the backend that enforces it.</summary>
    private protected abstract void ApplyDeadline(long when, bool read, bool write);

    /// <summary>Closes the connection; pending operations fail with <see cref="ObjectDisposedException"/>. Idempotent.</summary>
    public abstract void Close();

    /// <summary>Same as <see cref="Close"/>.</summary>
    public void Dispose() => Close();

    /// <summary>Same as <see cref="Close"/>.</summary>
    public ValueTask DisposeAsync()
    {
        Close();
        return default;
    }

    /// <summary>Sets the read and write deadlines (see the remarks on the type).</summary>
    public void SetDeadline(DateTime deadline) => ApplyDeadline(_deadlines.Set(deadline, read: true, write: true), read: true, write: true);

    /// <summary>Sets the read deadline (see the remarks on the type).</summary>
    public void SetReadDeadline(DateTime deadline) => ApplyDeadline(_deadlines.Set(deadline, read: true, write: false), read: true, write: false);

    /// <summary>Sets the write deadline (see the remarks on the type).</summary>
    public void SetWriteDeadline(DateTime deadline) => ApplyDeadline(_deadlines.Set(deadline, read: false, write: true), read: false, write: true);

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

    private void SetRelative(TimeSpan fromNow, bool read, bool write) => ApplyDeadline(_deadlines.SetAfter(fromNow, read, write), read, write);

    string INetDescribed.Describe() => Describe();

    /// <summary>How errors name the connection, in Go's spelling ("tcp 127.0.0.1:8080->127.0.0.1:51234").</summary>
    internal abstract string Describe();

    DateTime? INetDescribed.DeadlineOf(IoMode mode) => _deadlines.Of(mode);
}
