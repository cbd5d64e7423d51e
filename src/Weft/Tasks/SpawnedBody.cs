using Weft.Scheduling;

namespace Weft.Tasks;

/// <summary>
/// The body of a goroutine started with <see cref="GoRuntime.Spawn{T}"/>, and at the same time the handle the caller
/// awaits: the goroutine's outcome completes this frame instead of going down the panic path.
/// </summary>
internal sealed class SpawnedBody<T>(Func<GoTask<T>> body) : GoFrame<T>, ISpawnedBody
{
    private Func<GoTask<T>>? _body = body;

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
            // The goroutine counts itself out before the handle completes, so an awaiter never sees it alive.
            Goroutine = null;
            g.AwaitRoot(null);
            SetException(e);
            return;
        }

        if (task.Frame is null)
        {
            var result = task.GetAwaiter().GetResult();
            Goroutine = null;
            g.AwaitRoot(null);
            SetResult(result);
            return;
        }

        g.AwaitRoot(task.Frame, this);
    }

    /// <summary>The goroutine's root frame completed: end the goroutine, then complete the handle with its outcome.</summary>
    internal override void OnChildCompleted(GoFrame child)
    {
        var g = Goroutine!;
        Goroutine = null;
        g.Exit();
        SetOutcomeOf((GoFrame<T>)child);
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
            Goroutine = null;
            g.AwaitRoot(null);
            SetException(e);
            return;
        }

        if (task.Frame is null)
        {
            Goroutine = null;
            g.AwaitRoot(null);
            SetResult();
            return;
        }

        g.AwaitRoot(task.Frame, this);
    }

    /// <summary>The goroutine's root frame completed: end the goroutine, then complete the handle with its outcome.</summary>
    internal override void OnChildCompleted(GoFrame child)
    {
        var g = Goroutine!;
        Goroutine = null;
        g.Exit();
        SetOutcomeOf(child);
    }

    internal override void MoveNextCore() =>
        throw new InvalidOperationException("SpawnedVoidBody.MoveNextCore: a spawn handle has no state machine to run.");

    internal override Type StateMachineType => typeof(SpawnedVoidBody);
}
