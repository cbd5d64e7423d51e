namespace Weft;

/// <summary>
/// A group of goroutines working on subtasks of one task (Go's <c>golang.org/x/sync/errgroup</c>).
/// <see cref="Go"/> starts each subtask; <see cref="WaitAsync"/> waits for all of them and returns the first
/// exception any threw (null if none). A group made by <see cref="WithContext"/> cancels its context at the first
/// failure, or when Wait returns. <see cref="SetLimit"/> bounds how many subtasks run at once.
/// </summary>
public sealed class ErrGroup
{
    private readonly Action<Exception?>? _cancel;
    private readonly Sync.WaitGroup _wg = new();

    /// <summary>Slots for the active subtasks when a limit is set (Go's token channel), else null.</summary>
    private Sync.Semaphore? _slots;

    /// <summary>The first error. Set once, by the CAS on <see cref="_errSet"/>.</summary>
    private Exception? _err;

    private int _errSet;

    /// <summary>Subtasks started and not yet finished (to refuse a limit change while they run).</summary>
    private int _active;

    /// <summary>A group without a context (Go's zero <c>errgroup.Group</c>).</summary>
    public ErrGroup()
    {
    }

    private ErrGroup(Action<Exception?> cancel) => _cancel = cancel;

    /// <summary>A new group and a context derived from <paramref name="parent"/> that is canceled at the group's first failure or when Wait returns.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="parent"/> is null.</exception>
    public static (ErrGroup Group, GoContext Context) WithContext(GoContext parent)
    {
        var (context, cancel) = GoContext.WithCancelCause(parent);
        return (new ErrGroup(cancel), context);
    }

    /// <summary>
    /// Starts <paramref name="subtask"/> in a new goroutine. With a limit set, first waits (parked) until fewer than
    /// the limit are active — await the returned task; without a limit it is already complete.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="subtask"/> is null.</exception>
    public GoTask Go(Func<GoTask> subtask)
    {
        ArgumentNullException.ThrowIfNull(subtask);
        var slots = Volatile.Read(ref _slots);
        if (slots is null || slots.TryAcquire(1))
        {
            Start(subtask);
            return default;
        }

        return GoWhenFree(slots, subtask);
    }

    /// <summary>Starts <paramref name="subtask"/> only if the limit allows it now; false (nothing started) otherwise.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="subtask"/> is null.</exception>
    public bool TryGo(Func<GoTask> subtask)
    {
        ArgumentNullException.ThrowIfNull(subtask);
        var slots = Volatile.Read(ref _slots);
        if (slots is not null && !slots.TryAcquire(1)) return false;
        Start(subtask);
        return true;
    }

    /// <summary>Limits the active subtasks to <paramref name="n"/>; a negative value removes the limit.</summary>
    /// <exception cref="InvalidOperationException">Subtasks are still active (Go: "modify limit while goroutines in the group are still active").</exception>
    public void SetLimit(int n)
    {
        int active = Volatile.Read(ref _active);
        if (active != 0)
            throw new InvalidOperationException($"errgroup: modify limit while {active} goroutines in the group are still active");
        Volatile.Write(ref _slots, n < 0 ? null : new Sync.Semaphore(n));
    }

    /// <summary>Waits for every subtask; returns the first exception, or null. Cancels the group's context either way.</summary>
    public async GoTask<Exception?> WaitAsync()
    {
        await _wg.WaitAsync();
        _cancel?.Invoke(_err);
        return _err;
    }

    private async GoTask GoWhenFree(Sync.Semaphore slots, Func<GoTask> subtask)
    {
        await slots.AcquireAsync(1);
        Start(subtask);
    }

    private void Start(Func<GoTask> subtask)
    {
        Interlocked.Increment(ref _active);
        _wg.Add(1);
        var slots = Volatile.Read(ref _slots);
        Weft.Go.Start(async () =>
        {
            try
            {
                await subtask();
            }
            catch (Exception e)
            {
                if (Interlocked.Exchange(ref _errSet, 1) == 0)
                {
                    _err = e;
                    _cancel?.Invoke(e);
                }
            }
            finally
            {
                Interlocked.Decrement(ref _active);
                slots?.Release(1);
                _wg.Done();
            }
        });
    }
}
