using Weft.Actors.Diagnostics;

namespace Weft.Actors;

/// <summary>
/// A process as seen from its own body (Erlang's <c>self()</c> and the BIFs that act on it): its <see cref="Pid"/>,
/// its mailbox (<see cref="ReceiveAsync()"/> with selective receive and timeouts), its links, monitors and exit
/// trapping. Passed to the body by <see cref="Process.Spawn"/>; only that body (its goroutine) may receive, link,
/// monitor or change <see cref="TrapExit"/>.
/// </summary>
/// <remarks>
/// Ending: a process ends when its body returns (<see cref="ExitReason.Normal"/>), throws (the exception is the reason),
/// calls <see cref="Exit(ExitReason)"/>, or gets an exit signal it does not trap. An exit signal ends it at once for
/// everyone else (its links and monitors fire, its name is freed, sends are dropped); its goroutine cannot be stopped
/// from outside, so its body is unwound with <see cref="ProcessExitException"/> at its next receive, link, monitor or
/// spawn. Bodies that compute for long stretches without receiving can watch <see cref="ExitedToken"/>.
/// </remarks>
public sealed partial class ProcessContext
{
    internal readonly long Id;
    internal readonly Processes.Mailbox Mailbox;

    /// <summary>Guards the process's life state, links and monitors. Never held while taking another gate, except in
    /// <see cref="Link"/>, which takes two in pid order.</summary>
    internal readonly Lock Gate = new();

    private volatile bool _dead;
    private volatile bool _trapExit;
    private ExitReason? _reason;
    private CancellationTokenSource? _exited;

    internal ProcessContext(SpawnOptions options)
    {
        Id = Processes.ProcessTable.NextId();
        Mailbox = new Processes.Mailbox(options.MailboxCapacity);
        _trapExit = options.TrapExit;
        Runtime = GoRuntime.Current;
    }

    /// <summary>The runtime the process was started from (null: outside any), so a dump can show one runtime's processes.</summary>
    internal GoRuntime? Runtime { get; }

    /// <summary>This process's pid (Erlang's <c>self()</c>).</summary>
    public Pid Pid => new(this);

    /// <summary>False once the process has ended.</summary>
    public bool IsAlive => !_dead;

    /// <summary>The reason the process ended, or null while it lives.</summary>
    public ExitReason? ExitReason => _dead ? _reason : null;

    /// <summary>Messages waiting in the mailbox (a snapshot).</summary>
    public int MailboxLength => Mailbox.Count;

    /// <summary>The registered name, or null.</summary>
    public string? Name => RegisteredName;

    /// <summary>
    /// Erlang's <c>process_flag(trap_exit, ...)</c>: when true, exit signals from links and <see cref="Process.Exit"/>
    /// arrive as <see cref="Weft.Actors.Exit"/> messages instead of ending the process (except <see cref="ExitReason.Kill"/>).
    /// </summary>
    public bool TrapExit
    {
        get => _trapExit;
        set => _trapExit = value;
    }

    /// <summary>Canceled when the process ends: for bodies that compute for long stretches between receives.</summary>
    public CancellationToken ExitedToken
    {
        get
        {
            lock (Gate)
            {
                _exited ??= new CancellationTokenSource();
                if (_dead) _exited.Cancel();
                return _exited.Token;
            }
        }
    }

    internal string? RegisteredName { get; set; }

    /// <summary>Links of the process table's list (guarded by its stripe's lock).</summary>
    internal ProcessContext? TablePrevious { get; set; }

    /// <summary>See <see cref="TablePrevious"/>.</summary>
    internal ProcessContext? TableNext { get; set; }

    /// <summary>The goroutine running the body (for "calling self" checks), 0 before it starts.</summary>
    internal long GoroutineId { get; set; }

    /// <summary>The runtime of that goroutine (goroutine ids are per runtime).</summary>
    internal GoRuntime? HostRuntime { get; set; }

    /// <summary>True when the caller is this process's own goroutine.</summary>
    internal bool IsCurrentGoroutine => GoroutineId != 0 && GoroutineId == Go.CurrentId && ReferenceEquals(HostRuntime, GoRuntime.Current);

    /// <summary>What <c>Actors.Dump</c> shows about the behaviour (GenServer state, a supervisor's children), or null.</summary>
    internal IDumpable? Behaviour { get; set; }

    /// <summary>Ends this process with <paramref name="reason"/> (Erlang's <c>exit/1</c>): throws <see cref="ProcessExitException"/>; let it propagate.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public void Exit(ExitReason reason) => throw new ProcessExitException(reason ?? throw new ArgumentNullException(nameof(reason)));

    /// <summary>Sends an exit signal from this process (the <see cref="Exit.From"/> a trapping target sees); see <see cref="Process.Exit"/>.</summary>
    public void Exit(Pid target, ExitReason reason) => Process.SendExitSignal(target, reason, Pid);

    /// <summary>Registers this process as <paramref name="name"/>.</summary>
    /// <exception cref="InvalidOperationException">The name is taken, or this process already has one.</exception>
    public void Register(string name) => Processes.ProcessTable.Register(name, this);

    /// <summary>Throws <see cref="ProcessExitException"/> if an exit signal has ended this process.</summary>
    public void ThrowIfExited()
    {
        if (_dead) throw new ProcessExitException(_reason!);
    }

    /// <summary><c>&lt;node.id&gt;</c> and the registered name.</summary>
    public override string ToString() => RegisteredName is null ? Pid.ToString() : $"{Pid} ({RegisteredName})";
}
