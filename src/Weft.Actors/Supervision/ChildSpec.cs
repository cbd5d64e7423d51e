namespace Weft.Actors;

/// <summary>
/// One child of a supervisor (OTP's child specification): an id unique among its siblings, a start function that
/// starts the child and returns its pid (the supervisor links to it), and how it is restarted and stopped.
/// </summary>
public sealed record ChildSpec
{
    /// <summary>A child started by <paramref name="start"/>, given the supervisor's process (to link to, as <c>start_link</c> does).</summary>
    /// <exception cref="ArgumentException">The id is empty.</exception>
    public ChildSpec(string id, Func<ProcessContext, GoTask<Pid>> start)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(start);
        Id = id;
        StartWith = (parent, _) => start(parent);
    }

    private ChildSpec(string id, Func<ProcessContext, object?, GoTask<Pid>> start)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        Id = id;
        StartWith = start ?? throw new ArgumentNullException(nameof(start));
    }

    /// <summary>A worker process running <paramref name="body"/>.</summary>
    public static ChildSpec Worker(string id, Func<ProcessContext, GoTask> body, RestartType restart = RestartType.Permanent)
    {
        ArgumentNullException.ThrowIfNull(body);
        return new ChildSpec(id, parent => new GoTask<Pid>(parent.SpawnLink(body))) { Restart = restart };
    }

    /// <summary>
    /// The template of a <see cref="RestartStrategy.SimpleOneForOne"/> supervisor: <paramref name="start"/> gets the
    /// argument given to <see cref="Supervisor.StartChildAsync(Pid, object?)"/>.
    /// </summary>
    public static ChildSpec Template(string id, Func<ProcessContext, object?, GoTask<Pid>> start) => new(id, start);

    /// <summary>The id, unique among the supervisor's children.</summary>
    public string Id { get; }

    /// <summary>Starts the child: the supervisor's process and the start argument (simple-one-for-one; otherwise null).</summary>
    public Func<ProcessContext, object?, GoTask<Pid>> StartWith { get; }

    /// <summary>When the child is restarted (default <see cref="RestartType.Permanent"/>).</summary>
    public RestartType Restart { get; init; } = RestartType.Permanent;

    /// <summary>How the child is stopped; null: 5 s for a worker, infinity for a supervisor.</summary>
    public ShutdownPolicy? Shutdown { get; init; }

    /// <summary>Worker or supervisor.</summary>
    public ChildType Type { get; init; } = ChildType.Worker;

    /// <summary>The shutdown in force.</summary>
    public ShutdownPolicy EffectiveShutdown => Shutdown ?? (Type == ChildType.Supervisor ? ShutdownPolicy.Infinity : ShutdownPolicy.Default);
}
