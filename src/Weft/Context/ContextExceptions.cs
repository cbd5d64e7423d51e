namespace Weft;

/// <summary>The <see cref="GoContext.Err"/> of a canceled context (Go's <c>context.Canceled</c>: "context canceled").</summary>
public sealed class ContextCanceledException : OperationCanceledException
{
    /// <summary>Creates the exception with Go's message.</summary>
    public ContextCanceledException()
        : base("context canceled")
    {
    }
}

/// <summary>
/// The <see cref="GoContext.Err"/> of a context whose deadline passed (Go's <c>context.DeadlineExceeded</c>:
/// "context deadline exceeded"). Also what a scope whose deadline passed throws.
/// </summary>
public sealed class ContextDeadlineExceededException : OperationCanceledException
{
    /// <summary>Creates the exception with Go's message.</summary>
    public ContextDeadlineExceededException()
        : base("context deadline exceeded")
    {
    }
}
