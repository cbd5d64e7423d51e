namespace Weft.Hosting;

/// <summary>Settings of the <see cref="GoRuntime"/> that <c>services.AddWeft(...)</c> runs with the host.</summary>
public sealed class WeftHostingOptions
{
    /// <summary>Number of Ps. Null: <c>WEFT_MAXPROCS</c>, else the cgroup CPU quota, else the processor count.</summary>
    public int? MaxProcs { get; set; }

    /// <summary>The runtime's name: its threads, its dumps, and the <c>weft.runtime</c> tag of its metrics.</summary>
    public string Name { get; set; } = "weft";

    /// <summary>How long a goroutine may run before sysmon asks it to yield (Go: 10 ms).</summary>
    public TimeSpan TimeSlice { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Record where each goroutine was created, for the dumps logged at shutdown and on deadlock.</summary>
    public bool TrackCreationSites { get; set; }

    /// <summary>Debug settings in <c>WEFT_DEBUG</c>'s format; null reads <c>WEFT_DEBUG</c>.</summary>
    public string? Debug { get; set; }

    /// <summary>
    /// How long stopping the host waits for goroutines to return after the root token is cancelled (default 10 s;
    /// the host's own shutdown timeout also bounds it). Goroutines still alive then are logged with a dump and
    /// abandoned when the runtime shuts down.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Stop the application when a goroutine panics or a goroutine service fails (default true, as
    /// <c>BackgroundService</c> failures stop the host). False: log and carry on.
    /// </summary>
    public bool StopHostOnFailure { get; set; } = true;

    /// <summary>
    /// Fail a goroutine service with a <see cref="DeadlockException"/> (logged, with the dump) when no goroutine can
    /// ever run again. Off by default: in a host, goroutines are usually woken from outside the runtime — the stop
    /// token, requests, timers of other libraries — which the deadlock check cannot see, so an idle service would
    /// look deadlocked. Turn it on for services whose goroutines only talk to each other.
    /// </summary>
    public bool DetectDeadlocks { get; set; }

    /// <summary>Checks the settings; throws naming the first bad one.</summary>
    internal void Validate()
    {
        if (MaxProcs is { } procs && procs < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxProcs), procs, "WeftHostingOptions.MaxProcs must be at least 1.");
        if (string.IsNullOrWhiteSpace(Name))
            throw new ArgumentException("WeftHostingOptions.Name must not be empty.", nameof(Name));
        if (TimeSlice <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(TimeSlice), TimeSlice, "WeftHostingOptions.TimeSlice must be positive.");
        if (ShutdownTimeout < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(ShutdownTimeout), ShutdownTimeout, "WeftHostingOptions.ShutdownTimeout must not be negative.");
    }
}
