using System.Runtime.CompilerServices;
using Weft.Channels;
using Weft.Scheduling;
using Weft.Tasks;

namespace Weft;

/// <summary>The awaitable of a blocking <see cref="Select"/>.</summary>
public readonly struct SelectAwaitable
{
    private readonly SelectState? _state;
    private readonly CancellationToken _token;

    internal SelectAwaitable(SelectState? state, CancellationToken token)
    {
        _state = state;
        _token = token;
    }

    /// <summary>Gets the awaiter; part of the await pattern.</summary>
    public SelectAwaiter GetAwaiter() => new(_state, _token);

    /// <summary>Runs the select as a <see cref="ValueTask{TResult}"/> (allocates when it must wait).</summary>
    public async ValueTask<SelectResult> AsValueTask() => await this;
}

/// <summary>
/// Awaiter of <see cref="SelectAwaitable"/>. IsCompleted runs Go's first pass (lock, poll in random order);
/// suspending runs the second (enqueue everywhere, park); GetResult the third (withdraw from the other channels).
/// </summary>
public struct SelectAwaiter : ICriticalNotifyCompletion, IGoAwaiter
{
    private readonly SelectState? _state;
    private readonly CancellationToken _token;
    private SelectResult _result;
    private bool _done;
    private G? _preempted;

    internal SelectAwaiter(SelectState? state, CancellationToken token)
    {
        _state = state;
        _token = token;
        _result = default;
        _done = false;
        _preempted = null;
    }

    /// <summary>Polls every case once; true when one was ready and has run.</summary>
    public bool IsCompleted
    {
        get
        {
            if (_token.IsCancellationRequested)
            {
                _state?.Release();
                _token.ThrowIfCancellationRequested();
            }

            if (_state is null || _state.Count == 0) return false;
            var outcome = default(SelectOutcome);
            int winner;
            try
            {
                winner = _state.Poll(ref outcome, keepLocked: false);
            }
            catch
            {
                _state.Release();
                throw;
            }

            if (winner < 0) return false;
            _result = new SelectResult(winner, outcome);
            _done = true;
            _state.Release();
            return !Preemption.ShouldYield(out _preempted); // sysmon asked us to yield: suspend anyway
        }
    }

    /// <summary>The chosen case and its value.</summary>
    /// <exception cref="ChannelClosedException">A send case's channel was closed.</exception>
    /// <exception cref="OperationCanceledException">The select's token was canceled.</exception>
    public SelectResult GetResult() => _done ? _result : _state!.Finish(_token);

    /// <inheritdoc />
    public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

    /// <inheritdoc />
    public void UnsafeOnCompleted(Action continuation)
    {
        if (_preempted is { } g)
        {
            Park.Yield(g, GoFrame.TakeSuspending(continuation, g), continuation);
            return;
        }

        var frame = GoFrame.TakeSuspending(continuation);
        var state = _state ?? SelectState.Acquire(0); // select {}: parks forever
        state.Park(frame, continuation, _token);
    }
}
