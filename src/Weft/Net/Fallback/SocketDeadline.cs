using Weft.Scheduling;

namespace Weft.Netpoll;

/// <summary>
/// One direction's deadline for the .NET-socket fallback: a cancellation source whose timer is moved (not replaced)
/// when the deadline changes, so an operation already waiting sees an extension, as in Go.
/// </summary>
internal sealed class SocketDeadline
{
    private CancellationTokenSource _source = new();
    private bool _expired;

    /// <summary>True while the deadline has passed (until it is moved).</summary>
    internal bool Expired
    {
        get
        {
            lock (this) return _expired || _source.IsCancellationRequested;
        }
    }

    /// <summary>The token an operation links with its own (canceled when the deadline passes).</summary>
    internal CancellationToken Token
    {
        get
        {
            lock (this) return _source.Token;
        }
    }

    /// <summary>Sets the deadline in Clock nanoseconds (0: none; at or before now: passed).</summary>
    internal void Set(long when)
    {
        lock (this)
        {
            if (_source.IsCancellationRequested)
            {
                _source.Dispose();
                _source = new CancellationTokenSource();
            }

            _expired = false;
            if (when <= 0)
            {
                _source.CancelAfter(Timeout.InfiniteTimeSpan);
                return;
            }

            long delay = when - Clock.Now;
            if (delay <= 0)
            {
                _expired = true;
                _source.Cancel();
                return;
            }

            _source.CancelAfter(TimeSpan.FromTicks(Math.Max(1, delay / 100)));
        }
    }
}
