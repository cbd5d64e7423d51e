using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading.Tasks.Sources;
using Weft.Scheduling;

namespace Weft.Tasks;

/// <summary>
/// The heap box of one suspended async frame of a <see cref="GoTask"/> method — Weft's equivalent of
/// CoreLib's AsyncStateMachineBox. It is at once the state-machine storage, the completion record that
/// <see cref="GoTask"/> points at, the continuation an awaited child resumes, and a ThreadPool work item
/// for frames that run outside any goroutine.
/// </summary>
/// <remarks>
/// <para><b>Continuation slot protocol</b> (<see cref="_continuation"/>), one CAS/Exchange decides every race:</para>
/// <list type="bullet">
/// <item><c>null</c> — running or suspended, nobody awaits it yet.</item>
/// <item>a <see cref="GoFrame"/> — the parent frame awaiting this one; woken by <see cref="Wake"/>
///   (same goroutine: handed to the goroutine's loop, which runs it next without queueing).</item>
/// <item>a <see cref="G"/> — this is the goroutine's root frame; completion ends the goroutine.</item>
/// <item>an <see cref="Action"/> — a foreign awaiter (a Task-based method); queued to the ThreadPool.</item>
/// <item>a <see cref="ValueTaskContinuation"/> — registered through <see cref="IValueTaskSource"/>.</item>
/// <item>a <see cref="Completion"/> — final: the frame has completed (success or the captured fault).</item>
/// </list>
/// <para>Frames are owned by one goroutine (<see cref="Owner"/>): every MoveNext of the frame runs on that
/// goroutine's strand, one at a time.</para>
/// </remarks>
internal abstract class GoFrame : IThreadPoolWorkItem, IValueTaskSource
{
    /// <summary>See the class remarks. Written with Interlocked only.</summary>
    private object? _continuation;

    /// <summary>The goroutine whose strand runs this frame; null for frames running outside goroutines.</summary>
    internal G? Owner;

    /// <summary>Rare per-frame state (a non-default ExecutionContext, the foreign-await delegate); usually null.</summary>
    private FrameExtras? _extras;

    /// <summary>What few frames need: kept out of line so a parked frame stays small.</summary>
    private sealed class FrameExtras
    {
        /// <summary>The ExecutionContext captured at the last suspension; null means the default context.</summary>
        internal ExecutionContext? Context;

        /// <summary>Cached "resume me" delegate handed to foreign awaiters.</summary>
        internal Action? ResumeAction;
    }

    /// <summary>The ExecutionContext captured at the last suspension; null means the default context.</summary>
    internal ExecutionContext? Context => _extras?.Context;

    /// <summary>Token handed to Weft awaiters instead of a delegate: "the frame is in <see cref="t_suspending"/>".</summary>
    internal static readonly Action ParkToken = static () =>
        throw new InvalidOperationException("Weft: the park token of a GoTask frame was invoked as a delegate.");

    [ThreadStatic] private static GoFrame? t_suspending;

    /// <summary>Runs the state machine's MoveNext once (the frame's next step).</summary>
    internal abstract void MoveNextCore();

    /// <summary>The frame's async method, for dumps.</summary>
    internal abstract Type StateMachineType { get; }

    /// <summary>True once the frame has completed.</summary>
    internal bool IsCompleted => Volatile.Read(ref _continuation) is Completion;

    /// <summary>The frame this one resumes when it completes (for dumps; racy snapshot); null at the root of a goroutine.</summary>
    internal GoFrame? Parent => Volatile.Read(ref _continuation) is GoFrame parent and not Scheduling.ISpawnedBody ? parent : null;

    /// <summary>The shared default ExecutionContext, learned from the first Weft thread (started without a context).</summary>
    internal static ExecutionContext? DefaultContext;

    // ---- suspension -------------------------------------------------------------------------------

    /// <summary>
    /// Called by the builders at an await that did not complete synchronously. Weft awaiters (which implement
    /// <see cref="IGoAwaiter"/>) receive <see cref="ParkToken"/> and take the frame with <see cref="TakeSuspending(Action, G)"/>;
    /// anything else receives the frame's resume delegate.
    /// </summary>
    internal void AwaitUnsafe<TAwaiter>(ref TAwaiter awaiter) where TAwaiter : ICriticalNotifyCompletion
    {
        CaptureContext();
        if (awaiter is IGoAwaiter)
        {
            // For struct awaiters the JIT folds the type test; the constrained call does not box. The frame travels
            // through its goroutine's Frame field (no thread-static access) unless that field is busy with an
            // operation in flight (un-awaited GoTask calls), then through a thread static, as outside goroutines.
            var owner = Owner;
            if (owner is not null && Scheduling.Park.EmbeddedWaiterFree(owner))
            {
                owner.Frame = this;
                awaiter.UnsafeOnCompleted(ParkToken);
            }
            else
            {
                t_suspending = this;
                try
                {
                    awaiter.UnsafeOnCompleted(ParkToken);
                }
                finally
                {
                    t_suspending = null;
                }
            }
        }
        else
        {
            Owner?.NoteForeignAwait(this);
            awaiter.UnsafeOnCompleted(ResumeAction); // counts the await done, then wakes
        }
    }

    /// <summary>Same as <see cref="AwaitUnsafe"/> for awaiters that only implement INotifyCompletion.</summary>
    internal void AwaitSafe<TAwaiter>(ref TAwaiter awaiter) where TAwaiter : INotifyCompletion
    {
        CaptureContext();
        Owner?.NoteForeignAwait(this);
        awaiter.OnCompleted(ResumeAction);
    }

    /// <summary>
    /// For Weft awaiters: returns the frame being suspended when the awaiter was handed <see cref="ParkToken"/>,
    /// or null when the continuation is a foreign delegate (the caller is not a GoTask method).
    /// </summary>
    internal static GoFrame? TakeSuspending(Action continuation) => TakeSuspending(continuation, G.Current);

    /// <summary>
    /// As <see cref="TakeSuspending(Action)"/> for an awaiter that already knows the current goroutine
    /// (<paramref name="current"/>, null outside goroutines): frames inside goroutines always belong to it.
    /// </summary>
    internal static GoFrame? TakeSuspending(Action continuation, G? current)
    {
        if (!ReferenceEquals(continuation, ParkToken)) return null;
        GoFrame? frame;
        if (current is not null && Scheduling.Park.EmbeddedWaiterFree(current))
        {
            frame = current.Frame; // see AwaitUnsafe
        }
        else
        {
            frame = t_suspending;
            t_suspending = null;
        }

        return frame ?? throw new InvalidOperationException("Weft: park token used outside a GoTask suspension.");
    }

    private void CaptureContext()
    {
        var ec = ExecutionContext.Capture();
        if (ReferenceEquals(ec, DefaultContext))
        {
            if (_extras is { } extras) extras.Context = null;
        }
        else
        {
            (_extras ??= new FrameExtras()).Context = ec;
        }
    }

    /// <summary>
    /// The delegate foreign awaiters invoke. For a goroutine's frame it also ends the count of outstanding foreign
    /// awaits the builder started (<see cref="G.NoteForeignAwait"/>).
    /// </summary>
    internal Action ResumeAction => (_extras ??= new FrameExtras()).ResumeAction ??= Owner is null ? Wake : ResumeFromForeignAwait;

    private void ResumeFromForeignAwait()
    {
        Owner!.ForeignAwaitDone();
        Wake();
    }

    // ---- resumption -------------------------------------------------------------------------------

    /// <summary>
    /// Makes this frame run again: on its goroutine's strand (the goroutine is readied if parked), or on the
    /// ThreadPool when the frame does not belong to a goroutine. Any thread.
    /// </summary>
    internal void Wake()
    {
        var owner = Owner;
        if (owner is null) ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        else owner.Ready(this);
    }

    /// <summary>Runs the next step of the frame under its captured ExecutionContext.</summary>
    internal void Run()
    {
        var ec = Context;
        if (ec is null)
        {
            MoveNextCore();
        }
        else
        {
            ExecutionContext.Run(ec, static s => ((GoFrame)s!).MoveNextCore(), this);
        }
    }

    void IThreadPoolWorkItem.Execute()
    {
        Run();
        // ThreadPool threads reset their context between work items themselves.
    }

    // ---- completion -------------------------------------------------------------------------------

    /// <summary>Final value of <see cref="_continuation"/>: success, or the fault to rethrow.</summary>
    internal sealed class Completion
    {
        internal static readonly Completion Success = new(null);
        internal readonly ExceptionDispatchInfo? Fault;
        internal Completion(ExceptionDispatchInfo? fault) => Fault = fault;
    }

    /// <summary>Holder for a continuation registered through <see cref="IValueTaskSource.OnCompleted"/>.</summary>
    internal sealed class ValueTaskContinuation(Action<object?> action, object? state, ExecutionContext? context)
    {
        internal void Invoke()
        {
            if (context is null)
                ThreadPool.UnsafeQueueUserWorkItem(action, state, preferLocal: false);
            else
                ThreadPool.UnsafeQueueUserWorkItem(static s =>
                {
                    var self = (ValueTaskContinuation)s!;
                    ExecutionContext.Run(self.Context!, static t =>
                    {
                        var c = (ValueTaskContinuation)t!;
                        c.Action(c.State);
                    }, self);
                }, this, preferLocal: false);
        }

        private Action<object?> Action => action;
        private object? State => state;
        private ExecutionContext? Context => context;
    }

    /// <summary>Records the outcome and resumes whoever awaits the frame. Runs on the frame's strand.</summary>
    protected void Complete(ExceptionDispatchInfo? fault)
    {
        if (!TryComplete(fault)) throw new InvalidOperationException("GoFrame.Complete: the frame completed twice.");
    }

    /// <summary>
    /// A frame this one awaits has completed: resume (the default). A spawn handle overrides it: the frame that
    /// completed is the root of its goroutine.
    /// </summary>
    internal virtual void OnChildCompleted(GoFrame child) => Wake();

    /// <summary>Completes with an exception unless already complete (a deadlock failing a Run).</summary>
    internal bool TryFail(Exception exception) => TryComplete(ExceptionDispatchInfo.Capture(exception));

    /// <summary>Records the outcome unless the frame has already completed; resumes whoever awaits it.</summary>
    protected bool TryComplete(ExceptionDispatchInfo? fault)
    {
        var final = fault is null ? Completion.Success : new Completion(fault);
        object? continuation;
        while (true)
        {
            continuation = Volatile.Read(ref _continuation);
            if (continuation is Completion) return false;
            if (Interlocked.CompareExchange(ref _continuation, final, continuation) == continuation) break;
        }

        switch (continuation)
        {
            case null:
                return true;
            case GoFrame parent:
                parent.OnChildCompleted(this);
                return true;
            case G root:
                root.OnRootCompleted(this);
                return true;
            case Action action:
                ThreadPool.UnsafeQueueUserWorkItem(static a => ((Action)a!)(), action, preferLocal: false);
                return true;
            case ValueTaskContinuation vtc:
                vtc.Invoke();
                return true;
            default:
                throw new InvalidOperationException($"GoFrame.TryComplete: unexpected continuation {continuation.GetType()}.");
        }
    }

    /// <summary>
    /// Registers what runs when the frame completes: a parent frame, a goroutine (root), or a foreign delegate.
    /// Returns false when the frame had already completed (the caller resumes the continuation itself).
    /// Only one continuation may be registered: a GoTask, like a ValueTask, is awaited once.
    /// </summary>
    internal bool TrySetContinuation(object continuation)
    {
        var previous = Interlocked.CompareExchange(ref _continuation, continuation, null);
        if (previous is null) return true;
        if (previous is Completion) return false;
        throw new InvalidOperationException(
            "A GoTask was awaited twice. Like a ValueTask, a GoTask may be awaited only once; use AsTask() to share it.");
    }

    /// <summary>Throws the captured fault, if any. Call only after completion.</summary>
    internal void ThrowIfFaulted()
    {
        if (Volatile.Read(ref _continuation) is Completion { Fault: { } fault }) fault.Throw();
    }

    /// <summary>The captured fault, or null. Call only after completion.</summary>
    internal Exception? Fault => FaultInfo?.SourceException;

    /// <summary>The captured fault with its original stack, or null. Call only after completion.</summary>
    internal ExceptionDispatchInfo? FaultInfo => (Volatile.Read(ref _continuation) as Completion)?.Fault;

    // ---- IValueTaskSource (interop: GoTask.AsValueTask / AsTask) ----------------------------------

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => Status;

    internal ValueTaskSourceStatus Status => Volatile.Read(ref _continuation) switch
    {
        Completion { Fault: null } => ValueTaskSourceStatus.Succeeded,
        Completion { Fault.SourceException: OperationCanceledException } => ValueTaskSourceStatus.Canceled,
        Completion => ValueTaskSourceStatus.Faulted,
        _ => ValueTaskSourceStatus.Pending,
    };

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token,
        ValueTaskSourceOnCompletedFlags flags) => OnCompletedCore(continuation, state, flags);

    internal void OnCompletedCore(Action<object?> continuation, object? state, ValueTaskSourceOnCompletedFlags flags)
    {
        var ec = (flags & ValueTaskSourceOnCompletedFlags.FlowExecutionContext) != 0 ? ExecutionContext.Capture() : null;
        var holder = new ValueTaskContinuation(continuation, state, ec);
        if (!TrySetContinuation(holder)) holder.Invoke();
    }

    void IValueTaskSource.GetResult(short token) => ThrowIfFaulted();
}

/// <summary>A frame of a <see cref="GoTask{TResult}"/> method: adds the result.</summary>
internal abstract class GoFrame<TResult> : GoFrame, IValueTaskSource<TResult>
{
    private TResult _result = default!;

    internal void SetResult(TResult result)
    {
        _result = result;
        Complete(null);
    }

    internal void SetException(Exception exception) => Complete(ExceptionDispatchInfo.Capture(exception));

    /// <summary>Completes with the outcome of another completed frame, keeping its original stack trace (unless already complete).</summary>
    internal void SetOutcomeOf(GoFrame<TResult> completed)
    {
        if (completed.FaultInfo is { } fault)
        {
            TryComplete(fault);
        }
        else
        {
            _result = completed._result; // harmless if a deadlock already failed the frame: a fault is never read as a result
            TryComplete(null);
        }
    }

    internal TResult GetResult()
    {
        ThrowIfFaulted();
        return _result;
    }

    ValueTaskSourceStatus IValueTaskSource<TResult>.GetStatus(short token) => Status;

    void IValueTaskSource<TResult>.OnCompleted(Action<object?> continuation, object? state, short token,
        ValueTaskSourceOnCompletedFlags flags) => OnCompletedCore(continuation, state, flags);

    TResult IValueTaskSource<TResult>.GetResult(short token) => GetResult();
}

/// <summary>The frame of a void <see cref="GoTask"/> method.</summary>
internal abstract class GoVoidFrame : GoFrame
{
    internal void SetResult() => Complete(null);

    internal void SetException(Exception exception) => Complete(ExceptionDispatchInfo.Capture(exception));

    /// <summary>Completes with the outcome of another completed frame, keeping its original stack trace (unless already complete).</summary>
    internal void SetOutcomeOf(GoFrame completed) => TryComplete(completed.FaultInfo);
}

/// <summary>The box of a void GoTask method's state machine.</summary>
internal sealed class GoVoidFrame<TStateMachine> : GoVoidFrame where TStateMachine : IAsyncStateMachine
{
    internal TStateMachine StateMachine = default!;
    internal override void MoveNextCore() => StateMachine.MoveNext();
    internal override Type StateMachineType => typeof(TStateMachine);
}

/// <summary>The box of a GoTask&lt;T&gt; method's state machine.</summary>
internal sealed class GoFrame<TResult, TStateMachine> : GoFrame<TResult> where TStateMachine : IAsyncStateMachine
{
    internal TStateMachine StateMachine = default!;
    internal override void MoveNextCore() => StateMachine.MoveNext();
    internal override Type StateMachineType => typeof(TStateMachine);
}

/// <summary>
/// A frame with no state machine: a completion source. Used for tasks that complete synchronously with a fault,
/// and for the handle <see cref="Go.Spawn{T}(Func{GoTask{T}})"/> returns before the goroutine has run.
/// </summary>
internal sealed class GoPromise<TResult> : GoFrame<TResult>
{
    internal override void MoveNextCore() =>
        throw new InvalidOperationException("GoPromise.MoveNextCore: a promise has no state machine to run.");

    internal override Type StateMachineType => typeof(GoPromise<TResult>);
}

/// <summary>A void completion source (see <see cref="GoPromise{TResult}"/>).</summary>
internal sealed class GoVoidPromise : GoVoidFrame
{
    internal override void MoveNextCore() =>
        throw new InvalidOperationException("GoVoidPromise.MoveNextCore: a promise has no state machine to run.");

    internal override Type StateMachineType => typeof(GoVoidPromise);
}
