namespace Weft.Actors;

/// <summary>
/// Where a call's reply goes (Erlang's <c>From</c>). A reply channel of its own per call: a reply that comes after the
/// caller gave up lands in that channel, never in the caller's mailbox. Reply at most once; later replies are ignored.
/// </summary>
public sealed class ReplyTo
{
    private readonly Chan<object?> _channel = new(1);

    internal ReplyTo()
    {
    }

    internal ChanReader<object?> Channel => _channel;

    /// <summary>Sends the reply (Erlang's <c>gen_server:reply/2</c>); false if this call was already answered.</summary>
    public bool Reply(object? value) => _channel.TrySend(value);
}
