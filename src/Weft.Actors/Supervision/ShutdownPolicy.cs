namespace Weft.Actors;

/// <summary>How a supervisor stops a child: kill it, or ask it to shut down and wait (up to a timeout, or forever).</summary>
public sealed record ShutdownPolicy
{
    private ShutdownPolicy(TimeSpan? timeout, bool brutal)
    {
        Timeout = timeout;
        IsBrutalKill = brutal;
    }

    /// <summary>Kill at once (<see cref="ExitReason.Kill"/>): the child gets no chance to clean up.</summary>
    public static ShutdownPolicy BrutalKill { get; } = new(null, true);

    /// <summary>Send <see cref="ExitReason.Shutdown"/> and wait as long as it takes (the default for supervisors).</summary>
    public static ShutdownPolicy Infinity { get; } = new(null, false);

    /// <summary>The default for workers: <see cref="After"/> 5 s.</summary>
    public static ShutdownPolicy Default { get; } = After(TimeSpan.FromSeconds(5));

    /// <summary>Send <see cref="ExitReason.Shutdown"/>, wait up to <paramref name="timeout"/>, then kill.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The timeout is not positive.</exception>
    public static ShutdownPolicy After(TimeSpan timeout) => timeout > TimeSpan.Zero
        ? new ShutdownPolicy(timeout, false)
        : throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "a shutdown timeout is positive (use BrutalKill to kill at once)");

    /// <summary>The wait before killing; null for <see cref="BrutalKill"/> and <see cref="Infinity"/>.</summary>
    public TimeSpan? Timeout { get; }

    /// <summary>True for <see cref="BrutalKill"/>.</summary>
    public bool IsBrutalKill { get; }

    /// <summary><c>brutal_kill</c>, <c>infinity</c> or the timeout in ms.</summary>
    public override string ToString() => IsBrutalKill ? "brutal_kill" : Timeout is { } t ? $"{t.TotalMilliseconds:0}" : "infinity";
}
