namespace Weft;

/// <summary>
/// A network operation failed because its deadline passed (Go's <c>os.ErrDeadlineExceeded</c>, "i/o timeout"). The
/// connection stays usable: move the deadline (<see cref="NetConn.SetReadDeadline"/>) and try again.
/// </summary>
public sealed class DeadlineExceededException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What timed out, with the deadline.</param>
    /// <param name="deadline">The deadline that passed (UTC), or null when not known.</param>
    public DeadlineExceededException(string message, DateTime? deadline) : base(message) => Deadline = deadline;

    /// <summary>The deadline that passed (UTC), when known.</summary>
    public DateTime? Deadline { get; }
}
