namespace Weft;

/// <summary>
/// No goroutine of the runtime can ever run again: every one is parked on a Weft channel, select or primitive, no
/// timer is pending, and no blocking call or foreign await is outstanding (Go's fatal
/// "all goroutines are asleep - deadlock!"). Thrown by <see cref="GoRuntime.Run(Func{GoTask})"/> and
/// <see cref="GoRuntime.RunAsync(Func{GoTask})"/>; the message carries the goroutine dump.
/// </summary>
public sealed class DeadlockException : Exception
{
    /// <summary>Go's message.</summary>
    public const string Headline = "all goroutines are asleep - deadlock!";

    /// <summary>Creates the exception with the dump of the stuck goroutines.</summary>
    public DeadlockException(string dump)
        : base(Headline + Environment.NewLine + Environment.NewLine + dump)
    {
        Dump = dump;
    }

    /// <summary>Creates the exception with Go's message and no dump.</summary>
    public DeadlockException()
        : base(Headline)
    {
        Dump = string.Empty;
    }

    /// <summary>Creates the exception with a custom message.</summary>
    public DeadlockException(string message, Exception innerException)
        : base(message, innerException)
    {
        Dump = string.Empty;
    }

    /// <summary>The goroutine dump at the time of the deadlock.</summary>
    public string Dump { get; }
}
