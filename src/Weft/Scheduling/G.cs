using System.Diagnostics;
using Weft.Tasks;

namespace Weft.Scheduling;

/// <summary>Scheduling state of a goroutine (Go's <c>atomicstatus</c>).</summary>
internal enum GStatus
{
    /// <summary>On a run queue (or about to be): owned by the queue.</summary>
    Runnable = 1,

    /// <summary>Executing on an M: owned by that M.</summary>
    Running = 2,

    /// <summary>Parked: owned by nobody; whoever CASes it to Runnable enqueues it.</summary>
    Waiting = 3,

    /// <summary>The body has returned and nothing is ready; like Waiting, a stray frame can still wake it.</summary>
    Dead = 4,
}

/// <summary>
/// A goroutine (Go's <c>g</c>). Stackless: what it is suspended in lives in its async frames; the G is the strand
/// that runs those frames one at a time, plus its identity and scheduling state. A G is also the waiter node of
/// its own single blocking operation (it derives from <see cref="Waiter"/>).
/// </summary>
/// <remarks>
/// <para><b>Wake/park protocol.</b> A waker hands over the frame to resume (<see cref="Ready"/>: CAS into
/// <see cref="_ready"/>), then, if it sees the G Waiting (or Dead), CASes it to Runnable and enqueues it. The
/// strand loop (<see cref="Execute"/>), finding nothing ready, stores Waiting and then re-reads <see cref="_ready"/>.
/// Both sides write with a full fence before they read, so a wake that races the park either sees Waiting and
/// enqueues the G, or its frame is seen by the loop, which takes the G back (CAS Waiting → Running) and runs it
/// without a trip through a run queue. Every frame handed over runs exactly once.</para>
/// <para>A frame is handed over by a waker (a channel, a timer, a foreign task's continuation), or by a child
/// frame of the same goroutine that completes (the parent runs next in the same loop: no queueing). Several frames
/// can be ready at once only when goroutine code starts GoTask methods without awaiting them; the extras go to an
/// overflow queue and still run one at a time.</para>
/// </remarks>
internal sealed class G : Waiter
{
    [ThreadStatic] private static G? t_current;

    /// <summary>The goroutine running on this thread, or null outside goroutines.</summary>
    internal static G? Current => t_current;

    internal readonly GoRuntime Runtime;
    internal readonly long Id;

    /// <summary><see cref="GStatus"/>; transitions documented on the type.</summary>
    private int _status;

    /// <summary><see cref="CoarseClock.Milliseconds"/> when the G last parked (for dumps).</summary>
    private int _waitSince;

    /// <summary>Why the G is parked (valid while Waiting).</summary>
    internal WaitReason Reason;

    /// <summary>Owner only: after the current step, queue the G globally instead of running on (yield, preemption).</summary>
    private bool _requeue;

    /// <summary>True while the embedded waiter (this G as a <see cref="Waiter"/>) is in use by an operation.</summary>
    internal bool WaiterInUse;

    /// <summary>True when <see cref="GExtras.Overflow"/> holds frames.</summary>
    private bool _hasOverflow;

    /// <summary>The goroutine's body has returned.</summary>
    internal bool Exited;

    /// <summary>The body has been started (afterwards <see cref="_start"/> holds only the spawn handle, if any).</summary>
    private bool _started;

    /// <summary>
    /// Owner only: the frame being suspended on a Weft awaiter, from the builder to the awaiter's OnCompleted (see
    /// <see cref="GoFrame.AwaitUnsafe"/>); null otherwise.
    /// </summary>
    internal GoFrame? Suspending;

    /// <summary>The next frame to run, handed over by a waker. CAS null → frame by wakers; taken by the strand.</summary>
    private GoFrame? _ready;

    /// <summary>The body before the first run; afterwards the spawn handle to complete, if any.</summary>
    private object? _start;

    /// <summary>Rarely used state, allocated on demand.</summary>
    private GExtras? _extras;

    internal G(GoRuntime runtime, long id, object start)
    {
        Runtime = runtime;
        Id = id;
        _start = start;
        _status = (int)GStatus.Runnable;
    }

    internal GStatus Status => (GStatus)Volatile.Read(ref _status);

    /// <summary>
    /// Claims a Runnable G for the calling M (CAS Runnable → Running). Run-queue entries are claim tickets: a G can
    /// be claimed out of turn (a join handoff), so a dequeued G whose claim fails is a stale entry to skip.
    /// </summary>
    internal bool TryClaimToRun() =>
        Interlocked.CompareExchange(ref _status, (int)GStatus.Running, (int)GStatus.Runnable) == (int)GStatus.Runnable;

    /// <summary>Milliseconds since the G parked (valid while Waiting).</summary>
    internal int WaitingMilliseconds => unchecked(CoarseClock.Milliseconds - _waitSince);

    internal GExtras Extras => _extras ?? Interlocked.CompareExchange(ref _extras, new GExtras(), null) ?? _extras;

    internal GExtras? ExtrasOrNull => _extras;

    // ---- parking (on the G's own strand) ------------------------------------------------------------

    /// <summary>Records what the G is about to park on (for dumps and deadlock detection). Owner only.</summary>
    internal void NotePark(GoFrame frame, WaitReason reason)
    {
        if (!WaiterInUse) Frame = frame;
        Reason = reason;
        _waitSince = CoarseClock.Milliseconds;
    }

    /// <summary>A frame of this G is suspending on a foreign awaitable (Task, ValueTask, ...).</summary>
    internal void NoteForeignAwait(GoFrame frame) => NotePark(frame, WaitReason.ForeignAwait);

    /// <summary>
    /// Owner only: asks the strand to go to the back of the global queue once the current step returns, and to
    /// resume <paramref name="frame"/> when it runs again (Gosched).
    /// </summary>
    internal void RequeueAfterStep(GoFrame frame, WaitReason reason)
    {
        Reason = reason;
        _requeue = true;
        Ready(frame);
    }

    // ---- waking (any thread) ------------------------------------------------------------------------

    /// <summary>Hands <paramref name="frame"/> to the strand and makes the G runnable if it was parked. Any thread.</summary>
    internal void Ready(GoFrame frame)
    {
        if (Interlocked.CompareExchange(ref _ready, frame, null) is not null) AddOverflow(frame);

        // The CAS above is a full fence: this read cannot move before it (pairs with the park in Execute).
        int s = Volatile.Read(ref _status);
        if ((s == (int)GStatus.Waiting || s == (int)GStatus.Dead) &&
            Interlocked.CompareExchange(ref _status, (int)GStatus.Runnable, s) == s)
        {
            Runtime.Scheduler.Ready(this);
        }
    }

    /// <summary>The embedded waiter was claimed by a channel or lock: resume the frame that parked on it.</summary>
    internal override void Wake() => Ready(Frame!);

    private void AddOverflow(GoFrame frame)
    {
        var extras = Extras;
        lock (extras)
        {
            (extras.Overflow ??= new Queue<GoFrame>()).Enqueue(frame);
            Volatile.Write(ref _hasOverflow, true);
        }
    }

    private GoFrame? TakeReady()
    {
        // Wakers only CAS null → frame, so once the owner sees a frame nobody else can change the slot.
        var ready = Volatile.Read(ref _ready);
        if (ready is not null)
        {
            Volatile.Write(ref _ready, null);
            return ready;
        }

        if (!Volatile.Read(ref _hasOverflow)) return null;
        var extras = _extras!;
        lock (extras)
        {
            var frame = extras.Overflow!.Dequeue();
            if (extras.Overflow.Count == 0) Volatile.Write(ref _hasOverflow, false);
            return frame;
        }
    }

    // ---- the strand ---------------------------------------------------------------------------------

    /// <summary>
    /// Runs the G on the current M until it parks, yields or exits. Called by the M that claimed it
    /// (<see cref="TryClaimToRun"/>). Returns true when the G asked to be queued globally (yield or preemption).
    /// </summary>
    internal bool Execute()
    {
        var previous = t_current; // non-null when run inline by a joining goroutine (Scheduler.TryRunInline)
        t_current = this;
        if (_extras?.SynchronizationContext is { } syncContext) SynchronizationContext.SetSynchronizationContext(syncContext);
        try
        {
            if (!_started)
            {
                _started = true;
                StartBody(_start!);
            }

            while (true)
            {
                if (_requeue)
                {
                    _requeue = false;
                    Volatile.Write(ref _status, (int)GStatus.Runnable);
                    return true;
                }

                var frame = TakeReady();
                if (frame is not null)
                {
                    frame.Run();
                    Runtime.RestoreThreadContext();
                    continue;
                }

                // Nothing ready: park. Store the state with a full fence, then re-check (pairs with Ready).
                int parked = Exited ? (int)GStatus.Dead : (int)GStatus.Waiting;
                Interlocked.Exchange(ref _status, parked);
                if (Volatile.Read(ref _ready) is null && !Volatile.Read(ref _hasOverflow)) return false;
                // A frame arrived while parking: take the G back unless its waker already queued it.
                if (Interlocked.CompareExchange(ref _status, (int)GStatus.Running, parked) != parked) return false;
            }
        }
        catch (Exception e)
        {
            // Only goroutine bodies that are plain delegates, or Weft bugs, get here: frames capture their own faults.
            Exited = true;
            Runtime.OnGoroutineExit(this);
            Runtime.Panic(this, e);
            return false;
        }
        finally
        {
            t_current = previous;
            if (_extras?.SynchronizationContext is not null)
                SynchronizationContext.SetSynchronizationContext(previous?._extras?.SynchronizationContext);
        }
    }

    private void StartBody(object start)
    {
        _start = null;
        switch (start)
        {
            case Func<GoTask> body:
                AwaitRoot(body().Frame);
                break;
            case Action body:
                body();
                OnRootCompleted(null);
                break;
            case Func<Task> body:
                StartTaskBody(body);
                break;
            case GoFrame spawned:
                _start = spawned; // kept as the result sink
                ((ISpawnedBody)spawned).Run(this);
                break;
            case ContextualStart contextual:
                ExecutionContext.Run(contextual.Context, static s =>
                {
                    var (g, body) = ((G, object))s!;
                    g.StartBody(body);
                }, (this, contextual.Body));
                break;
            default:
                throw new InvalidOperationException($"G.StartBody: unknown goroutine body {start.GetType()}.");
        }
    }

    /// <summary>Registers the G as the continuation of its root frame (null: the body completed synchronously).</summary>
    internal void AwaitRoot(GoFrame? root)
    {
        if (root is null || !root.TrySetContinuation(this)) OnRootCompleted(root);
    }

    private void StartTaskBody(Func<Task> body)
    {
        // Continuations of standard async code come back through the goroutine's SynchronizationContext.
        // Execute's finally clears it when the step ends.
        var context = Extras.SynchronizationContext ??= new GoSynchronizationContext(this);
        SynchronizationContext.SetSynchronizationContext(context);
        var task = body();
        if (task is null) throw new InvalidOperationException("The goroutine body returned a null Task.");
        if (task.IsCompleted)
        {
            OnTaskCompleted(task);
            return;
        }

        var frame = new CallbackFrame(this, static (s) =>
        {
            var (g, t) = ((G, Task))s!;
            g.OnTaskCompleted(t);
        }, (this, task));
        task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(frame.Wake);
        NoteForeignAwait(frame);
    }

    private void OnTaskCompleted(Task task)
    {
        Exited = true;
        Runtime.OnGoroutineExit(this);
        if (task.Exception is { } aggregate)
            Runtime.Panic(this, aggregate.InnerExceptions.Count == 1 ? aggregate.InnerExceptions[0] : aggregate);
        else if (task.IsCanceled)
            Runtime.Panic(this, new TaskCanceledException(task));
    }

    /// <summary>The root frame completed (or the body returned): the goroutine ends. Runs on the strand.</summary>
    internal void OnRootCompleted(GoFrame? root)
    {
        Debug.Assert(!Exited, "G.OnRootCompleted: goroutine exited twice");
        Exited = true;
        Frame = null; // a dead G may still be referenced by stale queue entries: keep nothing alive through it
        Runtime.OnGoroutineExit(this);
        if (_start is ISpawnedBody spawned)
        {
            _start = null;
            spawned.Complete(root);
            return;
        }

        if (root?.Fault is { } fault) Runtime.Panic(this, fault);
    }

    /// <summary>Wraps a body started with a non-default ExecutionContext.</summary>
    internal sealed class ContextualStart(ExecutionContext context, object body)
    {
        internal ExecutionContext Context => context;
        internal object Body => body;
    }

    public override string ToString() => $"goroutine {Id} [{Status}]";
}

/// <summary>Rarely used per-goroutine state.</summary>
internal sealed class GExtras
{
    /// <summary>Frames ready beyond the first (only with un-awaited GoTask calls). Guarded by lock(this).</summary>
    internal Queue<GoFrame>? Overflow;

    /// <summary>The goroutine's reusable select state.</summary>
    internal Channels.SelectState? SelectState;

    /// <summary>The reusable timer of Go.Sleep.</summary>
    internal Timers.SleepTimer? SleepTimer;

    /// <summary>Context for Func&lt;Task&gt; bodies.</summary>
    internal GoSynchronizationContext? SynchronizationContext;

    /// <summary>Where the goroutine was created (when tracking is on).</summary>
    internal string? CreationSite;

    /// <summary>The creating goroutine's id, or 0.</summary>
    internal long ParentId;
}

/// <summary>A goroutine body whose outcome goes to a handle (Spawn, Run) instead of the panic path.</summary>
internal interface ISpawnedBody
{
    /// <summary>The goroutine running the body (set when it is created).</summary>
    G? Goroutine { get; set; }

    /// <summary>Runs the body on <paramref name="g"/> and registers its root frame.</summary>
    void Run(G g);

    /// <summary>The root frame completed (null: synchronously, outcome already recorded by <see cref="Run"/>).</summary>
    void Complete(GoFrame? root);
}

/// <summary>A frame that runs one callback on a goroutine's strand (SynchronizationContext posts, task completions).</summary>
internal sealed class CallbackFrame : GoVoidFrame
{
    private readonly SendOrPostCallback _callback;
    private readonly object? _state;

    internal CallbackFrame(G owner, SendOrPostCallback callback, object? state)
    {
        Owner = owner;
        _callback = callback;
        _state = state;
    }

    internal override void MoveNextCore() => _callback(_state);

    internal override Type StateMachineType => _callback.Method.DeclaringType ?? typeof(CallbackFrame);
}

/// <summary>
/// The SynchronizationContext a goroutine with a <c>Func&lt;Task&gt;</c> body runs under: ordinary awaits post their
/// continuations here, and they run on the same goroutine, on Weft's scheduler.
/// </summary>
internal sealed class GoSynchronizationContext(G g) : SynchronizationContext
{
    public override void Post(SendOrPostCallback d, object? state) => new CallbackFrame(g, d, state).Wake();

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("Weft: synchronous Send to a goroutine would block an M; use Post.");

    public override SynchronizationContext CreateCopy() => this;
}
