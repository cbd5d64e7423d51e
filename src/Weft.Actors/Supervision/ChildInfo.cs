namespace Weft.Actors;

/// <summary>A supervisor's child as <see cref="Supervisor.WhichChildrenAsync"/> and the dump report it.</summary>
/// <param name="Id">The spec's id.</param>
/// <param name="Pid">The running process, or null (not running: ended and not restarted, or waiting for a back-off).</param>
/// <param name="Type">Worker or supervisor.</param>
/// <param name="Restart">The restart type.</param>
/// <param name="Restarts">How many times the supervisor has restarted it.</param>
public sealed record ChildInfo(string Id, Pid? Pid, ChildType Type, RestartType Restart, int Restarts);
