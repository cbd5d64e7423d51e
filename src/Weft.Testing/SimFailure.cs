namespace Weft.Testing;

/// <summary>Why a simulated schedule failed.</summary>
public enum SimFailureKind
{
    /// <summary>The body, or a goroutine started with Go.Start, threw.</summary>
    Exception,

    /// <summary>A <see cref="Sim.Assert"/> failed.</summary>
    Assertion,

    /// <summary>Every goroutine is blocked and no timer is pending (Go's "all goroutines are asleep - deadlock!").</summary>
    Deadlock,

    /// <summary>Goroutines were still alive, blocked forever, once the body had returned and every other had run.</summary>
    LeakedGoroutine,

    /// <summary>The schedule ran more steps than <see cref="SimOptions.MaxSteps"/> (a livelock, or a budget too small).</summary>
    StepLimit,

    /// <summary>Code escaped the scheduler: an await of a Task completing outside it, or a plain thread readying a goroutine.</summary>
    Escape,
}

/// <summary>A failed schedule: what went wrong, and the exception if one was thrown.</summary>
/// <param name="Kind">The kind of failure.</param>
/// <param name="Message">A readable description, with the goroutine dump for deadlocks and leaks.</param>
/// <param name="Exception">The exception thrown, for <see cref="SimFailureKind.Exception"/> and <see cref="SimFailureKind.Assertion"/>.</param>
public sealed record SimFailure(SimFailureKind Kind, string Message, Exception? Exception = null)
{
    /// <summary>Two failures are "the same bug" for shrinking when their kind and exception type agree.</summary>
    internal bool SameAs(SimFailure other) => Kind == other.Kind && Exception?.GetType() == other.Exception?.GetType();

    /// <inheritdoc />
    public override string ToString() => $"{Kind}: {Message}";
}

/// <summary>A failed <see cref="Sim.Assert"/>.</summary>
public sealed class SimAssertionException(string message) : Exception(message);

/// <summary>
/// A simulated run or exploration failed; the message carries the seed, the strategy, the decision log and how to
/// replay it.
/// </summary>
public sealed class SimFailureException : Exception
{
    internal SimFailureException(string message, SimFailure failure, SimRun run)
        : base(message, failure.Exception)
    {
        Failure = failure;
        Run = run;
    }

    /// <summary>What went wrong.</summary>
    public SimFailure Failure { get; }

    /// <summary>The failing run (seed, decision log).</summary>
    public SimRun Run { get; }
}
