namespace Weft;

/// <summary>Settings of a <see cref="GoRuntime"/>. Every property has a sensible default.</summary>
public sealed class GoOptions
{
    /// <summary>
    /// Number of Ps (the parallelism bound). Null: <c>WEFT_MAXPROCS</c> if set, else the cgroup CPU quota (floored,
    /// at least 1), else <see cref="Environment.ProcessorCount"/>.
    /// </summary>
    public int? MaxProcs { get; init; }

    /// <summary>Most OS threads the runtime may own; exceeding it is a fatal error, like Go's (default 10,000).</summary>
    public int MaxThreads { get; init; } = 10_000;

    /// <summary>
    /// Receives exceptions that escape a goroutine started with <see cref="GoRuntime.Start(Func{GoTask})"/>. Null (the
    /// default): the process prints <c>panic:</c> with the goroutine and the exception to stderr and exits with code 2.
    /// </summary>
    public Action<GoroutinePanic>? PanicHandler { get; init; }

    /// <summary>
    /// How long a goroutine may run before sysmon asks it to yield at its next await point (Go: 10 ms). A step that
    /// still has not reached an await point a time slice later loses its P to another M.
    /// </summary>
    public TimeSpan TimeSlice { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Fail <see cref="GoRuntime.Run(Func{GoTask})"/> with a <see cref="DeadlockException"/> when no goroutine can
    /// ever run again (default true). Goroutines woken only by code outside the runtime (a plain thread sending on a
    /// channel it has not yet started waiting on) look deadlocked; turn this off for such programs.
    /// </summary>
    public bool DetectDeadlocks { get; init; } = true;

    /// <summary>Record where each goroutine was created, for dumps (costs a stack trace per start).</summary>
    public bool TrackCreationSites { get; init; }

    /// <summary>
    /// Debug settings in the format of <c>WEFT_DEBUG</c> (comma-separated <c>name=value</c>, e.g. <c>schedtrace=1000</c>).
    /// Null: read <c>WEFT_DEBUG</c> from the environment.
    /// </summary>
    public string? Debug { get; init; }

    /// <summary>Where runtime diagnostics (schedtrace, panics) are written. Null: standard error.</summary>
    public TextWriter? DiagnosticOutput { get; init; }

    /// <summary>A name for the runtime's threads and diagnostics.</summary>
    public string Name { get; init; } = "weft";
}

/// <summary>An exception that escaped a goroutine, as handed to <see cref="GoOptions.PanicHandler"/>.</summary>
/// <param name="GoroutineId">The id of the goroutine that panicked.</param>
/// <param name="Exception">The exception.</param>
public sealed record GoroutinePanic(long GoroutineId, Exception Exception);
