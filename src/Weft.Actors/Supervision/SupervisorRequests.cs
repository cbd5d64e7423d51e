namespace Weft.Actors.Supervision;

/// <summary>Calls a supervisor answers (Erlang's <c>supervisor:start_child</c> and friends).</summary>
internal abstract record SupervisorRequest;

internal sealed record StartChild(ChildSpec Spec) : SupervisorRequest;

internal sealed record StartDynamicChild(object? Argument) : SupervisorRequest;

internal sealed record TerminateChild(string? Id, Pid? Pid) : SupervisorRequest;

internal sealed record RestartChild(string Id) : SupervisorRequest;

internal sealed record DeleteChild(string Id) : SupervisorRequest;

internal sealed record WhichChildren : SupervisorRequest;

/// <summary>A back-off (or a failed start) ran out: restart these children, in order, if they are still down.</summary>
internal sealed record RestartDue(IReadOnlyList<object> Children);

/// <summary>A call the supervisor refused: the caller rethrows <see cref="Error"/>, the supervisor lives on.</summary>
internal sealed record Refused(Exception Error);
