namespace Weft.Actors;

/// <summary>
/// Unwinds a process's body when the process has ended: thrown by <see cref="ProcessContext.Exit(ExitReason)"/>, and by
/// the next receive (or link, monitor, spawn) of a process that an exit signal has already ended. The process's
/// runner catches it; let it propagate.
/// </summary>
public sealed class ProcessExitException : Exception
{
    /// <summary>An exception for a process ending with <paramref name="reason"/>.</summary>
    public ProcessExitException(ExitReason reason)
        : base($"the process exited: {reason}") => Reason = reason ?? throw new ArgumentNullException(nameof(reason));

    /// <summary>The reason the process ended.</summary>
    public ExitReason Reason { get; }
}
