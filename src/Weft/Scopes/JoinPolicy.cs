namespace Weft;

/// <summary>How one child of a <see cref="Scope"/> ended, as a <see cref="JoinPolicy"/> sees it.</summary>
/// <param name="Index">The order in which the child was started (0-based).</param>
/// <param name="Result">The child's result (children started with <see cref="Scope.Go{T}"/>), else null.</param>
/// <param name="Failure">The exception the child threw, or null on success.</param>
public readonly record struct ScopeChild(int Index, object? Result, Exception? Failure)
{
    /// <summary>True when the child returned normally.</summary>
    public bool Succeeded => Failure is null;
}

/// <summary>
/// Decides when a <see cref="Scope"/> shuts down (cancels its remaining children) and how it ends (Java's
/// StructuredTaskScope policies). Built in: <see cref="AllSucceed"/> (the default), <see cref="FirstSuccess{T}"/>,
/// <see cref="WaitAll"/>. Subclass it for a custom policy. A policy object serves one scope.
/// </summary>
public abstract class JoinPolicy
{
    private int _used;

    /// <summary>
    /// A child finished. Calls come one at a time (under the scope's policy lock: keep them short). Return true to
    /// shut the scope down: its context is canceled, so the remaining children stop (cooperatively).
    /// </summary>
    /// <param name="child">How it ended.</param>
    /// <param name="shuttingDown">True when the scope is already shutting down (a failure after that is usually a consequence).</param>
    protected internal abstract bool OnChildCompleted(ScopeChild child, bool shuttingDown);

    /// <summary>Every child has finished: throw to fail the scope. <paramref name="bodyFailure"/> is what the scope's body threw, if anything.</summary>
    protected internal virtual void OnJoined(Exception? bodyFailure)
    {
        if (bodyFailure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(bodyFailure).Throw();
    }

    /// <summary>The policy's short name for dumps.</summary>
    public virtual string Name => GetType().Name;

    /// <summary>Claims the policy for one scope.</summary>
    internal void Claim()
    {
        if (Interlocked.Exchange(ref _used, 1) != 0)
            throw new InvalidOperationException($"This {GetType().Name} policy already served a scope; create one per scope.");
    }

    /// <summary>
    /// Throws <paramref name="first"/> (its stack trace kept) with <paramref name="later"/> attached under
    /// <see cref="Scope.SuppressedKey"/>; see <see cref="Scope.SuppressedOf"/>.
    /// </summary>
    protected static void ThrowWithSuppressed(Exception first, IReadOnlyList<Exception> later)
    {
        if (later.Count > 0) first.Data[Scope.SuppressedKey] = later.ToArray();
        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
    }
}

/// <summary>
/// The default policy: every child must succeed. The first failure shuts the scope down and is rethrown when all
/// children have finished, with the later failures attached (cancellations caused by the shutdown are not failures).
/// </summary>
public sealed class AllSucceed : JoinPolicy
{
    private readonly List<Exception> _failures = [];

    /// <inheritdoc />
    public override string Name => "all-succeed";

    /// <inheritdoc />
    protected internal override bool OnChildCompleted(ScopeChild child, bool shuttingDown)
    {
        if (child.Failure is null) return false;
        if (shuttingDown && child.Failure is OperationCanceledException) return false;
        _failures.Add(child.Failure);
        return true;
    }

    /// <inheritdoc />
    protected internal override void OnJoined(Exception? bodyFailure)
    {
        if (bodyFailure is not null) ThrowWithSuppressed(bodyFailure, _failures);
        if (_failures.Count > 0) ThrowWithSuppressed(_failures[0], _failures.GetRange(1, _failures.Count - 1));
    }
}

/// <summary>
/// The first child to succeed wins: its result is <see cref="Result"/> and the others are canceled. If none
/// succeeds, the scope throws the first failure with the others attached.
/// </summary>
/// <typeparam name="T">The children's result type.</typeparam>
public sealed class FirstSuccess<T> : JoinPolicy
{
    private readonly List<Exception> _failures = [];
    private bool _won;
    private T _result = default!;

    /// <inheritdoc />
    public override string Name => "first-success";

    /// <summary>The winning child's result.</summary>
    /// <exception cref="InvalidOperationException">No child has succeeded.</exception>
    public T Result => _won ? _result : throw new InvalidOperationException("FirstSuccess: no child has succeeded.");

    /// <inheritdoc />
    protected internal override bool OnChildCompleted(ScopeChild child, bool shuttingDown)
    {
        if (_won) return false;
        if (child.Failure is not null)
        {
            _failures.Add(child.Failure);
            return false;
        }

        _won = true;
        _result = child.Result is T t ? t : default!;
        return true;
    }

    /// <inheritdoc />
    protected internal override void OnJoined(Exception? bodyFailure)
    {
        if (bodyFailure is not null) ThrowWithSuppressed(bodyFailure, _failures);
        if (_won) return;
        if (_failures.Count > 0) ThrowWithSuppressed(_failures[0], _failures.GetRange(1, _failures.Count - 1));
        throw new InvalidOperationException("FirstSuccess: the scope had no children.");
    }
}

/// <summary>
/// Waits for every child regardless of failures: nothing is canceled by a child and the scope does not throw for
/// them; they are in <see cref="Failures"/>. The policy of <see cref="Go.SupervisorScope(Func{Scope, GoTask})"/>.
/// </summary>
public sealed class WaitAll : JoinPolicy
{
    private readonly List<Exception> _failures = [];

    /// <inheritdoc />
    public override string Name => "wait-all";

    /// <summary>The children's failures, in the order they ended.</summary>
    public IReadOnlyList<Exception> Failures => _failures;

    /// <inheritdoc />
    protected internal override bool OnChildCompleted(ScopeChild child, bool shuttingDown)
    {
        if (child.Failure is not null) _failures.Add(child.Failure);
        return false;
    }
}
