using System.ComponentModel;
using System.Runtime.CompilerServices;
using Weft.Scheduling;

namespace Weft;

/// <summary>
/// The async method builder of <see cref="GoTask"/>. Used by the compiler; not meant to be called directly.
/// </summary>
/// <remarks>
/// A method that completes synchronously allocates nothing. On its first real suspension the state machine is
/// moved into one heap frame (<see cref="Tasks.GoFrame"/>) that belongs to the current goroutine; later
/// suspensions reuse it.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct GoTaskMethodBuilder
{
    private Tasks.GoVoidFrame? _frame;

    /// <summary>Creates a builder.</summary>
    public static GoTaskMethodBuilder Create() => default;

    /// <summary>Runs the method synchronously until its first suspension, isolating its ExecutionContext changes.</summary>
    public void Start<TStateMachine>(ref TStateMachine stateMachine) where TStateMachine : IAsyncStateMachine =>
        default(AsyncTaskMethodBuilder).Start(ref stateMachine);

    /// <summary>Unused: the builder boxes the state machine itself.</summary>
    public void SetStateMachine(IAsyncStateMachine stateMachine)
    {
    }

    /// <summary>Completes the task successfully.</summary>
    public void SetResult() => _frame?.SetResult();

    /// <summary>Completes the task with an exception.</summary>
    public void SetException(Exception exception) => (_frame ??= new Tasks.GoVoidPromise()).SetException(exception);

    /// <summary>The task of the method.</summary>
    public GoTask Task => _frame is null ? default : new GoTask(_frame);

    /// <summary>Suspends the method on an awaiter.</summary>
    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion where TStateMachine : IAsyncStateMachine =>
        GetFrame(ref stateMachine).AwaitSafe(ref awaiter);

    /// <summary>Suspends the method on an awaiter.</summary>
    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion where TStateMachine : IAsyncStateMachine =>
        GetFrame(ref stateMachine).AwaitUnsafe(ref awaiter);

    private Tasks.GoVoidFrame GetFrame<TStateMachine>(ref TStateMachine stateMachine)
        where TStateMachine : IAsyncStateMachine
    {
        if (_frame is { } existing) return existing;
        var frame = new Tasks.GoVoidFrame<TStateMachine> { Owner = G.Current };
        _frame = frame; // before the copy, so the boxed state machine's builder points at its own box
        frame.StateMachine = stateMachine;
        return frame;
    }
}

/// <summary>
/// The async method builder of <see cref="GoTask{TResult}"/>. Used by the compiler; not meant to be called directly.
/// </summary>
/// <typeparam name="TResult">The result type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct GoTaskMethodBuilder<TResult>
{
    private Tasks.GoFrame<TResult>? _frame;
    private TResult _result;

    /// <summary>Creates a builder.</summary>
    public static GoTaskMethodBuilder<TResult> Create() => default;

    /// <summary>Runs the method synchronously until its first suspension, isolating its ExecutionContext changes.</summary>
    public void Start<TStateMachine>(ref TStateMachine stateMachine) where TStateMachine : IAsyncStateMachine =>
        default(AsyncTaskMethodBuilder).Start(ref stateMachine);

    /// <summary>Unused: the builder boxes the state machine itself.</summary>
    public void SetStateMachine(IAsyncStateMachine stateMachine)
    {
    }

    /// <summary>Completes the task with a result.</summary>
    public void SetResult(TResult result)
    {
        if (_frame is null) _result = result;
        else _frame.SetResult(result);
    }

    /// <summary>Completes the task with an exception.</summary>
    public void SetException(Exception exception) => (_frame ??= new Tasks.GoPromise<TResult>()).SetException(exception);

    /// <summary>The task of the method.</summary>
    public GoTask<TResult> Task => _frame is null ? new GoTask<TResult>(_result) : new GoTask<TResult>(_frame);

    /// <summary>Suspends the method on an awaiter.</summary>
    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion where TStateMachine : IAsyncStateMachine =>
        GetFrame(ref stateMachine).AwaitSafe(ref awaiter);

    /// <summary>Suspends the method on an awaiter.</summary>
    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion where TStateMachine : IAsyncStateMachine =>
        GetFrame(ref stateMachine).AwaitUnsafe(ref awaiter);

    private Tasks.GoFrame<TResult> GetFrame<TStateMachine>(ref TStateMachine stateMachine)
        where TStateMachine : IAsyncStateMachine
    {
        if (_frame is { } existing) return existing;
        var frame = new Tasks.GoFrame<TResult, TStateMachine> { Owner = G.Current };
        _frame = frame; // before the copy, so the boxed state machine's builder points at its own box
        frame.StateMachine = stateMachine;
        return frame;
    }
}
