using Weft.Contexts;
using Weft.Scheduling;

namespace Weft;

/// <summary>
/// Go's <c>context.Context</c>: a cancellation signal, a deadline and request-scoped values, passed down a call tree.
/// Derive contexts with <see cref="WithCancel"/>, <see cref="WithCancelCause"/>, <see cref="WithDeadline"/>,
/// <see cref="WithTimeout"/>, <see cref="WithValue"/>, <see cref="WithoutCancel"/>; run a function on cancellation with
/// <see cref="AfterFunc"/>. Canceling a context cancels every context derived from it.
/// </summary>
/// <remarks>
/// <para>As in Go, cancellation propagates down the tree with no goroutine per context: each cancelable context keeps
/// its children and cancels them itself. A deadline is a runtime timer (fired by the scheduler) when the context is
/// created inside a goroutine, a .NET timer otherwise.</para>
/// <para><see cref="Done"/> is a channel, closed on cancellation, that works in <see cref="Select"/>.
/// <see cref="CancellationToken"/> and <see cref="FromCancellationToken"/> convert both ways, and every Weft wait that
/// takes a <see cref="System.Threading.CancellationToken"/> also takes a context; a wait ended by a context throws
/// <see cref="OperationCanceledException"/>, and <see cref="Err"/> says why.</para>
/// </remarks>
public abstract class GoContext
{
    private protected GoContext()
    {
    }

    /// <summary>The root context: never canceled, no deadline, no values (Go's <c>context.Background()</c>).</summary>
    public static GoContext Background { get; } = new EmptyContext("context.Background");

    /// <summary>A placeholder root context for code not yet given one (Go's <c>context.TODO()</c>).</summary>
    public static GoContext TODO { get; } = new EmptyContext("context.TODO");

    /// <summary><see cref="Err"/> of a context canceled by its cancel function (Go's <c>context.Canceled</c>).</summary>
    public static Exception Canceled { get; } = new ContextCanceledException();

    /// <summary><see cref="Err"/> of a context whose deadline passed (Go's <c>context.DeadlineExceeded</c>).</summary>
    public static Exception DeadlineExceeded { get; } = new ContextDeadlineExceededException();

    /// <summary>
    /// A channel closed when the context is canceled; it never receives a value. For a context that can never be
    /// canceled it is a nil channel, which a <see cref="Select"/> case never picks (as in Go).
    /// </summary>
    public abstract ChanReader<bool> Done { get; }

    /// <summary>Null while the context is live; then <see cref="Canceled"/> or <see cref="DeadlineExceeded"/>.</summary>
    public abstract Exception? Err { get; }

    /// <summary>The deadline (UTC) after which the context is canceled, or null.</summary>
    public abstract DateTime? Deadline { get; }

    /// <summary>The value stored under <paramref name="key"/> by this context or an ancestor, or null.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    public object? Value(object key)
    {
        ArgumentNullException.ThrowIfNull(key);
        for (var c = this; c is not null; c = c.ParentForValues)
            if (c is ValueContext v && v.Key.Equals(key)) return v.Val;
        return null;
    }

    /// <summary>
    /// A token canceled together with this context (<see cref="System.Threading.CancellationToken.None"/> when it can never be canceled).
    /// Created on first use.
    /// </summary>
    public abstract CancellationToken CancellationToken { get; }

    /// <summary>The parent whose values this context inherits, or null at a root.</summary>
    private protected abstract GoContext? ParentForValues { get; }

    /// <summary>The nearest cancelable context this one is canceled with (itself if cancelable), or null.</summary>
    internal abstract CancelContext? Canceler { get; }

    /// <summary>
    /// Why <paramref name="context"/> was canceled (Go's <c>context.Cause</c>): the cause given to a
    /// <see cref="WithCancelCause"/> cancel function, else the same as <see cref="Err"/>; null while live.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    public static Exception? Cause(GoContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Canceler is { } c && c.Err is not null ? c.CauseValue : null;
    }

    /// <summary>A child context and the function that cancels it (with <see cref="Canceled"/>). Calling cancel again does nothing.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="parent"/> is null.</exception>
    public static (GoContext Context, Action Cancel) WithCancel(GoContext parent)
    {
        var c = new CancelContext(Checked(parent), "WithCancel");
        c.Attach();
        return (c, c.CancelFunc);
    }

    /// <summary>
    /// As <see cref="WithCancel"/>, but the cancel function takes a cause, returned by <see cref="Cause"/> (null means
    /// <see cref="Canceled"/>).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="parent"/> is null.</exception>
    public static (GoContext Context, Action<Exception?> Cancel) WithCancelCause(GoContext parent)
    {
        var c = new CancelContext(Checked(parent), "WithCancelCause");
        c.Attach();
        return (c, cause => c.Cancel(removeFromParent: true, Canceled, cause));
    }

    /// <summary>
    /// A child context canceled at <paramref name="deadline"/> (with <see cref="DeadlineExceeded"/>), when the parent
    /// is, or when cancel is called, whichever comes first. A parent deadline that is earlier wins.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="parent"/> is null.</exception>
    public static (GoContext Context, Action Cancel) WithDeadline(GoContext parent, DateTime deadline)
    {
        var utc = deadline.Kind == DateTimeKind.Local ? deadline.ToUniversalTime() : deadline;
        long remaining = Clock.ToNanoseconds(utc - DateTime.UtcNow > TimeSpan.Zero ? utc - DateTime.UtcNow : TimeSpan.Zero);
        return WithDeadlineAt(Checked(parent), SaturatedDeadline(remaining), utc);
    }

    /// <summary>As <see cref="WithDeadline"/> at now + <paramref name="timeout"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="parent"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite).</exception>
    public static (GoContext Context, Action Cancel) WithTimeout(GoContext parent, TimeSpan timeout)
    {
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "GoContext.WithTimeout: the timeout must not be negative.");
        if (timeout == Timeout.InfiniteTimeSpan) return WithCancel(parent);
        var utc = timeout > DateTime.MaxValue - DateTime.UtcNow ? DateTime.MaxValue : DateTime.UtcNow + timeout;
        return WithDeadlineAt(Checked(parent), SaturatedDeadline(Clock.ToNanoseconds(timeout)), utc);
    }

    /// <summary>A child context carrying <paramref name="value"/> under <paramref name="key"/> (Go's <c>context.WithValue</c>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="parent"/> or <paramref name="key"/> is null.</exception>
    public static GoContext WithValue(GoContext parent, object key, object? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new ValueContext(Checked(parent), key, value);
    }

    /// <summary>A context with the parent's values that is never canceled (Go's <c>context.WithoutCancel</c>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="parent"/> is null.</exception>
    public static GoContext WithoutCancel(GoContext parent) => new WithoutCancelContext(Checked(parent));

    /// <summary>
    /// Arranges for <paramref name="action"/> to run in its own goroutine once <paramref name="context"/> is canceled
    /// (at once if it already is). Returns stop: true if it prevented the run, false if the action had already been
    /// started or stopped (Go's <c>context.AfterFunc</c>).
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static Func<bool> AfterFunc(GoContext context, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var a = new AfterFuncNode(Checked(context), action, GoRuntime.CurrentOrDefault);
        a.Attach();
        return a.Stop;
    }

    /// <summary>A context canceled when <paramref name="token"/> is (Background's child); Background if the token can never be canceled.</summary>
    public static GoContext FromCancellationToken(CancellationToken token) => WithCancellationToken(Background, token);

    /// <summary>A child of <paramref name="parent"/> that is also canceled when <paramref name="token"/> is.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="parent"/> is null.</exception>
    public static GoContext WithCancellationToken(GoContext parent, CancellationToken token)
    {
        Checked(parent);
        if (!token.CanBeCanceled) return parent;
        var c = new CancelContext(parent, "WithCancellationToken");
        c.Attach();
        c.LinkToken(token);
        return c;
    }

    /// <summary>The token of a context argument of a Weft wait.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    internal static CancellationToken TokenOf(GoContext context) => Checked(context).CancellationToken;

    private static (GoContext, Action) WithDeadlineAt(GoContext parent, long when, DateTime utc)
    {
        if (parent.Deadline is { } current && current <= utc) return WithCancel(parent); // the parent's deadline comes first
        var c = new CancelContext(parent, "WithDeadline", utc);
        c.Attach();
        c.StartDeadline(when);
        return (c, c.CancelFunc);
    }

    private static long SaturatedDeadline(long remainingNs)
    {
        long now = Clock.Now;
        return remainingNs > long.MaxValue - now ? long.MaxValue : now + remainingNs;
    }

    private static GoContext Checked(GoContext parent) =>
        parent ?? throw new ArgumentNullException(nameof(parent), "A GoContext must not be null (use GoContext.Background).");
}
