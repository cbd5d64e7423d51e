using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;

namespace Weft;

/// <summary>
/// The task-like type of goroutine code: an <c>async GoTask</c> method runs on Weft's scheduler, and its awaits of
/// other GoTask methods, channels, timers and Weft primitives continue on the same goroutine without queueing and
/// without allocating a Task. A GoTask is awaited once, like a <see cref="ValueTask"/>; use <see cref="AsTask"/>
/// to share it.
/// </summary>
/// <remarks>
/// Called from a goroutine, an <c>async GoTask</c> method belongs to that goroutine. Called from ordinary code
/// (a <c>Main</c>, a test), it runs like an async ValueTask method and its continuations run on the .NET ThreadPool.
/// </remarks>
[AsyncMethodBuilder(typeof(GoTaskMethodBuilder))]
public readonly struct GoTask
{
    internal readonly Tasks.GoVoidFrame? Frame;

    internal GoTask(Tasks.GoVoidFrame frame) => Frame = frame;

    /// <summary>A task that has already completed successfully.</summary>
    public static GoTask CompletedTask => default;

    /// <summary>Creates a task that has completed with the given exception.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="exception"/> is null.</exception>
    public static GoTask FromException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var promise = new Tasks.GoVoidPromise();
        promise.SetException(exception);
        return new GoTask(promise);
    }

    /// <summary>True when the task has completed (successfully or not).</summary>
    public bool IsCompleted => Frame is null || Frame.IsCompleted;

    /// <summary>True when the task has completed successfully.</summary>
    public bool IsCompletedSuccessfully => Frame is null || (Frame.IsCompleted && Frame.Fault is null);

    /// <summary>Gets the awaiter; part of the await pattern.</summary>
    public GoTaskAwaiter GetAwaiter() => new(Frame);

    /// <summary>Wraps the task as a <see cref="ValueTask"/> for code written against the standard types.</summary>
    public ValueTask AsValueTask() => Frame is null ? default : new ValueTask(Frame, 0);

    /// <summary>Wraps the task as a <see cref="Task"/> (allocates when the task is not yet complete).</summary>
    public Task AsTask() => AsValueTask().AsTask();

    /// <summary>Converts a GoTask to a ValueTask.</summary>
    public static implicit operator ValueTask(GoTask task) => task.AsValueTask();
}

/// <summary>Awaiter of <see cref="GoTask"/>; part of the await pattern.</summary>
public readonly struct GoTaskAwaiter : ICriticalNotifyCompletion, Tasks.IGoAwaiter
{
    private readonly Tasks.GoVoidFrame? _frame;

    internal GoTaskAwaiter(Tasks.GoVoidFrame? frame) => _frame = frame;

    /// <summary>
    /// True when the awaited task has completed. Awaiting the handle of a goroutine that has not started yet runs
    /// its first step here, inline, so a join on work that never blocks costs no park.
    /// </summary>
    public bool IsCompleted => _frame is null || _frame.IsCompleted || Tasks.GoTaskAwaiting.TryJoinInline(_frame);

    /// <summary>Rethrows the task's exception, if any.</summary>
    public void GetResult() => _frame?.ThrowIfFaulted();

    /// <inheritdoc />
    public void OnCompleted(Action continuation) => Tasks.GoTaskAwaiting.OnCompleted(_frame, continuation, flowContext: true);

    /// <inheritdoc />
    public void UnsafeOnCompleted(Action continuation) => Tasks.GoTaskAwaiting.OnCompleted(_frame, continuation, flowContext: false);
}
