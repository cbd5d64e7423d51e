namespace Weft.Actors;

/// <summary>Receiving: Erlang's <c>receive ... after ... end</c>.</summary>
public sealed partial class ProcessContext
{
    /// <summary>Takes the oldest message, parking until one arrives.</summary>
    /// <exception cref="ProcessExitException">The process has been ended by an exit signal.</exception>
    public GoTask<object> ReceiveAsync() => ReceiveAsync(null);

    /// <summary>
    /// Selective receive: takes the oldest message <paramref name="match"/> accepts (any message when null), parking
    /// until one arrives. Messages it skips stay in the mailbox in their order for later receives.
    /// </summary>
    /// <exception cref="ProcessExitException">The process has been ended by an exit signal.</exception>
    public GoTask<object> ReceiveAsync(Func<object, bool>? match)
    {
        ThrowIfExited();
        if (Mailbox.TryTake(match, out var message) == Processes.TakeResult.Taken) return new GoTask<object>(message);
        return ReceiveSlowAsync(match);
    }

    /// <summary>
    /// Selective receive with Erlang's <c>after</c>: the oldest message <paramref name="match"/> accepts (any when
    /// null), or null once <paramref name="timeout"/> has passed without one. A zero timeout only looks.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (use <see cref="Timeout.InfiniteTimeSpan"/> for none).</exception>
    public GoTask<object?> ReceiveAsync(Func<object, bool>? match, TimeSpan timeout)
    {
        if (timeout == Timeout.InfiniteTimeSpan) return Widen(ReceiveAsync(match));
        if (timeout < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "a receive timeout is zero or positive, or Timeout.InfiniteTimeSpan");
        ThrowIfExited();
        if (Mailbox.TryTake(match, out var message) == Processes.TakeResult.Taken) return new GoTask<object?>(message);
        if (timeout == TimeSpan.Zero) return new GoTask<object?>(null);
        return ReceiveWithTimeoutAsync(match, timeout);

        static async GoTask<object?> Widen(GoTask<object> receive) => await receive;
    }

    /// <summary>Takes the oldest message of type <typeparamref name="T"/> (that <paramref name="match"/> accepts), parking until one arrives.</summary>
    public async GoTask<T> ReceiveAsync<T>(Func<T, bool>? match = null) =>
        (T)await ReceiveAsync(match is null ? Is<T>.Any : m => m is T t && match(t));

    /// <summary>
    /// The oldest message of type <typeparamref name="T"/> (that <paramref name="match"/> accepts), or
    /// <c>(false, default)</c> once <paramref name="timeout"/> has passed without one.
    /// </summary>
    public async GoTask<(bool Ok, T Message)> ReceiveAsync<T>(TimeSpan timeout, Func<T, bool>? match = null)
    {
        var m = await ReceiveAsync(match is null ? Is<T>.Any : m => m is T t && match(t), timeout);
        return m is null ? (false, default!) : (true, (T)m);
    }

    /// <summary>Takes the oldest message <paramref name="match"/> accepts (any when null) if there is one, without waiting.</summary>
    public bool TryReceive(out object message, Func<object, bool>? match = null)
    {
        ThrowIfExited();
        return Mailbox.TryTake(match, out message) == Processes.TakeResult.Taken;
    }

    /// <summary>
    /// For <see cref="Select"/>: a channel that becomes ready when the mailbox holds a message no receive has looked at
    /// yet (at once if there is one). After the case fires, take the message with <see cref="TryReceive"/>; if it
    /// finds nothing to your liking, ask again. Each call re-arms; call it for every select.
    /// </summary>
    /// <example><code>
    /// var r = await Select.Of(Select.Receive(self.MessageReady()), Select.Receive(jobs));
    /// if (r.Index == 0 &amp;&amp; self.TryReceive(out var message)) Handle(message);
    /// </code></example>
    public ChanReader<bool> MessageReady()
    {
        ThrowIfExited();
        return Mailbox.ArmForSelect();
    }

    private async GoTask<object> ReceiveSlowAsync(Func<object, bool>? match)
    {
        while (true)
        {
            ThrowIfExited();
            if (Mailbox.TryTake(match, out var message) == Processes.TakeResult.Taken) return message;
            var signal = Mailbox.Arm();
            if (signal is not null) await signal.ReceiveAsync(); // a sender's token, or Close when an exit signal ends us
        }
    }

    private async GoTask<object?> ReceiveWithTimeoutAsync(Func<object, bool>? match, TimeSpan timeout)
    {
        var timer = Time.NewTimer(timeout);
        try
        {
            while (true)
            {
                ThrowIfExited();
                if (Mailbox.TryTake(match, out var message) == Processes.TakeResult.Taken) return message;
                var signal = Mailbox.Arm();
                if (signal is null) continue;
                var r = await Select.Of(Select.Receive(signal), Select.Receive(timer.C));
                if (r.Index == 1)
                {
                    Mailbox.Disarm();
                    ThrowIfExited();
                    return Mailbox.TryTake(match, out message) == Processes.TakeResult.Taken ? message : null; // a last look
                }
            }
        }
        finally
        {
            timer.Stop();
        }
    }

    /// <summary>Cached type tests, so a typed receive without a predicate allocates no delegate.</summary>
    private static class Is<T>
    {
        internal static readonly Func<object, bool> Any = static m => m is T;
    }
}
