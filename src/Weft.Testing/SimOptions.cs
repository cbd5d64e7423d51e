namespace Weft.Testing;

/// <summary>Settings of a simulated run (<see cref="Sim.Run"/>) or exploration (<see cref="Sim.Explore"/>).</summary>
public sealed class SimOptions
{
    /// <summary>Logical Ps (default 2). One thread drives them all; the number still decides where work is queued and stolen.</summary>
    public int MaxProcs { get; init; } = 2;

    /// <summary>How every scheduling choice is made (default <see cref="SimStrategy.Random"/>).</summary>
    public SimStrategy Strategy { get; init; } = SimStrategy.Random;

    /// <summary>Goroutine steps before a run is stopped as a livelock (default 100,000).</summary>
    public int MaxSteps { get; init; } = 100_000;

    /// <summary>After the body returns, run the other goroutines to quiescence and fail on any still alive (default true).</summary>
    public bool CheckLeaks { get; init; } = true;

    /// <summary>
    /// Coyote's "partial control": let goroutines await Tasks that complete outside the simulation (ThreadPool,
    /// plain threads) instead of failing the run. The run is then marked <see cref="SimRun.Reproducible"/> = false.
    /// </summary>
    public bool AllowUncontrolled { get; init; }

    /// <summary>May the simulation preempt a goroutine at a Weft await point that could complete at once (default true)?</summary>
    public bool PreemptAtAwaits { get; init; } = true;

    /// <summary>Explore: the seed of the first schedule; schedule i runs with <see cref="Sim.SeedOf"/>(BaseSeed, i). Default 1.</summary>
    public ulong BaseSeed { get; init; } = 1;

    /// <summary>Explore: shrink the decision log of a failing schedule (default true).</summary>
    public bool Shrink { get; init; } = true;

    /// <summary>Explore: most replays spent on shrinking (default 200).</summary>
    public int ShrinkBudget { get; init; } = 200;

    /// <summary>Where an exploration prints its report (default: standard output). xunit users pass ITestOutputHelper.WriteLine.</summary>
    public Action<string>? Output { get; init; }

    internal void Validate()
    {
        if (MaxProcs <= 0) throw new ArgumentOutOfRangeException(nameof(MaxProcs), MaxProcs, "SimOptions.MaxProcs must be at least 1.");
        if (MaxSteps <= 0) throw new ArgumentOutOfRangeException(nameof(MaxSteps), MaxSteps, "SimOptions.MaxSteps must be at least 1.");
        if (ShrinkBudget < 0) throw new ArgumentOutOfRangeException(nameof(ShrinkBudget), ShrinkBudget, "SimOptions.ShrinkBudget must not be negative.");
        ArgumentNullException.ThrowIfNull(Strategy, nameof(Strategy));
    }
}
