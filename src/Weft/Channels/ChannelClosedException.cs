namespace Weft;

/// <summary>Thrown by a send on a closed channel (Go's "send on closed channel" panic).</summary>
public sealed class ChannelClosedException : InvalidOperationException
{
    /// <summary>Creates the exception with Go's message.</summary>
    public ChannelClosedException()
        : base("send on closed channel")
    {
    }

    /// <summary>Creates the exception with a custom message.</summary>
    public ChannelClosedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a custom message and an inner exception.</summary>
    public ChannelClosedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
