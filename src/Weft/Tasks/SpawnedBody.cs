using Weft.Scheduling;

namespace Weft.Tasks;

/// <summary>
/// The body of a goroutine started with <see cref="GoRuntime.Spawn{T}"/>, and at the same time the handle the caller
/// awaits: the goroutine's outcome completes this frame instead of going down the panic path.
/// </summary>
internal sealed class SpawnedBody<T>(Func<GoTask<T>> body) : GoFrame<T>, ISpawnedBody
{
    private Func<GoTask<T>>? _body = body;

    /// <summary>
    /// The outcome of a body that finished without suspending, kept until <see cref="Complete"/>: the handle must not
    /// complete before the goroutine has exited (NumGoroutine, leak checks), as it does when the body suspends.
    /// </summary>
    private T _syncResult = default!;

    private Exception? _syncException;

    public G? Goroutine { get; set; }

    public void Run(G g)
    {
        var body = _body!;
        _body = null;
        GoTask<T> task;
        try
        {
            task = body();
        }
        catch (Exception e)
        {
            _syncException = e;
            g.AwaitRoot(null);
            return;
        }

        if (task.Frame is null) _syncResult = task.GetAwaiter().GetResult();
        g.AwaitRoot(task.Frame);
    }

    public void Complete(GoFrame? root)
    {
        Goroutine = null;
        if (root is GoFrame<T> frame) SetOutcomeOf(frame);
        else if (_syncException is { } e) SetException(e);
        else SetResult(_syncResult);
    }

    internal override void MoveNextCore() =>
        throw new InvalidOperationException("SpawnedBody.MoveNextCore: a spawn handle has no state machine to run.");

    internal override Type StateMachineType => typeof(SpawnedBody<T>);
}

/// <summary>The void form of <see cref="SpawnedBody{T}"/>.</summary>
internal sealed class SpawnedVoidBody(Func<GoTask> body) : GoVoidFrame, ISpawnedBody
{
    private Func<GoTask>? _body = body;

    public G? Goroutine { get; set; }

    /// <summary>The exception of a body that threw before returning a task, kept until <see cref="Complete"/>.</summary>
    private Exception? _syncException;

    public void Run(G g)
    {
        var body = _body!;
        _body = null;
        GoTask task;
        try
        {
            task = body();
        }
        catch (Exception e)
        {
            _syncException = e;
            g.AwaitRoot(null);
            return;
        }

        g.AwaitRoot(task.Frame);
    }

    public void Complete(GoFrame? root)
    {
        // Completing here, after the goroutine has counted itself out, for synchronous bodies too (see SpawnedBody<T>).
        Goroutine = null;
        if (root is not null) SetOutcomeOf(root);
        else if (_syncException is { } e) SetException(e);
        else SetResult();
    }

    internal override void MoveNextCore() =>
        throw new InvalidOperationException("SpawnedVoidBody.MoveNextCore: a spawn handle has no state machine to run.");

    internal override Type StateMachineType => typeof(SpawnedVoidBody);
}
