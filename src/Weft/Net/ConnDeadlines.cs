using Weft.Scheduling;

namespace Weft.Netpoll;

/// <summary>
/// The deadlines a connection (<see cref="TcpConn"/>, <see cref="UdpConn"/>) was given, kept by the public type for
/// error messages, and their conversion to the runtime's monotonic clock, which the backends enforce. A mutable
/// struct held in a field of its connection: call it through that field only. Writers: the goroutine setting the
/// deadline; read racily when an error message is built (a deadline moved meanwhile may be named; harmless).
/// </summary>
internal struct ConnDeadlines
{
    /// <summary>Deadlines set by the DateTime API (UTC), or null.</summary>
    private DateTime? _readWall, _writeWall;

    /// <summary>Deadlines set by the TimeSpan API, in Clock nanoseconds (0: none), for error messages.</summary>
    private long _readWhen, _writeWhen;

    /// <summary>Records a wall-clock deadline (<c>default</c>: none) and returns it in Clock nanoseconds for the backend.</summary>
    internal long Set(DateTime deadline, bool read, bool write)
    {
        var wall = ToUtcOrNull(deadline);
        if (read) (_readWall, _readWhen) = (wall, 0);
        if (write) (_writeWall, _writeWhen) = (wall, 0);
        return ToClock(deadline);
    }

    /// <summary>
    /// Records a deadline <paramref name="fromNow"/> from now on the monotonic clock (zero or less: already passed;
    /// <see cref="Timeout.InfiniteTimeSpan"/>: none) and returns it in Clock nanoseconds for the backend.
    /// </summary>
    internal long SetAfter(TimeSpan fromNow, bool read, bool write)
    {
        long when = 0;
        if (fromNow != Timeout.InfiniteTimeSpan)
        {
            long now = Clock.Now;
            when = fromNow <= TimeSpan.Zero ? Math.Max(1, now - 1) : now + Math.Min(Clock.ToNanoseconds(fromNow), long.MaxValue - now);
        }

        // No wall-clock read here (a hot path): error messages convert the monotonic deadline when they need it.
        if (read) (_readWall, _readWhen) = (null, when);
        if (write) (_writeWall, _writeWhen) = (null, when);
        return when;
    }

    /// <summary>The deadline of one direction for messages: as set by the DateTime API, else converted from the monotonic one.</summary>
    internal readonly DateTime? Of(IoMode mode) =>
        mode == IoMode.Read ? WallOf(_readWall, _readWhen) : WallOf(_writeWall, _writeWhen);

    private static DateTime? WallOf(DateTime? wall, long when) =>
        wall ?? (when == 0 ? null : DateTime.UtcNow + TimeSpan.FromTicks((when - Clock.Now) / 100));

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
