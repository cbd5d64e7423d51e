namespace Weft;

/// <summary>
/// A send-only view of a channel (Go's <c>chan&lt;- T</c>). <c>default</c> is the nil channel: its sends block forever
/// and its select cases are never ready.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public readonly struct ChanWriter<T> : IEquatable<ChanWriter<T>>
{
    internal ChanWriter(Chan<T>? chan) => Channel = chan;

    /// <summary>The underlying channel, or null for the nil channel.</summary>
    internal Chan<T>? Channel { get; }

    /// <summary>True for the nil channel.</summary>
    public bool IsNil => Channel is null;

    /// <summary>Go's <c>cap(ch)</c>; 0 for the nil channel.</summary>
    public int Cap => Channel?.Cap ?? 0;

    /// <summary>Go's <c>len(ch)</c>; 0 for the nil channel.</summary>
    public int Len => Channel?.Len ?? 0;

    /// <summary>See <see cref="Chan{T}.SendAsync(T)"/>.</summary>
    public SendAwaitable<T> SendAsync(T value) => new(Channel, value, default);

    /// <summary>See <see cref="Chan{T}.SendAsync(T, CancellationToken)"/>.</summary>
    public SendAwaitable<T> SendAsync(T value, CancellationToken cancellationToken) => new(Channel, value, cancellationToken);

    /// <summary>See <see cref="Chan{T}.SendAsync(T, GoContext)"/>.</summary>
    public SendAwaitable<T> SendAsync(T value, GoContext context) => new(Channel, value, GoContext.TokenOf(context));

    /// <summary>See <see cref="Chan{T}.TrySend(T)"/>; always false for the nil channel.</summary>
    /// <exception cref="ChannelClosedException">The channel is closed.</exception>
    public bool TrySend(T value) => Channel is not null && Channel.TrySend(value);

    /// <summary>See <see cref="Chan{T}.Close"/>.</summary>
    /// <exception cref="InvalidOperationException">The channel is nil ("close of nil channel") or already closed.</exception>
    public void Close()
    {
        if (Channel is null) throw new InvalidOperationException("close of nil channel");
        Channel.Close();
    }

    /// <summary>A select case sending <paramref name="value"/> on this channel.</summary>
    public SendCase<T> SendCase(T value) => new(Channel, value);

    /// <inheritdoc />
    public bool Equals(ChanWriter<T> other) => ReferenceEquals(Channel, other.Channel);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ChanWriter<T> other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Channel?.GetHashCode() ?? 0;

    /// <summary>True when both views show the same channel.</summary>
    public static bool operator ==(ChanWriter<T> left, ChanWriter<T> right) => left.Equals(right);

    /// <summary>True when the views show different channels.</summary>
    public static bool operator !=(ChanWriter<T> left, ChanWriter<T> right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() => Channel?.ToString() ?? "nil chan";
}
