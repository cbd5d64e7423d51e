using System.Runtime.CompilerServices;
using Weft.Channels;
using Weft.Tasks;

namespace Weft;

/// <summary>The awaitable of <see cref="Chan{T}.ReceiveAsync()"/>: the received value (default once closed and drained).</summary>
/// <typeparam name="T">The element type.</typeparam>
public readonly struct ReceiveAwaitable<T>
{
    private readonly Chan<T>? _chan;
    private readonly CancellationToken _token;

    internal ReceiveAwaitable(Chan<T>? chan, CancellationToken token)
    {
        _chan = chan;
        _token = token;
    }

    /// <summary>Gets the awaiter; part of the await pattern.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReceiveAwaiter<T> GetAwaiter() => new(_chan, _token);

    /// <summary>Runs the receive as a <see cref="ValueTask{TResult}"/> (allocates when it must wait).</summary>
    public async ValueTask<T> AsValueTask() => await this;
}

/// <summary>Awaiter of <see cref="ReceiveAwaitable{T}"/>; part of the await pattern.</summary>
/// <typeparam name="T">The element type.</typeparam>
public struct ReceiveAwaiter<T> : ICriticalNotifyCompletion, IGoAwaiter
{
    private ReceiveOperation<T> _operation;

    internal ReceiveAwaiter(Chan<T>? chan, CancellationToken token) => _operation = new(chan, token);

    /// <summary>Tries the receive; true when it completed without waiting.</summary>
    public bool IsCompleted => _operation.IsCompleted;

    /// <summary>The received value.</summary>
    public T GetResult() => _operation.GetResult().Value;

    /// <inheritdoc />
    public void OnCompleted(Action continuation) => _operation.OnCompleted(continuation);

    /// <inheritdoc />
    public void UnsafeOnCompleted(Action continuation) => _operation.OnCompleted(continuation);
}

/// <summary>The awaitable of <see cref="Chan{T}.ReceiveWithOkAsync()"/>: the value and whether it was sent (Go's comma-ok).</summary>
/// <typeparam name="T">The element type.</typeparam>
public readonly struct ReceiveWithOkAwaitable<T>
{
    private readonly Chan<T>? _chan;
    private readonly CancellationToken _token;

    internal ReceiveWithOkAwaitable(Chan<T>? chan, CancellationToken token)
    {
        _chan = chan;
        _token = token;
    }

    /// <summary>Gets the awaiter; part of the await pattern.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReceiveWithOkAwaiter<T> GetAwaiter() => new(_chan, _token);

    /// <summary>Runs the receive as a <see cref="ValueTask{TResult}"/> (allocates when it must wait).</summary>
    public async ValueTask<(T Value, bool Ok)> AsValueTask() => await this;
}

/// <summary>Awaiter of <see cref="ReceiveWithOkAwaitable{T}"/>; part of the await pattern.</summary>
/// <typeparam name="T">The element type.</typeparam>
public struct ReceiveWithOkAwaiter<T> : ICriticalNotifyCompletion, IGoAwaiter
{
    private ReceiveOperation<T> _operation;

    internal ReceiveWithOkAwaiter(Chan<T>? chan, CancellationToken token) => _operation = new(chan, token);

    /// <summary>Tries the receive; true when it completed without waiting.</summary>
    public bool IsCompleted => _operation.IsCompleted;

    /// <summary>The value, and false when the channel was closed and drained.</summary>
    public (T Value, bool Ok) GetResult() => _operation.GetResult();

    /// <inheritdoc />
    public void OnCompleted(Action continuation) => _operation.OnCompleted(continuation);

    /// <inheritdoc />
    public void UnsafeOnCompleted(Action continuation) => _operation.OnCompleted(continuation);
}

/// <summary>The awaitable of <see cref="Chan{T}.SendAsync(T)"/>.</summary>
/// <typeparam name="T">The element type.</typeparam>
public readonly struct SendAwaitable<T>
{
    private readonly Chan<T>? _chan;
    private readonly T _value;
    private readonly CancellationToken _token;

    internal SendAwaitable(Chan<T>? chan, T value, CancellationToken token)
    {
        _chan = chan;
        _value = value;
        _token = token;
    }

    /// <summary>Gets the awaiter; part of the await pattern.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public SendAwaiter<T> GetAwaiter() => new(_chan, _value, _token);

    /// <summary>Runs the send as a <see cref="ValueTask"/> (allocates when it must wait).</summary>
    public async ValueTask AsValueTask() => await this;
}

/// <summary>Awaiter of <see cref="SendAwaitable{T}"/>; part of the await pattern.</summary>
/// <typeparam name="T">The element type.</typeparam>
public struct SendAwaiter<T> : ICriticalNotifyCompletion, IGoAwaiter
{
    private SendOperation<T> _operation;

    internal SendAwaiter(Chan<T>? chan, T value, CancellationToken token) => _operation = new(chan, value, token);

    /// <summary>Tries the send; true when it completed without waiting.</summary>
    public bool IsCompleted => _operation.IsCompleted;

    /// <summary>Completes the await; throws <see cref="ChannelClosedException"/> if the channel was closed.</summary>
    public void GetResult() => _operation.GetResult();

    /// <inheritdoc />
    public void OnCompleted(Action continuation) => _operation.OnCompleted(continuation);

    /// <inheritdoc />
    public void UnsafeOnCompleted(Action continuation) => _operation.OnCompleted(continuation);
}
