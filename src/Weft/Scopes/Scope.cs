using Weft.Scheduling;

namespace Weft;

/// <summary>
/// A structured concurrency scope (Kotlin's <c>coroutineScope</c>, Java's <c>StructuredTaskScope</c>), opened with
/// <see cref="Go.Scope(Func{Scope, GoTask})"/>. Children started with <see cref="Go(Func{GoTask})"/> run as goroutines;
/// the scope does not end before every child has ended, so no goroutine it started outlives it. Its
/// <see cref="JoinPolicy"/> decides when to shut down — cancel <see cref="Context"/>, which children observe — and how
/// the scope ends.
/// </summary>
/// <remarks>
/// Only the goroutine that opened the scope (its owner) may start children, and only until the body returns; a child
/// that wants children of its own opens a nested scope, whose context derives from this one, so cancellation flows
/// down the tree. <see cref="Weft.Go.Dump"/> lists the tree of live scopes and which goroutines belong to each.
/// </remarks>
public sealed class Scope
{
    /// <summary>The key under which a scope attaches later failures to the exception it rethrows (see <see cref="SuppressedOf"/>).</summary>
    public const string SuppressedKey = "Weft.Scope.Suppressed";

    private static long s_ids;

    private readonly G? _owner;
    private readonly GoRuntime _runtime;
    private readonly JoinPolicy _policy;
    private readonly Action _cancel;

    /// <summary>
    /// The children's handles, joined in order by the owner. Awaiting a handle whose goroutine has not started runs it
    /// inline (see ARCHITECTURE §2, joining), so a tree of scopes runs depth-first instead of queueing every leaf.
    /// Owner only.
    /// </summary>
    private readonly List<GoTask> _children = [];
    private readonly object _policyLock = new();

    /// <summary>Children started so far (their indexes).</summary>
    private int _started;

    /// <summary>1 once shutting down (policy decision, body failure, or <see cref="Cancel"/>). Interlocked.</summary>
    private int _shuttingDown;

    /// <summary>True once the body has returned: no more children.</summary>
    private volatile bool _closed;

    internal Scope(GoContext parentContext, JoinPolicy policy, TimeSpan? timeout, Scope? parent)
    {
        Id = Interlocked.Increment(ref s_ids);
        _owner = G.Current;
        _runtime = GoRuntime.CurrentOrDefault;
        _policy = policy;
        Parent = parent;
        (Context, _cancel) = timeout is { } t ? GoContext.WithTimeout(parentContext, t) : GoContext.WithCancel(parentContext);
    }

    /// <summary>A number identifying the scope in dumps.</summary>
    public long Id { get; }

    /// <summary>The context children should observe: canceled when the scope shuts down, its deadline passes, or its parent is canceled.</summary>
    public GoContext Context { get; }

    /// <summary><see cref="Context"/> as a token.</summary>
    public CancellationToken CancellationToken => Context.CancellationToken;

    /// <summary>The enclosing scope, or null.</summary>
    internal Scope? Parent { get; }

    internal G? Owner => _owner;

    internal string PolicyName => _policy.Name;

    /// <summary>The later failures attached to an exception a scope rethrew (empty if none).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="exception"/> is null.</exception>
    public static IReadOnlyList<Exception> SuppressedOf(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.Data[SuppressedKey] as Exception[] ?? [];
    }

    /// <summary>Starts <paramref name="child"/> as a goroutine of this scope.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="child"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Not called by the scope's owner, or the body has already returned.</exception>
    public void Go(Func<GoTask> child)
    {
        ArgumentNullException.ThrowIfNull(child);
        int index = Admit();
        _children.Add(_runtime.Spawn(() => RunChild(child, index)));
    }

    /// <summary>Starts <paramref name="child"/> as a goroutine of this scope; its result goes to the policy (e.g. <see cref="FirstSuccess{T}"/>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="child"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Not called by the scope's owner, or the body has already returned.</exception>
    public void Go<T>(Func<GoTask<T>> child)
    {
        ArgumentNullException.ThrowIfNull(child);
        int index = Admit();
        _children.Add(_runtime.Spawn(() => RunChild(child, index)));
    }

    /// <summary>Shuts the scope down: cancels <see cref="Context"/>; the scope still waits for its children.</summary>
    public void Cancel() => ShutDown();

    private int Admit()
    {
        if (G.Current != _owner)
            throw new InvalidOperationException($"Only the goroutine that opened scope {Id} may start children in it; a child can open a nested Go.Scope.");
        if (_closed) throw new InvalidOperationException($"Scope {Id} has ended its body: no more children can be started in it.");
        return _started++;
    }

    private async GoTask RunChild(Func<GoTask> child, int index)
    {
        G.Current!.Extras.Scope = this;
        Exception? failure = null;
        try
        {
            await child();
        }
        catch (Exception e)
        {
            failure = e;
        }

        Finish(new ScopeChild(index, null, failure));
    }

    private async GoTask RunChild<T>(Func<GoTask<T>> child, int index)
    {
        G.Current!.Extras.Scope = this;
        ScopeChild outcome;
        try
        {
            outcome = new ScopeChild(index, await child(), null);
        }
        catch (Exception e)
        {
            outcome = new ScopeChild(index, null, e);
        }

        Finish(outcome);
    }

    private void Finish(ScopeChild outcome)
    {
        bool shutDown;
        lock (_policyLock) shutDown = _policy.OnChildCompleted(outcome, Volatile.Read(ref _shuttingDown) != 0);
        if (shutDown) ShutDown();
        G.Current!.Extras.Scope = null;
    }

    private void ShutDown()
    {
        if (Interlocked.Exchange(ref _shuttingDown, 1) == 0) _cancel();
    }

    /// <summary>Runs the body on the owner, then joins every child and lets the policy decide the outcome.</summary>
    internal async GoTask RunAsync(Func<Scope, GoTask> body)
    {
        var g = G.Current;
        object? outer = g?.ExtrasOrNull?.Scope;
        if (g is not null) g.Extras.Scope = this;
        Exception? bodyFailure = null;
        try
        {
            await body(this);
        }
        catch (Exception e)
        {
            bodyFailure = e;
            ShutDown();
        }

        _closed = true;
        // The children catch their own failures (RunChild), so these awaits never throw.
        foreach (var child in _children) await child;
        if (g is not null) g.Extras.Scope = outer;
        try
        {
            _policy.OnJoined(bodyFailure);
        }
        catch (OperationCanceledException e) when (e is not ContextDeadlineExceededException && Context.Err is ContextDeadlineExceededException)
        {
            // The scope's deadline canceled the children: report the deadline (Kotlin's withTimeout), keep the rest.
            var deadline = new ContextDeadlineExceededException();
            deadline.Data[SuppressedKey] = SuppressedOf(e).Prepend(e).ToArray();
            throw deadline;
        }
        finally
        {
            _cancel(); // release the context (and its deadline timer)
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"scope {Id} [{PolicyName}]";
}
