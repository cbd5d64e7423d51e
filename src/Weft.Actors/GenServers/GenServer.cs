using Weft.Actors.GenServers;
using Weft.Actors.Processes;

namespace Weft.Actors;

/// <summary>Starting, calling, casting and stopping <see cref="GenServer{TState}"/>s (Erlang's <c>gen_server</c> module).</summary>
public static class GenServer
{
    /// <summary>OTP's default call timeout: 5 seconds.</summary>
    public static readonly TimeSpan DefaultCallTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The reply value meaning "no reply now" (<see cref="GenServer{TState}.NoReply"/>).</summary>
    public static object NoReply { get; } = new();

    /// <summary>
    /// Starts <paramref name="server"/> in a new process and waits until its <c>InitAsync</c> has returned (Erlang's
    /// <c>gen_server:start</c>). Returns its pid.
    /// </summary>
    /// <exception cref="InvalidOperationException">InitAsync threw (the inner exception), or the name is taken.</exception>
    public static GoTask<Pid> StartAsync<TState>(GenServer<TState> server, SpawnOptions? options = null) =>
        StartCoreAsync(server, options, parent: null);

    /// <summary>As <see cref="StartAsync{TState}"/>, linked to <paramref name="parent"/> from the start (Erlang's <c>start_link</c>).</summary>
    public static GoTask<Pid> StartLinkAsync<TState>(ProcessContext parent, GenServer<TState> server, SpawnOptions? options = null) =>
        StartCoreAsync(server, options, parent ?? throw new ArgumentNullException(nameof(parent)));

    /// <summary>
    /// Calls <paramref name="server"/> and waits for its reply (Erlang's <c>gen_server:call</c>). Fails at once with
    /// <see cref="CallFailedException"/> if the server is dead or dies before replying; throws
    /// <see cref="TimeoutException"/> after <paramref name="timeout"/> (default 5 s). A reply that comes later is
    /// dropped, never delivered to the caller's mailbox. Callable from any goroutine, process or not.
    /// </summary>
    /// <exception cref="InvalidOperationException">The server calls itself (it would wait for itself forever).</exception>
    public static async GoTask<object?> CallAsync(Pid server, object request, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var target = ProcessTable.Resolve(server);
        if (target is null) throw new CallFailedException(server, ExitReason.NoProc);
        if (target.IsCurrentGoroutine)
            throw new InvalidOperationException($"{server} called itself: a GenServer cannot wait for its own reply (OTP's calling_self)");
        var down = new Chan<ExitReason>(1);
        var watch = new Watch(ProcessTable.NextRef(), null, down);
        if (!target.TryAddWatch(watch)) throw new CallFailedException(server, target.ExitReason ?? ExitReason.NoProc);
        var limit = timeout ?? DefaultCallTimeout;
        if (limit < TimeSpan.Zero && limit != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(timeout), limit, "a call timeout is positive, or Timeout.InfiniteTimeSpan");
        var timer = limit == Timeout.InfiniteTimeSpan ? null : Time.NewTimer(limit);
        try
        {
            var from = new ReplyTo();
            var call = new CallRequest(request, from);
            if (target.Mailbox.Post(call) == PostResult.Full) await target.Mailbox.PostAsync(call);
            var r = await Select.Of(Select.Receive(from.Channel), Select.Receive(down), Select.Receive(timer?.C ?? default));
            return r.Index switch
            {
                0 => r.Value<object?>(),
                1 => throw new CallFailedException(server, r.Value<ExitReason>()),
                _ => throw new TimeoutException($"the call to {server} got no reply within {limit.TotalMilliseconds:0} ms"),
            };
        }
        finally
        {
            timer?.Stop();
            target.RemoveWatch(watch.Ref);
        }
    }

    /// <summary>Calls and casts the reply to <typeparamref name="TReply"/>.</summary>
    public static async GoTask<TReply> CallAsync<TReply>(Pid server, object request, TimeSpan? timeout = null) =>
        (TReply)(await CallAsync(server, request, timeout))!;

    /// <summary>Sends a request that needs no reply (Erlang's <c>gen_server:cast</c>); dropped if the server is dead.</summary>
    public static void Cast(Pid server, object message) =>
        Process.Send(server, new CastRequest(message ?? throw new ArgumentNullException(nameof(message))));

    /// <summary>
    /// Stops the server with <paramref name="reason"/> (its TerminateAsync runs) and waits until it has ended
    /// (Erlang's <c>gen_server:stop</c>).
    /// </summary>
    /// <exception cref="CallFailedException">The server was not alive.</exception>
    /// <exception cref="TimeoutException">It had not ended after <paramref name="timeout"/> (default: no limit).</exception>
    public static async GoTask StopAsync(Pid server, ExitReason? reason = null, TimeSpan? timeout = null)
    {
        var target = ProcessTable.Resolve(server);
        var down = new Chan<ExitReason>(1);
        var watch = new Watch(ProcessTable.NextRef(), null, down);
        if (target is null || !target.TryAddWatch(watch)) throw new CallFailedException(server, ExitReason.NoProc);
        target.Mailbox.Post(new StopRequest(reason ?? ExitReason.Normal), signal: true);
        if (timeout is null)
        {
            await down.ReceiveAsync();
            return;
        }

        var r = await Select.Of(Select.Receive(down), Select.Receive(Time.After(timeout.Value)));
        if (r.Index != 0)
        {
            target.RemoveWatch(watch.Ref);
            throw new TimeoutException($"{server} did not stop within {timeout.Value.TotalMilliseconds:0} ms");
        }
    }

    private static async GoTask<Pid> StartCoreAsync<TState>(GenServer<TState> server, SpawnOptions? options, ProcessContext? parent)
    {
        ArgumentNullException.ThrowIfNull(server);
        var started = new Chan<Exception?>(1);
        var parentPid = parent?.Pid ?? default;
        var process = Process.Start(self => server.RunAsync(self, parentPid, started), options, linkTo: parent);
        var failure = await started.ReceiveAsync(); // init's outcome, or a kill before init finished
        if (failure is not null) throw new InvalidOperationException($"{server.GetType().Name} failed to start: {failure.Message}", failure);
        return process.Pid;
    }
}
