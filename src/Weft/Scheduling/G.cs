using System.Runtime.CompilerServices;
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
    /// <summary>
    /// The goroutine running on this thread, or null outside goroutines: the current M's <see cref="M.CurG"/> (one
    /// thread-static read; the strand itself never touches thread statics).
    /// </summary>
    internal static G? Current => M.Current?.CurG;

    internal readonly GoRuntime Runtime;
    internal readonly long Id;

    /// <summary><see cref="GStatus"/>; transitions documented on the type.</summary>
    private int _status;

    /// <summary><see cref="CoarseClock.Milliseconds"/> when the G last parked (for dumps).</summary>
    private int _waitSince;

    /// <summary>Why the G is parked (valid while Waiting).</summary>
    internal WaitReason Reason;

    /// <summary>
    /// Owner-only flags, packed in one byte (every byte counts: a parked goroutine must stay under 200 bytes).
    /// Written only on the goroutine's own strand; read racily by diagnostics.
    /// </summary>
    private byte _flags;

    private const byte RequeueFlag = 1, WaiterInUseFlag = 2, ExitedFlag = 4, StartedFlag = 8, LockedFlag = 16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool GetFlag(byte flag) => (Volatile.Read(ref _flags) & flag) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SetFlag(byte flag, bool on) => _flags = (byte)(on ? _flags | flag : _flags & ~flag);

    /// <summary>Owner only: after the current step, queue the G globally instead of running on (yield, preemption).</summary>
    private bool Requeue
    {
        get => GetFlag(RequeueFlag);
        set => SetFlag(RequeueFlag, value);
    }

    /// <summary>True while the embedded waiter (this G as a <see cref="Waiter"/>) is in use by an operation.</summary>
    internal bool WaiterInUse
    {
        get => GetFlag(WaiterInUseFlag);
        set => SetFlag(WaiterInUseFlag, value);
    }

    /// <summary>The goroutine's body has returned.</summary>
    internal bool Exited
    {
        get => GetFlag(ExitedFlag);
        private set => SetFlag(ExitedFlag, value);
    }

    /// <summary>The body has been started. Before that, the body rides in the idle value slot (<see cref="Waiter.ElemRef"/>).</summary>
    private bool Started
    {
        get => GetFlag(StartedFlag);
        set => SetFlag(StartedFlag, value);
    }

    /// <summary>Position in the runtime's <see cref="GoroutineRegistry"/>, or -1.</summary>
    internal int RegistrySlot = -1;

    /// <summary>True while the goroutine is locked to an M (<see cref="GExtras.LockedM"/>).</summary>
    internal bool HasLockedM
    {
        get => GetFlag(LockedFlag);
        set => SetFlag(LockedFlag, value);
    }

    /// <summary>1 when sysmon asked the goroutine to yield at its next await point (see <see cref="Preemption"/>).</summary>
    internal byte PreemptRequested;

    /// <summary>The next frame to run, handed over by a waker. CAS null → frame by wakers; taken by the strand.</summary>
    private GoFrame? _ready;

    /// <summary>Rarely used state, allocated on demand.</summary>
    private GExtras? _extras;

    internal G(GoRuntime runtime, long id, object body)
    {
        Runtime = runtime;
        Id = id;
        ElemRef = body; // the value slot is idle until the goroutine runs (see Started)
        _status = (int)GStatus.Runnable;
    }

    internal GStatus Status => (GStatus)Volatile.Read(ref _status);

    /// <summary>
    /// Claims a Runnable G for the calling M (CAS Runnable → Running). Run-queue entries are claim tickets: a G can
    /// be claimed out of turn (a join handoff), so a dequeued G whose claim fails is a stale entry to skip.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
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

    /// <summary>Stamps the start of a wait (for dumps).</summary>
    internal void MarkWaitStart() => _waitSince = CoarseClock.Milliseconds;

    /// <summary>
    /// Owner only: the G, still on its M's stack, is about to be queued as runnable (a blocking call returning
    /// without a P): whoever dequeues it hands its P to the G's locked M.
    /// </summary>
    internal void SetRunnableForQueue() => Volatile.Write(ref _status, (int)GStatus.Runnable);

    /// <summary>
    /// A frame of this G is suspending on a foreign awaitable (Task, ValueTask, ...). Counted until it resumes
    /// (<see cref="ForeignAwaitDone"/>): the deadlock check must not fire while one is outstanding, whatever
    /// <see cref="Reason"/> other frames of the goroutine have written since.
    /// </summary>
    internal void NoteForeignAwait(GoFrame frame)
    {
        Interlocked.Increment(ref Extras.ForeignAwaits);
        NotePark(frame, WaitReason.ForeignAwait);
        Runtime.Scheduler.Sim?.OnForeignAwait(this, frame); // a simulation cannot control it: error, or a non-reproducible run
    }

    /// <summary>A foreign await of this G completed (its continuation is running). Any thread.</summary>
    internal void ForeignAwaitDone() => Interlocked.Decrement(ref Extras.ForeignAwaits);

    /// <summary>Foreign awaits in flight (racy snapshot).</summary>
    internal int ForeignAwaitsOutstanding => _extras is { } extras ? Volatile.Read(ref extras.ForeignAwaits) : 0;

    /// <summary>
    /// Owner only: asks the strand to go to the back of the global queue once the current step returns, and to
    /// resume <paramref name="frame"/> when it runs again (Gosched).
    /// </summary>
    internal void RequeueAfterStep(GoFrame frame, WaitReason reason)
    {
        Reason = reason;
        Requeue = true;
        Ready(frame);
    }

    // ---- waking (any thread) ------------------------------------------------------------------------

    /// <summary>Hands <paramref name="frame"/> to the strand and makes the G runnable if it was parked. Any thread.</summary>
    internal void Ready(GoFrame frame)
    {
        if (!HandOver(frame)) return;
        Tracing.Tracer.GoUnblock(this);
        Runtime.Scheduler.Ready(this);
    }

    /// <summary>
    /// The first half of <see cref="Ready"/>: hands <paramref name="frame"/> to the strand and returns true when the
    /// caller made the G runnable and must queue it (the netpoller queues a whole batch at once). Any thread.
    /// </summary>
    internal bool HandOver(GoFrame frame)
    {
        if (Interlocked.CompareExchange(ref _ready, frame, null) is not null) AddOverflow(frame);

        // The CAS above is a full fence: this read cannot move before it (pairs with the park in Execute).
        int s = Volatile.Read(ref _status);
        return (s == (int)GStatus.Waiting || s == (int)GStatus.Dead) &&
               Interlocked.CompareExchange(ref _status, (int)GStatus.Runnable, s) == s;
    }

    /// <summary>The embedded waiter was claimed by a channel or lock: resume the frame that parked on it.</summary>
    internal override void Wake() => Ready(Frame!);

    private void AddOverflow(GoFrame frame)
    {
        var extras = Extras;
        lock (extras)
        {
            (extras.Overflow ??= new Queue<GoFrame>()).Enqueue(frame);
            Volatile.Write(ref extras.OverflowCount, extras.Overflow.Count);
        }
    }

    private bool HasOverflow => Volatile.Read(ref _extras) is { } extras && Volatile.Read(ref extras.OverflowCount) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private GoFrame? TakeReady()
    {
        // Wakers only CAS null → frame, so once the owner sees a frame nobody else can change the slot.
        var ready = Volatile.Read(ref _ready);
        if (ready is not null)
        {
            Volatile.Write(ref _ready, null);
            return ready;
        }

        if (!HasOverflow) return null;
        var extras = _extras!;
        lock (extras)
        {
            var frame = extras.Overflow!.Dequeue();
            Volatile.Write(ref extras.OverflowCount, extras.Overflow.Count);
            return frame;
        }
    }

    // ---- the strand ---------------------------------------------------------------------------------

    /// <summary>
    /// Runs the G on the current M until it parks, yields or exits. Called by the M that claimed it
    /// (<see cref="TryClaimToRun"/>). Returns true when the G asked to be queued globally (yield or preemption).
    /// </summary>
    internal bool Execute(M m)
    {
        Preemption.Clear(this);
        Tracing.Tracer.GoStart(m, this);
        if (_extras?.SynchronizationContext is { } syncContext) SynchronizationContext.SetSynchronizationContext(syncContext);
        try
        {
            if (!Started)
            {
                Started = true;
                var body = ElemRef!;
                ElemRef = null;
                StartBody(body);
                // A body's synchronous part (an Action, a non-async Func<Task>) may have set an AsyncLocal directly on
                // the thread: reset it, as after every frame below, so it reaches neither the starter nor the next G.
                if (ThreadContexts.HasNonDefault(m.Thread!)) ThreadContexts.RestoreDefault();
            }

            while (true)
            {
                if (Requeue)
                {
                    Requeue = false;
                    Tracing.Tracer.GoStop(m, this, Tracing.StopReason.Requeue);
                    Volatile.Write(ref _status, (int)GStatus.Runnable);
                    return true;
                }

                var frame = TakeReady();
                if (frame is not null)
                {
                    frame.Run();
                    // A frame that set an AsyncLocal leaves the thread's context changed: reset it, so the next
                    // frame (maybe another goroutine's) starts from its own captured context.
                    if (ThreadContexts.HasNonDefault(m.Thread!)) ThreadContexts.RestoreDefault();
                    continue;
                }

                // Nothing ready: park. Store the state with a full fence, then re-check (pairs with Ready).
                int parked = Exited ? (int)GStatus.Dead : (int)GStatus.Waiting;
                Tracing.Tracer.GoStop(m, this, Exited ? Tracing.StopReason.Exit : (int)Reason); // before a waker may run it elsewhere
                Interlocked.Exchange(ref _status, parked);
                if (Volatile.Read(ref _ready) is null && !HasOverflow) return false;
                // A frame arrived while parking: take the G back unless its waker already queued it.
                if (Interlocked.CompareExchange(ref _status, (int)GStatus.Running, parked) != parked) return false;
                Tracing.Tracer.GoStart(m, this);
            }
        }
        catch (Exception e)
        {
            // Only goroutine bodies that are plain delegates, or Weft bugs, get here: frames capture their own faults.
            if (!Exited) Exit();
            Tracing.Tracer.GoStop(m, this, Tracing.StopReason.Exit);
            Runtime.Panic(this, e);
            return false;
        }
        finally
        {
            if (_extras?.SynchronizationContext is not null) SynchronizationContext.SetSynchronizationContext(null);
        }
    }

    private void StartBody(object start)
    {
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

    /// <summary>
    /// For a spawned body: its handle <paramref name="sink"/> is the root frame's continuation; it ends the goroutine
    /// and takes the outcome (see <see cref="GoFrame.OnChildCompleted"/>).
    /// </summary>
    internal void AwaitRoot(GoFrame root, GoFrame sink)
    {
        if (!root.TrySetContinuation(sink)) sink.OnChildCompleted(root);
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
        NoteForeignAwait(frame);
        task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(frame.ResumeAction);
    }

    private void OnTaskCompleted(Task task)
    {
        Exit();
        if (task.Exception is { } aggregate)
            Runtime.Panic(this, aggregate.InnerExceptions.Count == 1 ? aggregate.InnerExceptions[0] : aggregate);
        else if (task.IsCanceled)
            Runtime.Panic(this, new TaskCanceledException(task));
    }

    /// <summary>The root frame completed (or the body returned): the goroutine ends. Runs on the strand.</summary>
    internal void OnRootCompleted(GoFrame? root)
    {
        Exit();
        if (root?.Fault is { } fault) Runtime.Panic(this, fault);
    }

    /// <summary>The goroutine ends (its outcome is handled by the caller). Runs on the strand.</summary>
    internal void Exit()
    {
        Debug.Assert(!Exited, "G.Exit: goroutine exited twice");
        Exited = true;
        Frame = null; // a dead G may still be referenced by stale queue entries: keep nothing alive through it
        Runtime.OnGoroutineExit(this);
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

    /// <summary>Overflow.Count, readable without the lock.</summary>
    internal int OverflowCount;

    /// <summary>Foreign awaits in flight (see <see cref="G.NoteForeignAwait"/>). Interlocked.</summary>
    internal int ForeignAwaits;

    /// <summary>The goroutine's reusable select state.</summary>
    internal Channels.SelectState? SelectState;

    /// <summary>The reusable timer of Go.Sleep.</summary>
    internal Timers.SleepTimer? SleepTimer;

    /// <summary>Context for Func&lt;Task&gt; bodies.</summary>
    internal GoSynchronizationContext? SynchronizationContext;

    /// <summary>The M this goroutine is locked to (LockOSThread, or a blocking call waiting for a P).</summary>
    internal M? LockedM;

    /// <summary>Nesting depth of LockOSThread calls.</summary>
    internal int LockCount;

    /// <summary>Sysmon found this goroutine stuck in one step this many times (blocked or hogging).</summary>
    internal int StuckCount;

    /// <summary>The longest such step, in milliseconds, and whether it was blocked in the kernel.</summary>
    internal long LongestStuckMs;

    internal bool LastStuckWasBlocked;

    /// <summary>Where the goroutine was created (when tracking is on).</summary>
    internal string? CreationSite;

    /// <summary>The creating goroutine's id, or 0.</summary>
    internal long ParentId;

    /// <summary>The innermost structured scope this goroutine is in: one it opened, else the one it is a child of (Scopes/).</summary>
    internal object? Scope;
}

/// <summary>A goroutine body whose outcome goes to a handle (Spawn, Run) instead of the panic path.</summary>
internal interface ISpawnedBody
{
    /// <summary>The goroutine running the body (set when it is created).</summary>
    G? Goroutine { get; set; }

    /// <summary>Runs the body on <paramref name="g"/> and registers its root frame.</summary>
    void Run(G g);
}
