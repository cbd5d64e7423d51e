namespace Weft.Actors;

/// <summary>
/// The one message a monitor delivers when its target ends (or at once, with <see cref="ExitReason.NoProc"/>, when the
/// target was already dead): Erlang's <c>{'DOWN', Ref, process, Pid, Reason}</c>.
/// </summary>
/// <param name="Ref">The monitor that fired.</param>
/// <param name="Pid">The monitored process.</param>
/// <param name="Reason">Why it ended.</param>
public sealed record Down(MonitorRef Ref, Pid Pid, ExitReason Reason);
