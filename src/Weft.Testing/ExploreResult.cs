namespace Weft.Testing;

/// <summary>The outcome of <see cref="Sim.Explore"/> or <see cref="Sim.Search"/>.</summary>
public sealed class ExploreResult
{
    internal ExploreResult(int schedules, SimRun? failingRun, DecisionLog? shrunk, string report, TimeSpan wallTime)
    {
        Schedules = schedules;
        FailingRun = failingRun;
        ShrunkDecisions = shrunk;
        Report = report;
        WallTime = wallTime;
    }

    /// <summary>Schedules run, the failing one included.</summary>
    public int Schedules { get; }

    /// <summary>The first failing schedule, or null when all passed.</summary>
    public SimRun? FailingRun { get; }

    /// <summary>A shorter decision log that fails the same way (null when nothing failed or shrinking was off).</summary>
    public DecisionLog? ShrunkDecisions { get; }

    /// <summary>True when a schedule failed.</summary>
    public bool Found => FailingRun is not null;

    /// <summary>What was printed: the failure, seed, strategy and replay calls, or the summary of a clean exploration.</summary>
    public string Report { get; }

    /// <summary>Real time spent running schedules (shrinking excluded).</summary>
    public TimeSpan WallTime { get; }
}
