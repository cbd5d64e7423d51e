namespace Weft.Actors;

/// <summary>Spawning linked or monitored children.</summary>
public sealed partial class ProcessContext
{
    /// <summary>Starts a process linked to this one from its first instant (Erlang's <c>spawn_link</c>).</summary>
    public Pid SpawnLink(Func<ProcessContext, GoTask> body, SpawnOptions? options = null)
    {
        ThrowIfExited();
        return Process.Start(body, options, linkTo: this).Pid;
    }

    /// <summary>Starts a process and monitors it (Erlang's <c>spawn_monitor</c>).</summary>
    public (Pid Pid, MonitorRef Ref) SpawnMonitor(Func<ProcessContext, GoTask> body, SpawnOptions? options = null)
    {
        ThrowIfExited();
        var child = Process.Start(body, options, linkTo: null, monitorBy: this, out var reference);
        return (child.Pid, reference);
    }
}
