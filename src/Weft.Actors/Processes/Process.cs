using Weft.Actors.Processes;

namespace Weft.Actors;

/// <summary>
/// Erlang's process BIFs that need no "self": spawn, send, exit signals, registered names. The ones that act on the
/// calling process (receive, link, monitor, trap_exit) are on the <see cref="ProcessContext"/> a body is given.
/// </summary>
public static class Process
{
    /// <summary>
    /// Starts a process: a goroutine (on the current <see cref="GoRuntime"/>) running <paramref name="body"/> with its
    /// own mailbox. It ends when the body returns (reason <see cref="ExitReason.Normal"/>) or throws (the exception).
    /// </summary>
    /// <exception cref="InvalidOperationException"><see cref="SpawnOptions.Name"/> is already registered.</exception>
    public static Pid Spawn(Func<ProcessContext, GoTask> body, SpawnOptions? options = null) =>
        Start(body, options, linkTo: null).Pid;

    /// <summary>Sends <paramref name="message"/> (Erlang's <c>!</c>). A send to a process that has ended is dropped silently.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The target's bounded mailbox is full (use <see cref="SendAsync"/> or <see cref="TrySend"/>).</exception>
    public static void Send(Pid to, object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (ProcessTable.Resolve(to)?.Mailbox.Post(message) == PostResult.Full)
            throw new InvalidOperationException($"the mailbox of {to} is full; use Process.SendAsync to wait for room or TrySend");
    }

    /// <summary>Sends to the process registered as <paramref name="name"/>.</summary>
    /// <exception cref="InvalidOperationException">No process is registered as <paramref name="name"/> (Erlang's badarg).</exception>
    public static void Send(string name, object message) =>
        Send(WhereIs(name) ?? throw new InvalidOperationException($"no process is registered as '{name}'"), message);

    /// <summary>Sends unless a bounded mailbox is full (false). A send to a dead process is dropped and returns true.</summary>
    public static bool TrySend(Pid to, object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return ProcessTable.Resolve(to)?.Mailbox.Post(message) != PostResult.Full;
    }

    /// <summary>Sends, parking the calling goroutine while the target's bounded mailbox is full.</summary>
    public static GoTask SendAsync(Pid to, object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var target = ProcessTable.Resolve(to);
        if (target is null || target.Mailbox.Post(message) != PostResult.Full) return GoTask.CompletedTask;
        return Wait(target.Mailbox.PostAsync(message));

        static async GoTask Wait(GoTask<bool> post) => await post;
    }

    /// <summary>
    /// Sends an exit signal (Erlang's <c>exit/2</c>): <see cref="ExitReason.Kill"/> ends <paramref name="target"/> even
    /// if it traps exits (its reason becomes <see cref="ExitReason.Killed"/>); a trapping target gets any other reason as
    /// an <see cref="Exit"/> message; otherwise a normal reason is ignored and any other ends the target. Ignored for
    /// a dead target. <paramref name="from"/> is what a trapping target sees as the sender.
    /// </summary>
    public static void Exit(Pid target, ExitReason reason, Pid from = default) => SendExitSignal(target, reason, from);

    /// <summary>True while <paramref name="pid"/>'s process lives.</summary>
    public static bool IsAlive(Pid pid) => ProcessTable.Resolve(pid)?.IsAlive == true;

    /// <summary>The process registered as <paramref name="name"/>, or null.</summary>
    public static Pid? WhereIs(string name) => ProcessTable.WhereIs(name)?.Pid;

    /// <summary>Registers <paramref name="pid"/> as <paramref name="name"/> (freed when the process ends).</summary>
    /// <exception cref="InvalidOperationException">The name is taken, the process already has a name, or it is not alive.</exception>
    public static void Register(string name, Pid pid) =>
        ProcessTable.Register(name, ProcessTable.Resolve(pid) ?? throw new InvalidOperationException($"cannot register '{name}': {pid} is not alive"));

    /// <summary>Frees <paramref name="name"/>; false if it was not registered.</summary>
    public static bool Unregister(string name) => ProcessTable.Unregister(name);

    /// <summary>The reason <paramref name="pid"/>'s process ended, or null while it lives (or if it is unknown).</summary>
    public static ExitReason? ExitReasonOf(Pid pid) => ProcessTable.Resolve(pid)?.ExitReason;

    internal static void SendExitSignal(Pid target, ExitReason reason, Pid from)
    {
        ArgumentNullException.ThrowIfNull(reason);
        ProcessTable.Resolve(target)?.ReceiveExitSignal(from, reason, killable: true);
    }

    /// <summary>Creates, optionally links (before it runs), registers and starts a process.</summary>
    internal static ProcessContext Start(
        Func<ProcessContext, GoTask> body, SpawnOptions? options, ProcessContext? linkTo, ProcessContext? monitorBy = null) =>
        Start(body, options, linkTo, monitorBy, out _);

    /// <summary>As above; <paramref name="monitor"/> is <paramref name="monitorBy"/>'s monitor, set up before the body runs.</summary>
    internal static ProcessContext Start(
        Func<ProcessContext, GoTask> body, SpawnOptions? options, ProcessContext? linkTo, ProcessContext? monitorBy, out MonitorRef monitor)
    {
        monitor = default;
        ArgumentNullException.ThrowIfNull(body);
        var process = new ProcessContext(options ?? SpawnOptions.Default);
        ProcessTable.Add(process);
        if (options?.Name is { } name)
        {
            try
            {
                ProcessTable.Register(name, process);
            }
            catch
            {
                ProcessTable.Remove(process);
                throw;
            }
        }

        if (linkTo is not null && !ProcessContext.TryLink(linkTo, process)) linkTo.ThrowIfExited();
        if (monitorBy is not null) monitor = monitorBy.MonitorProcess(process, process.Pid); // before it runs: the Down carries its real reason
        Go.Start(() => Run(process, body));
        return process;
    }

    /// <summary>The goroutine of a process: runs the body and turns how it ended into the exit reason.</summary>
    private static async GoTask Run(ProcessContext process, Func<ProcessContext, GoTask> body)
    {
        process.GoroutineId = Go.CurrentId;
        process.HostRuntime = GoRuntime.Current;
        ExitReason reason;
        try
        {
            await body(process);
            reason = ExitReason.Normal;
        }
        catch (ProcessExitException e)
        {
            reason = e.Reason;
        }
        catch (Exception e)
        {
            reason = ExitReason.FromException(e);
        }

        process.Terminate(reason); // no-op if an exit signal ended it first
    }
}
