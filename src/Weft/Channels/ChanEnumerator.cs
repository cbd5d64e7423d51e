using System.Runtime.CompilerServices;
using Weft.Channels;
using Weft.Tasks;

namespace Weft;

/// <summary>
/// Ranges over a channel until it is closed and drained (Go's <c>for v := range ch</c>); returned by
/// <c>GetAsyncEnumerator</c> so <c>await foreach</c> works. Each step is one receive, with no allocation inside
/// goroutines.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class ChanEnumerator<T> : IAsyncEnumerator<T>
{
    private readonly Chan<T>? _chan;
    private readonly CancellationToken _token;

    internal ChanEnumerator(Chan<T>? chan, CancellationToken token)
    {
        _chan = chan;
        _token = token;
    }

    /// <summary>The value received by the last successful step.</summary>
    public T Current { get; private set; } = default!;

    /// <summary>Receives the next value; the result is false once the channel is closed and drained.</summary>
    public MoveNextAwaitable MoveNextAsync() => new(this);

    ValueTask<bool> IAsyncEnumerator<T>.MoveNextAsync() => MoveNextAsync().AsValueTask();

    /// <summary>Nothing to release.</summary>
    public ValueTask DisposeAsync() => default;

    /// <summary>The awaitable of one step.</summary>
    public readonly struct MoveNextAwaitable
    {
        private readonly ChanEnumerator<T> _enumerator;

        internal MoveNextAwaitable(ChanEnumerator<T> enumerator) => _enumerator = enumerator;

        /// <summary>Gets the awaiter; part of the await pattern.</summary>
        public MoveNextAwaiter GetAwaiter() => new(_enumerator);

        /// <summary>The step as a <see cref="ValueTask{TResult}"/>.</summary>
        public async ValueTask<bool> AsValueTask() => await this;
    }

    /// <summary>The awaiter of one step; part of the await pattern.</summary>
    public struct MoveNextAwaiter : ICriticalNotifyCompletion, IGoAwaiter
    {
        private readonly ChanEnumerator<T> _enumerator;
        private ReceiveOperation<T> _operation;

        internal MoveNextAwaiter(ChanEnumerator<T> enumerator)
        {
            _enumerator = enumerator;
            _operation = new(enumerator._chan, enumerator._token);
        }

        /// <summary>Tries the receive; true when it completed without waiting.</summary>
        public bool IsCompleted => _operation.IsCompleted;

        /// <summary>True with <see cref="Current"/> set, or false at the end of the channel.</summary>
        public bool GetResult()
        {
            var (value, ok) = _operation.GetResult();
            if (ok) _enumerator.Current = value;
            return ok;
        }

        /// <inheritdoc />
        public void OnCompleted(Action continuation) => _operation.OnCompleted(continuation);

        /// <inheritdoc />
        public void UnsafeOnCompleted(Action continuation) => _operation.OnCompleted(continuation);
    }
}
