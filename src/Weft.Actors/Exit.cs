namespace Weft.Actors;

/// <summary>
/// The message a process that traps exits (<see cref="SpawnOptions.TrapExit"/>, <see cref="ProcessContext.TrapExit"/>)
/// receives instead of dying when a linked process ends or <see cref="Process.Exit"/> targets it: Erlang's
/// <c>{'EXIT', From, Reason}</c>.
/// </summary>
/// <param name="From">The process that ended (or sent the signal).</param>
/// <param name="Reason">Its reason.</param>
public sealed record Exit(Pid From, ExitReason Reason);
