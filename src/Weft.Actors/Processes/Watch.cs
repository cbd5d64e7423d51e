namespace Weft.Actors.Processes;

/// <summary>
/// One monitor on a process: a <see cref="Down"/> for a watching process, or the reason on a channel for a waiter
/// that is not a process (a <c>GenServer.CallAsync</c> from anywhere). Fired at most once, by the target's termination.
/// </summary>
internal sealed class Watch(MonitorRef reference, ProcessContext? watcher, Chan<ExitReason>? channel)
{
    internal MonitorRef Ref => reference;

    internal ProcessContext? Watcher => watcher;

    internal void Fire(Pid target, ExitReason reason)
    {
        if (watcher is not null) watcher.Mailbox.Post(new Down(reference, target, reason), signal: true);
        else channel!.TrySend(reason); // capacity 1, one firing: never blocks
    }
}
