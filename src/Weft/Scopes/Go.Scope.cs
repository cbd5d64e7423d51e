using Weft.Scheduling;

namespace Weft;

// Structured scopes (Scopes/Scope.cs).
public static partial class Go
{
    /// <summary>
    /// Opens a scope, runs <paramref name="body"/> (which starts children with <see cref="Weft.Scope.Go(Func{GoTask})"/>),
    /// and completes when every child has completed. The first failure cancels the other children and is rethrown,
    /// with later failures attached (<see cref="Weft.Scope.SuppressedOf"/>). Nested inside another scope (in its
    /// body or in one of its children), the new scope's context derives from the enclosing one.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    public static GoTask Scope(Func<Scope, GoTask> body) => Scope(new ScopeOptions(), body);

    /// <summary>As <see cref="Scope(Func{Scope, GoTask})"/>, returning the body's result once every child has completed.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    public static async GoTask<T> Scope<T>(Func<Scope, GoTask<T>> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        T result = default!;
        await Scope(new ScopeOptions(), async s => { result = await body(s); });
        return result;
    }

    /// <summary>Opens a scope with a join policy, a timeout and/or a parent context (see <see cref="ScopeOptions"/>).</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="InvalidOperationException">The options' policy already served another scope.</exception>
    public static GoTask Scope(ScopeOptions options, Func<Scope, GoTask> body)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(body);
        if (options.Timeout is { } t && t < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(options), t, "ScopeOptions.Timeout must not be negative.");
        var policy = options.Join ?? new AllSucceed();
        policy.Claim();
        var enclosing = G.Current?.ExtrasOrNull?.Scope as Scope;
        var parentContext = options.Context ?? enclosing?.Context ?? GoContext.Background;
        return new Scope(parentContext, policy, options.Timeout, enclosing).RunAsync(body);
    }

    /// <summary>
    /// Opens a supervisor scope (Kotlin's <c>supervisorScope</c>): a child's failure cancels nobody and does not fail
    /// the scope; the scope still waits for every child. Failures are available through a <see cref="WaitAll"/> policy
    /// passed with <see cref="Scope(ScopeOptions, Func{Scope, GoTask})"/>; a failing body still cancels the children and is rethrown.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    public static GoTask SupervisorScope(Func<Scope, GoTask> body) => Scope(new ScopeOptions { Join = new WaitAll() }, body);
}

/// <summary>Options of <see cref="Go.Scope(ScopeOptions, Func{Scope, GoTask})"/>.</summary>
public sealed class ScopeOptions
{
    /// <summary>The join policy (one object per scope); default <see cref="AllSucceed"/>.</summary>
    public JoinPolicy? Join { get; init; }

    /// <summary>A deadline relative to the scope's start: when it passes, the children are canceled and, if any failed, the scope throws <see cref="ContextDeadlineExceededException"/>.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>The parent context (default: the enclosing scope's, else <see cref="GoContext.Background"/>).</summary>
    public GoContext? Context { get; init; }
}
