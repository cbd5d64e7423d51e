using Weft.Actors.Diagnostics;
using Weft.Actors.GenServers;

namespace Weft.Actors;

/// <summary>
/// Erlang's <c>gen_server</c> behaviour: derive, keep your state in <typeparamref name="TState"/>, handle calls, casts
/// and other messages; start it with <see cref="GenServer.StartAsync{TState}"/>. Handlers run one at a time in the
/// server's process (<see cref="Self"/>).
/// </summary>
/// <typeparam name="TState">The server's state, passed to and returned by every handler.</typeparam>
public abstract class GenServer<TState> : IDumpable
{
    private ProcessContext? _self;
    private TState? _state; // written only by the server's process; read racily by the dump

    /// <summary>The value a <see cref="HandleCallAsync"/> returns as its reply to answer later with <see cref="ReplyTo.Reply"/>.</summary>
    public static object NoReply => GenServer.NoReply;

    /// <summary>The server's process (valid from <see cref="InitAsync"/> on).</summary>
    protected ProcessContext Self => _self ?? throw new InvalidOperationException("the server has not started");

    /// <summary>The process that started the server with a link (its exit signals stop the server when it traps exits), or none.</summary>
    protected Pid Parent { get; private set; }

    /// <summary>Builds the initial state. Throwing fails the start (<see cref="GenServer.StartAsync{TState}"/> rethrows).</summary>
    protected abstract GoTask<TState> InitAsync();

    /// <summary>
    /// Handles a call: returns the reply (or <see cref="NoReply"/> to answer later through <paramref name="from"/>) and
    /// the new state. The default fails the server: a call it does not expect is a bug.
    /// </summary>
    protected virtual GoTask<(object? Reply, TState State)> HandleCallAsync(object request, ReplyTo from, TState state) =>
        throw new NotSupportedException($"{GetType().Name} does not handle calls ({request})");

    /// <summary>Handles a cast; returns the new state. The default fails the server.</summary>
    protected virtual GoTask<TState> HandleCastAsync(object message, TState state) =>
        throw new NotSupportedException($"{GetType().Name} does not handle casts ({message})");

    /// <summary>Handles any other message (Erlang's <c>handle_info</c>); returns the new state. The default drops it.</summary>
    protected virtual GoTask<TState> HandleInfoAsync(object message, TState state) => new(state);

    /// <summary>
    /// Runs once when the server stops from within: a <see cref="GenServer.StopAsync"/>, a handler that throws or calls
    /// <c>Self.Exit</c>, or (when trapping exits) an exit signal from its <see cref="Parent"/>. Not run when an exit
    /// signal ends a server that does not trap exits, as in OTP.
    /// </summary>
    protected virtual GoTask TerminateAsync(ExitReason reason, TState state) => GoTask.CompletedTask;

    /// <summary>The state's text for <see cref="Actors.Dump"/> (default: its ToString).</summary>
    protected virtual string? DescribeState(TState state) => state?.ToString();

    string IDumpable.Kind => DumpKind;

    string? IDumpable.State => _state is { } s ? DescribeState(s) : null;

    IReadOnlyList<ChildInfo>? IDumpable.Children => DumpChildren;

    private protected virtual string DumpKind => "gen_server";

    private protected virtual IReadOnlyList<ChildInfo>? DumpChildren => null;

    /// <summary>The server's process body: init, acknowledge, then one message at a time until it stops.</summary>
    internal async GoTask RunAsync(ProcessContext self, Pid parent, Chan<Exception?> started)
    {
        _self = self;
        Parent = parent;
        self.Behaviour = this;
        try
        {
            _state = await InitAsync();
        }
        catch (Exception e)
        {
            started.TrySend(e);
            throw;
        }

        started.TrySend(null);
        ExitReason reason;
        try
        {
            reason = await LoopAsync(self, parent);
        }
        catch (ProcessExitException e) when (self.IsAlive)
        {
            reason = e.Reason; // a handler called Self.Exit(reason)
        }
        catch (Exception e) when (e is not ProcessExitException)
        {
            reason = ExitReason.FromException(e);
        }

        await TerminateAsync(reason, _state!);
        if (reason.Kind != ExitKind.Normal) throw new ProcessExitException(reason);
    }

    private async GoTask<ExitReason> LoopAsync(ProcessContext self, Pid parent)
    {
        while (true)
        {
            var message = await self.ReceiveAsync();
            switch (message)
            {
                case CallRequest call:
                    (var reply, _state) = await HandleCallAsync(call.Request, call.From, _state!);
                    if (!ReferenceEquals(reply, GenServer.NoReply)) call.From.Reply(reply);
                    break;
                case CastRequest cast:
                    _state = await HandleCastAsync(cast.Message, _state!);
                    break;
                case StopRequest stop:
                    return stop.Reason;
                case Exit exit when !parent.IsNone && exit.From == parent:
                    return exit.Reason;
                default:
                    _state = await HandleInfoAsync(message, _state!);
                    break;
            }
        }
    }
}
