namespace Weft.Actors;

/// <summary>When a supervisor restarts a child that ended.</summary>
public enum RestartType
{
    /// <summary>Always.</summary>
    Permanent,

    /// <summary>Only after an abnormal end (not <see cref="ExitReason.Normal"/> or <see cref="ExitReason.Shutdown"/>).</summary>
    Transient,

    /// <summary>Never; the child is forgotten when it ends.</summary>
    Temporary,
}

/// <summary>Whether a child is a worker or a supervisor (changes its default shutdown and what the dump shows).</summary>
public enum ChildType
{
    /// <summary>A worker: default shutdown 5 s.</summary>
    Worker,

    /// <summary>A supervisor: default shutdown infinity (its own children need time to stop).</summary>
    Supervisor,
}

/// <summary>What a supervisor does when a child needs a restart.</summary>
public enum RestartStrategy
{
    /// <summary>Restart only that child.</summary>
    OneForOne,

    /// <summary>Stop all other children (reverse start order), then restart all (start order).</summary>
    OneForAll,

    /// <summary>Stop the children started after it (reverse order), then restart it and them (start order).</summary>
    RestForOne,

    /// <summary>One child spec, children added dynamically with <see cref="Supervisor.StartChildAsync(Pid, object?)"/>; restarts as one-for-one.</summary>
    SimpleOneForOne,
}
