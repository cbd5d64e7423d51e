using System.Runtime.ExceptionServices;
using Weft.Channels;
using Weft.Scheduling;
using Weft.Timers;

namespace Weft.Contexts;

/// <summary>Something a cancelable context cancels when it is canceled: a derived context or an AfterFunc.</summary>
internal interface ICancelChild
{
    /// <summary>Position in the registering ancestor's child list (for O(1) removal), or -1. Under that ancestor's lock.</summary>
    int ChildIndex { get; set; }

    /// <summary>
    /// Marks this node canceled with <paramref name="err"/> and <paramref name="cause"/> (if it was live) and appends
    /// the children it must cancel in turn to <paramref name="next"/>. Called outside every lock.
    /// </summary>
    void CancelOne(Exception err, Exception? cause, List<ICancelChild> next, ref List<Exception>? callbackFaults);
}

/// <summary>
/// A cancelable context (Go's <c>cancelCtx</c> and <c>timerCtx</c>): its Done channel, error and cause, the children it
/// cancels, an optional deadline timer and an optional linked <see cref="CancellationTokenSource"/>.
/// </summary>
/// <remarks>
/// <para>Propagation as in Go, with no goroutine per context: a new context registers with the nearest cancelable
/// ancestor (<see cref="Attach()"/>), or is canceled at once if that ancestor already is. Canceling walks the subtree
/// iteratively (a chain of 100,000 contexts must not overflow the stack).</para>
/// <para>Lock: <see cref="_lock"/> guards the error, the Done channel, the children and the token source. The Done
/// channel is closed, and token callbacks run, only after it is released.</para>
/// </remarks>
internal sealed class CancelContext : GoContext, ICancelChild
{
    private static readonly Chan<bool> s_closedDone = ClosedChan();

    private readonly GoContext _parent;
    private readonly string _kind;
    private readonly DateTime? _deadline;

    /// <summary>The ancestor this context is registered with (to leave it when canceled), or null.</summary>
    private CancelContext? _registeredWith;

    private ChanLock _lock;

    /// <summary>Null while live. Written once under the lock; read without it.</summary>
    private volatile Exception? _err;

    private Exception? _cause;

    /// <summary>Created on first use of <see cref="Done"/>; the shared closed channel if that was after cancellation.</summary>
    private Chan<bool>? _done;

    /// <summary>Registered children; each knows its index, so removal swaps in the last one (O(1), no hashing). Under the lock.</summary>
    private List<ICancelChild>? _children;

    int ICancelChild.ChildIndex { get; set; } = -1;

    private CancellationTokenSource? _cts;

    /// <summary>The deadline timer: a <see cref="DeadlineTimer"/> on the runtime, or an <see cref="ITimer"/> outside goroutines.</summary>
    private object? _timer;

    /// <summary>A linked token's registration (<see cref="GoContext.WithCancellationToken"/>).</summary>
    private CancellationTokenRegistration _tokenRegistration;

    private Action? _cancelFunc;

    internal CancelContext(GoContext parent, string kind, DateTime? deadline = null)
    {
        _parent = parent;
        _kind = kind;
        _deadline = deadline;
    }

    public override ChanReader<bool> Done
    {
        get
        {
            var done = Volatile.Read(ref _done);
            if (done is not null) return done;
            _lock.Enter();
            done = _done ??= _err is null ? new Chan<bool>() : s_closedDone;
            _lock.Exit();
            return done;
        }
    }

    public override Exception? Err => _err;

    public override DateTime? Deadline => _deadline ?? _parent.Deadline;

    public override CancellationToken CancellationToken
    {
        get
        {
            if (_err is not null) return new CancellationToken(canceled: true);
            _lock.Enter();
            var token = _err is not null ? new CancellationToken(canceled: true) : (_cts ??= new CancellationTokenSource()).Token;
            _lock.Exit();
            return token;
        }
    }

    private protected override GoContext? ParentForValues => _parent;

    internal override CancelContext? Canceler => this;

    internal Exception? CauseValue => _cause;

    /// <summary>The cancel function handed out with the context (one delegate per context).</summary>
    internal Action CancelFunc => _cancelFunc ??= () => Cancel(removeFromParent: true, Canceled, null);

    /// <summary>Go's propagateCancel: register with the nearest cancelable ancestor, or cancel now if it already is.</summary>
    internal void Attach() => Attach(this, _parent, c => _registeredWith = c);

    /// <summary>Registers <paramref name="child"/> under the nearest cancelable ancestor of <paramref name="parent"/>.</summary>
    internal static void Attach(ICancelChild child, GoContext parent, Action<CancelContext> registered)
    {
        if (parent.Canceler is not { } ancestor) return; // never canceled: nothing to propagate
        ancestor._lock.Enter();
        if (ancestor._err is null)
        {
            var list = ancestor._children ??= [];
            child.ChildIndex = list.Count;
            list.Add(child);
            ancestor._lock.Exit();
            registered(ancestor);
            return;
        }

        var err = ancestor._err;
        var cause = ancestor._cause;
        ancestor._lock.Exit();
        CancelTree(child, err, cause);
    }

    /// <summary>Removes a child that was canceled or stopped on its own.</summary>
    internal void RemoveChild(ICancelChild child)
    {
        _lock.Enter();
        int i = child.ChildIndex;
        if (_children is { } list && i >= 0 && i < list.Count && ReferenceEquals(list[i], child))
        {
            var last = list[^1];
            list[i] = last;
            last.ChildIndex = i;
            list.RemoveAt(list.Count - 1);
            child.ChildIndex = -1;
        }

        _lock.Exit();
    }

    /// <summary>Cancels this context and its subtree; the first cancellation wins, later ones do nothing.</summary>
    internal void Cancel(bool removeFromParent, Exception err, Exception? cause)
    {
        if (_err is not null) return;
        if (removeFromParent) _registeredWith?.RemoveChild(this);
        CancelTree(this, err, cause);
    }

    /// <summary>Cancels <paramref name="root"/> and everything below it, breadth-first, without recursion.</summary>
    private static void CancelTree(ICancelChild root, Exception err, Exception? cause)
    {
        List<Exception>? faults = null;
        var next = new List<ICancelChild>(0);
        root.CancelOne(err, cause, next, ref faults);
        var level = next;
        next = level.Count == 0 ? level : [];
        while (level.Count > 0)
        {
            foreach (var node in level) node.CancelOne(err, cause, next, ref faults);
            (level, next) = (next, level);
            next.Clear();
        }

        // A token callback threw: the whole tree is canceled first, then the failure surfaces (as CTS.Cancel does).
        if (faults is { Count: 1 }) ExceptionDispatchInfo.Capture(faults[0]).Throw();
        if (faults is not null) throw new AggregateException(faults);
    }

    void ICancelChild.CancelOne(Exception err, Exception? cause, List<ICancelChild> next, ref List<Exception>? callbackFaults)
    {
        _lock.Enter();
        if (_err is not null)
        {
            _lock.Exit();
            return;
        }

        _cause = cause ?? err;
        _err = err;
        var done = _done;
        if (done is null) _done = s_closedDone;
        var children = _children;
        _children = null;
        var cts = _cts;
        var timer = _timer;
        _timer = null;
        _lock.Exit();

        done?.Close();
        switch (timer)
        {
            case DeadlineTimer t:
                Scheduler.RemoveTimer(t);
                break;
            case ITimer t:
                t.Dispose();
                break;
        }

        _tokenRegistration.Dispose();
        if (children is not null) next.AddRange(children);
        if (cts is null) return;
        try
        {
            cts.Cancel();
        }
        catch (Exception e)
        {
            (callbackFaults ??= []).Add(e);
        }
    }

    /// <summary>Arms the deadline: a runtime timer inside a goroutine, a .NET timer outside; cancels now if already past.</summary>
    internal void StartDeadline(long when)
    {
        long delay = when - Clock.Now;
        if (delay <= 0)
        {
            Cancel(removeFromParent: true, DeadlineExceeded, null);
            return;
        }

        _lock.Enter();
        if (_err is not null)
        {
            _lock.Exit();
            return;
        }

        var runtime = GoRuntime.Current;
        if (runtime is not null)
        {
            var timer = new DeadlineTimer(this);
            _timer = timer;
            runtime.Scheduler.AddTimer(timer, when);
        }
        else
        {
            // Whole milliseconds rounded up: a .NET timer may fire a little early; the deadline must not.
            long ms = Math.Min((delay + 999_999) / 1_000_000 + 1, uint.MaxValue - 2L);
            _timer = TimeProvider.System.CreateTimer(static s => ((CancelContext)s!).Expire(), this, TimeSpan.FromMilliseconds(ms), Timeout.InfiniteTimeSpan);
        }

        _lock.Exit();
    }

    /// <summary>The deadline passed.</summary>
    internal void Expire() => Cancel(removeFromParent: true, DeadlineExceeded, null);

    /// <summary>Cancels this context when <paramref name="token"/> is canceled.</summary>
    internal void LinkToken(CancellationToken token) =>
        _tokenRegistration = token.UnsafeRegister(static (s, t) => ((CancelContext)s!).Cancel(true, Canceled, new OperationCanceledException(t)), this);

    public override string ToString() => $"{_parent}.{_kind}";

    private static Chan<bool> ClosedChan()
    {
        var c = new Chan<bool>();
        c.Close();
        return c;
    }

    /// <summary>A deadline on the runtime's timer heap; firing cancels the context.</summary>
    private sealed class DeadlineTimer(CancelContext context) : RuntimeTimer
    {
        internal override void Fire(long now) => context.Expire();
    }
}

/// <summary>Go's <c>afterFuncCtx</c>: runs a function in its own goroutine when its context is canceled, unless stopped first.</summary>
internal sealed class AfterFuncNode(GoContext context, Action action, GoRuntime runtime) : ICancelChild
{
    /// <summary>0 until started or stopped; the CAS winner decides which. Interlocked.</summary>
    private int _decided;

    private CancelContext? _registeredWith;

    int ICancelChild.ChildIndex { get; set; } = -1;

    internal void Attach() => CancelContext.Attach(this, context, c => _registeredWith = c);

    /// <summary>The stop function: true if this call prevented the action from running.</summary>
    internal bool Stop()
    {
        if (Interlocked.CompareExchange(ref _decided, 1, 0) != 0) return false;
        _registeredWith?.RemoveChild(this);
        return true;
    }

    void ICancelChild.CancelOne(Exception err, Exception? cause, List<ICancelChild> next, ref List<Exception>? callbackFaults)
    {
        if (Interlocked.CompareExchange(ref _decided, 1, 0) != 0) return;
        if (!runtime.IsDisposed) runtime.Start(action);
    }
}
