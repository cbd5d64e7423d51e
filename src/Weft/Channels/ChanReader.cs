namespace Weft;

/// <summary>
/// A receive-only view of a channel (Go's <c>&lt;-chan T</c>). <c>default</c> is the nil channel: its receives block
/// forever and its select cases are never ready.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public readonly struct ChanReader<T> : IEquatable<ChanReader<T>>
{
    internal ChanReader(Chan<T>? chan) => Channel = chan;

    /// <summary>The underlying channel, or null for the nil channel.</summary>
    internal Chan<T>? Channel { get; }

    /// <summary>True for the nil channel.</summary>
    public bool IsNil => Channel is null;

    /// <summary>Go's <c>cap(ch)</c>; 0 for the nil channel.</summary>
    public int Cap => Channel?.Cap ?? 0;

    /// <summary>Go's <c>len(ch)</c>; 0 for the nil channel.</summary>
    public int Len => Channel?.Len ?? 0;

    /// <summary>See <see cref="Chan{T}.ReceiveAsync()"/>.</summary>
    public ReceiveAwaitable<T> ReceiveAsync() => new(Channel, default);

    /// <summary>See <see cref="Chan{T}.ReceiveAsync(CancellationToken)"/>.</summary>
    public ReceiveAwaitable<T> ReceiveAsync(CancellationToken cancellationToken) => new(Channel, cancellationToken);

    /// <summary>See <see cref="Chan{T}.ReceiveAsync(GoContext)"/>.</summary>
    public ReceiveAwaitable<T> ReceiveAsync(GoContext context) => new(Channel, GoContext.TokenOf(context));

    /// <summary>See <see cref="Chan{T}.ReceiveWithOkAsync()"/>.</summary>
    public ReceiveWithOkAwaitable<T> ReceiveWithOkAsync() => new(Channel, default);

    /// <summary>See <see cref="Chan{T}.ReceiveWithOkAsync(CancellationToken)"/>.</summary>
    public ReceiveWithOkAwaitable<T> ReceiveWithOkAsync(CancellationToken cancellationToken) => new(Channel, cancellationToken);

    /// <summary>See <see cref="Chan{T}.ReceiveWithOkAsync(GoContext)"/>.</summary>
    public ReceiveWithOkAwaitable<T> ReceiveWithOkAsync(GoContext context) => new(Channel, GoContext.TokenOf(context));

    /// <summary>See <see cref="Chan{T}.TryReceive(out T)"/>; always false for the nil channel.</summary>
    public bool TryReceive(out T value)
    {
        if (Channel is null)
        {
            value = default!;
            return false;
        }

        return Channel.TryReceive(out value);
    }

    /// <summary>See <see cref="Chan{T}.TryReceive(out T, out bool)"/>; always false for the nil channel.</summary>
    public bool TryReceive(out T value, out bool ok)
    {
        if (Channel is null)
        {
            value = default!;
            ok = false;
            return false;
        }

        return Channel.TryReceive(out value, out ok);
    }

    /// <summary>Ranges over the channel until it is closed (<c>await foreach</c>).</summary>
    public ChanEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default) => new(Channel, cancellationToken);

    /// <summary>A select case receiving from this channel.</summary>
    public ReceiveCase<T> ReceiveCase() => new(Channel);

    /// <inheritdoc />
    public bool Equals(ChanReader<T> other) => ReferenceEquals(Channel, other.Channel);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ChanReader<T> other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Channel?.GetHashCode() ?? 0;

    /// <summary>True when both views show the same channel.</summary>
    public static bool operator ==(ChanReader<T> left, ChanReader<T> right) => left.Equals(right);

    /// <summary>True when the views show different channels.</summary>
    public static bool operator !=(ChanReader<T> left, ChanReader<T> right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() => Channel?.ToString() ?? "nil chan";
}
