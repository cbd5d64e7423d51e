namespace Weft.Testing;

/// <summary>The outcome of one simulated schedule.</summary>
public sealed class SimRun
{
    internal SimRun(ulong seed, DecisionLog decisions, int steps, TimeSpan virtualElapsed, SimFailure? failure, bool reproducible)
    {
        Seed = seed;
        Decisions = decisions;
        Steps = steps;
        VirtualElapsed = virtualElapsed;
        Failure = failure;
        Reproducible = reproducible;
    }

    /// <summary>The seed the schedule ran with (0 for a replay of a decision log).</summary>
    public ulong Seed { get; }

    /// <summary>Every choice the schedule made, in order.</summary>
    public DecisionLog Decisions { get; }

    /// <summary>Goroutine steps run.</summary>
    public int Steps { get; }

    /// <summary>How far the virtual clock moved.</summary>
    public TimeSpan VirtualElapsed { get; }

    /// <summary>Null when the schedule succeeded.</summary>
    public SimFailure? Failure { get; }

    /// <summary>False when <see cref="SimOptions.AllowUncontrolled"/> let code outside the scheduler take part.</summary>
    public bool Reproducible { get; }

    /// <summary>True when the schedule succeeded.</summary>
    public bool Succeeded => Failure is null;
}
