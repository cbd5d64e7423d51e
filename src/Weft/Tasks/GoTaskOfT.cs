using System.Runtime.CompilerServices;

namespace Weft;

/// <summary>
/// A <see cref="GoTask"/> with a result. Completes without allocating when the method finishes synchronously.
/// Awaited once, like a <see cref="ValueTask{TResult}"/>; use <see cref="AsTask"/> to share it.
/// </summary>
/// <typeparam name="TResult">The result type.</typeparam>
[AsyncMethodBuilder(typeof(GoTaskMethodBuilder<>))]
public readonly struct GoTask<TResult>
{
    internal readonly Tasks.GoFrame<TResult>? Frame;
    private readonly TResult _result;

    internal GoTask(Tasks.GoFrame<TResult> frame)
    {
        Frame = frame;
        _result = default!;
    }

    /// <summary>Creates a task that has already completed with <paramref name="result"/>.</summary>
    public GoTask(TResult result)
    {
        Frame = null;
        _result = result;
    }

    /// <summary>Creates a task that has completed with the given exception.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="exception"/> is null.</exception>
    public static GoTask<TResult> FromException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var promise = new Tasks.GoPromise<TResult>();
        promise.SetException(exception);
        return new GoTask<TResult>(promise);
    }

    /// <summary>True when the task has completed (successfully or not).</summary>
    public bool IsCompleted => Frame is null || Frame.IsCompleted;

    /// <summary>Gets the awaiter; part of the await pattern.</summary>
    public GoTaskAwaiter<TResult> GetAwaiter() => new(Frame, _result);

    /// <summary>Wraps the task as a <see cref="ValueTask{TResult}"/>.</summary>
    public ValueTask<TResult> AsValueTask() => Frame is null ? new ValueTask<TResult>(_result) : new ValueTask<TResult>(Frame, 0);

    /// <summary>Wraps the task as a <see cref="Task{TResult}"/> (allocates).</summary>
    public Task<TResult> AsTask() => AsValueTask().AsTask();

    /// <summary>Converts a GoTask&lt;T&gt; to a ValueTask&lt;T&gt;.</summary>
    public static implicit operator ValueTask<TResult>(GoTask<TResult> task) => task.AsValueTask();
}

/// <summary>Awaiter of <see cref="GoTask{TResult}"/>; part of the await pattern.</summary>
/// <typeparam name="TResult">The result type.</typeparam>
public readonly struct GoTaskAwaiter<TResult> : ICriticalNotifyCompletion, Tasks.IGoAwaiter
{
    private readonly Tasks.GoFrame<TResult>? _frame;
    private readonly TResult _result;

    internal GoTaskAwaiter(Tasks.GoFrame<TResult>? frame, TResult result)
    {
        _frame = frame;
        _result = result;
    }

    /// <summary>
    /// True when the awaited task has completed. Awaiting the handle of a goroutine that has not started yet runs
    /// its first step here, inline, so a join on work that never blocks costs no park.
    /// </summary>
    public bool IsCompleted => _frame is null || _frame.IsCompleted || Tasks.GoTaskAwaiting.TryJoinInline(_frame);

    /// <summary>The result, or the task's exception rethrown.</summary>
    public TResult GetResult() => _frame is null ? _result : _frame.GetResult();

    /// <inheritdoc />
    public void OnCompleted(Action continuation) => Tasks.GoTaskAwaiting.OnCompleted(_frame, continuation, flowContext: true);

    /// <inheritdoc />
    public void UnsafeOnCompleted(Action continuation) => Tasks.GoTaskAwaiting.OnCompleted(_frame, continuation, flowContext: false);
}
