namespace Weft.Actors;

/// <summary>A supervisor's flags (OTP's <c>sup_flags</c>) and optional restart back-off.</summary>
public sealed record SupervisorOptions
{
    /// <summary>The restart strategy (default one-for-one).</summary>
    public RestartStrategy Strategy { get; init; } = RestartStrategy.OneForOne;

    /// <summary>
    /// The most restarts allowed within <see cref="Period"/> (default 1); one more and the supervisor stops all its
    /// children (reverse start order) and exits with <see cref="ExitReason.Shutdown"/>.
    /// </summary>
    public int Intensity
    {
        get => _intensity;
        init => _intensity = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(Intensity), value, "intensity is 0 or more");
    }

    /// <summary>The sliding window restarts are counted in (default 5 s).</summary>
    public TimeSpan Period
    {
        get => _period;
        init => _period = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(Period), value, "the period is positive");
    }

    /// <summary>Wait before each restart, growing exponentially while a child keeps failing; null (default): restart at once, as OTP does.</summary>
    public RestartBackoff? Backoff { get; init; }

    /// <summary>A name to register the supervisor under.</summary>
    public string? Name { get; init; }

    /// <summary>Milliseconds for the restart window and back-off (tests replace it to drive the window exactly).</summary>
    internal Func<long> Clock { get; init; } = static () => Environment.TickCount64;

    private readonly int _intensity = 1;
    private readonly TimeSpan _period = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Exponential restart back-off: the n-th consecutive restart of a child waits <c>Initial × Factor^(n−1)</c>, at most
/// <see cref="Max"/>; a child that stayed up for <see cref="Max"/> starts again from <see cref="Initial"/>. Restarts
/// still count towards the intensity when they are decided, not when they happen.
/// </summary>
/// <param name="Initial">The first wait.</param>
/// <param name="Max">The longest wait.</param>
public sealed record RestartBackoff(TimeSpan Initial, TimeSpan Max)
{
    /// <summary>The growth per consecutive restart (default 2).</summary>
    public double Factor { get; init; } = 2;

    /// <summary>The wait before the <paramref name="consecutive"/>-th consecutive restart (1-based).</summary>
    public TimeSpan Delay(int consecutive)
    {
        double ms = Initial.TotalMilliseconds * Math.Pow(Factor, Math.Max(0, consecutive - 1));
        return TimeSpan.FromMilliseconds(Math.Min(ms, Max.TotalMilliseconds));
    }
}
