using Weft.Actors.Supervision;

namespace Weft.Actors;

/// <summary>Starting and managing supervisors (Erlang's <c>supervisor</c> module).</summary>
public static class Supervisor
{
    /// <summary>
    /// Starts a supervisor that starts <paramref name="children"/> in order (waiting for each) and returns once all run.
    /// If one fails to start, those already started are stopped in reverse order and this throws.
    /// </summary>
    /// <exception cref="ArgumentException">Two children share an id, or a simple-one-for-one supervisor has not exactly one template.</exception>
    /// <exception cref="InvalidOperationException">A child failed to start (the inner exception says why).</exception>
    public static GoTask<Pid> StartAsync(SupervisorOptions options, params IEnumerable<ChildSpec> children) =>
        GenServer.StartAsync(Create(options, children), new SpawnOptions { Name = options.Name, TrapExit = true });

    /// <summary>As <see cref="StartAsync"/>, linked to <paramref name="parent"/> (a child spec's start function for a nested supervisor).</summary>
    public static GoTask<Pid> StartLinkAsync(ProcessContext parent, SupervisorOptions options, params IEnumerable<ChildSpec> children) =>
        GenServer.StartLinkAsync(parent, Create(options, children), new SpawnOptions { Name = options.Name, TrapExit = true });

    /// <summary>A child spec that runs a nested supervisor (type <see cref="ChildType.Supervisor"/>, shutdown infinity).</summary>
    public static ChildSpec Spec(string id, SupervisorOptions options, params IEnumerable<ChildSpec> children)
    {
        var list = children.ToList();
        Create(options, list); // validate now, at the mistake, not when the parent starts it
        return new ChildSpec(id, parent => StartLinkAsync(parent, options, list)) { Type = ChildType.Supervisor };
    }

    /// <summary>Adds and starts a child (not for simple-one-for-one). Returns its pid.</summary>
    /// <exception cref="InvalidOperationException">The id is already present or started, or the start failed.</exception>
    public static GoTask<Pid> StartChildAsync(Pid supervisor, ChildSpec spec) =>
        CallAsync<Pid>(supervisor, new StartChild(spec ?? throw new ArgumentNullException(nameof(spec))));

    /// <summary>Starts a child of a simple-one-for-one supervisor from its template with <paramref name="argument"/>.</summary>
    public static GoTask<Pid> StartChildAsync(Pid supervisor, object? argument) => CallAsync<Pid>(supervisor, new StartDynamicChild(argument));

    /// <summary>Stops the child <paramref name="id"/> by its shutdown policy; it is not restarted (its spec stays unless temporary).</summary>
    public static GoTask TerminateChildAsync(Pid supervisor, string id) => Discard(CallAsync<bool>(supervisor, new TerminateChild(id, null)));

    /// <summary>Stops the child process <paramref name="child"/> (how simple-one-for-one children are stopped).</summary>
    public static GoTask TerminateChildAsync(Pid supervisor, Pid child) => Discard(CallAsync<bool>(supervisor, new TerminateChild(null, child)));

    /// <summary>Starts a terminated child again from its spec.</summary>
    public static GoTask<Pid> RestartChildAsync(Pid supervisor, string id) => CallAsync<Pid>(supervisor, new RestartChild(id));

    /// <summary>Forgets a terminated child's spec.</summary>
    public static GoTask DeleteChildAsync(Pid supervisor, string id) => Discard(CallAsync<bool>(supervisor, new DeleteChild(id)));

    /// <summary>The children in start order with their pids and restart counts.</summary>
    public static GoTask<IReadOnlyList<ChildInfo>> WhichChildrenAsync(Pid supervisor) =>
        CallAsync<IReadOnlyList<ChildInfo>>(supervisor, new WhichChildren());

    private static SupervisorServer Create(SupervisorOptions options, IEnumerable<ChildSpec> children)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(children);
        var list = children.ToList();
        if (list.Any(c => c is null)) throw new ArgumentException("a child spec is null", nameof(children));
        var duplicate = list.GroupBy(c => c.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"duplicate child id '{duplicate.Key}' (OTP's duplicate_child_name)", nameof(children));
        if (options.Strategy == RestartStrategy.SimpleOneForOne && list.Count != 1)
            throw new ArgumentException($"a simple_one_for_one supervisor takes exactly one child spec (its template), not {list.Count}", nameof(children));
        return new SupervisorServer(options, list);
    }

    private static async GoTask<T> CallAsync<T>(Pid supervisor, SupervisorRequest request)
    {
        var reply = await GenServer.CallAsync(supervisor, request, Timeout.InfiniteTimeSpan);
        if (reply is Refused refused) throw refused.Error;
        return (T)reply!;
    }

    private static async GoTask Discard<T>(GoTask<T> call) => await call;
}
