using System.Runtime.CompilerServices;
using Weft.Scheduling;
using Weft.Tasks;

namespace Weft.Channels;

/// <summary>How a pending channel operation will find its result after it resumes.</summary>
internal enum OperationMode : byte
{
    /// <summary>Not started or still in its first attempt.</summary>
    Pending,

    /// <summary>Completed synchronously; the result is in the awaiter.</summary>
    Done,

    /// <summary>Parked on the goroutine's embedded waiter (the G itself).</summary>
    OnGoroutine,

    /// <summary>Parked on a dedicated <see cref="ChanWaiter{T}"/>.</summary>
    OnWaiter,

    /// <summary>Completed synchronously, but sysmon asked the goroutine to yield: suspend anyway (requeue), then return the result.</summary>
    DonePreempted,
}

/// <summary>
/// The state machine of one receive, shared by the receive awaiters. IsCompleted tries the receive and, if it must
/// wait, chooses the waiter (decided there because the awaiter struct is copied into the suspended frame right after
/// IsCompleted and read back by GetResult). Kept small: it is stored in every frame suspended on a receive.
/// </summary>
internal struct ReceiveOperation<T>
{
    private readonly Chan<T>? _chan;

    /// <summary>
    /// Before IsCompleted: a <see cref="ChanWaiter{T}"/> carrying the token of a cancellable receive, or null.
    /// After: the goroutine (OnGoroutine, DonePreempted) or the dedicated waiter (OnWaiter).
    /// </summary>
    private Waiter? _waiter;

    private T _value;
    private bool _ok;
    private OperationMode _mode;

    public ReceiveOperation(Chan<T>? chan, CancellationToken token)
    {
        _chan = chan;
        _waiter = token.CanBeCanceled ? new ChanWaiter<T>(null, isSend: false) { Token = token } : null;
        _value = default!;
        _ok = false;
        _mode = OperationMode.Pending;
    }

    public bool IsCompleted
    {
        get
        {
            var cancellable = _waiter as ChanWaiter<T>;
            cancellable?.Token.ThrowIfCancellationRequested();
            if (_chan is not null && _chan.TryReceive(out _value, out _ok))
            {
                if (Preemption.ShouldYield(out var preempted))
                {
                    _waiter = preempted;
                    _mode = OperationMode.DonePreempted;
                    return false;
                }

                _mode = OperationMode.Done;
                return true;
            }

            _waiter = ChannelParking.ChooseWaiter(cancellable, isSend: false, out _mode);
            return false;
        }
    }

    public void OnCompleted(Action continuation)
    {
        var waiter = ChannelParking.Prepare(_mode, _waiter!, continuation, _chan is null ? WaitReason.ChanReceiveNil : WaitReason.ChanReceive);
        if (waiter is null) return; // yielded (preempted)
        var dedicated = waiter as ChanWaiter<T>;
        ChannelParking.RegisterCancellation(_chan, dedicated);
        if (_chan is null) return; // a nil channel never becomes ready; only a cancellation can end the wait
        _chan.ReceiveOrPark(waiter);
        if (dedicated is not null && dedicated.Token.IsCancellationRequested) _chan.Cancel(dedicated);
    }

    public (T Value, bool Ok) GetResult()
    {
        switch (_mode)
        {
            case OperationMode.Done:
            case OperationMode.DonePreempted:
                return (_value, _ok);
            case OperationMode.OnGoroutine:
            {
                var g = (G)_waiter!;
                bool ok = g.Success;
                var value = ok ? ElemSlot<T>.Take(g) : default!;
                Park.ReleaseEmbeddedWaiter(g);
                return (value, ok);
            }

            case OperationMode.OnWaiter:
            {
                var w = (ChanWaiter<T>)_waiter!;
                w.EndCancellation();
                if (w.Canceled) throw new OperationCanceledException(w.Token);
                bool ok = w.Success;
                return (ok ? ElemSlot<T>.Take(w) : default!, ok);
            }

            default:
                throw new InvalidOperationException("A channel receive was awaited without being started (GetResult before IsCompleted).");
        }
    }
}

/// <summary>The state machine of one send, shared by the send awaiter (see <see cref="ReceiveOperation{T}"/>).</summary>
internal struct SendOperation<T>
{
    private readonly Chan<T>? _chan;
    private readonly T _value;

    /// <summary>As in <see cref="ReceiveOperation{T}"/>.</summary>
    private Waiter? _waiter;

    private OperationMode _mode;

    public SendOperation(Chan<T>? chan, T value, CancellationToken token)
    {
        _chan = chan;
        _value = value;
        _waiter = token.CanBeCanceled ? new ChanWaiter<T>(null, isSend: true) { Token = token } : null;
        _mode = OperationMode.Pending;
    }

    public bool IsCompleted
    {
        get
        {
            var cancellable = _waiter as ChanWaiter<T>;
            cancellable?.Token.ThrowIfCancellationRequested();
            if (_chan is not null && _chan.TrySend(_value))
            {
                if (Preemption.ShouldYield(out var preempted))
                {
                    _waiter = preempted;
                    _mode = OperationMode.DonePreempted;
                    return false;
                }

                _mode = OperationMode.Done;
                return true;
            }

            _waiter = ChannelParking.ChooseWaiter(cancellable, isSend: true, out _mode);
            return false;
        }
    }

    public void OnCompleted(Action continuation)
    {
        var waiter = ChannelParking.Prepare(_mode, _waiter!, continuation, _chan is null ? WaitReason.ChanSendNil : WaitReason.ChanSend);
        if (waiter is null) return; // yielded (preempted)
        var dedicated = waiter as ChanWaiter<T>;
        ChannelParking.RegisterCancellation(_chan, dedicated);
        if (_chan is null) return;
        ElemSlot<T>.Store(waiter, _value);
        _chan.SendOrPark(_value, waiter);
        if (dedicated is not null && dedicated.Token.IsCancellationRequested) _chan.Cancel(dedicated);
    }

    public void GetResult()
    {
        switch (_mode)
        {
            case OperationMode.Done:
            case OperationMode.DonePreempted:
                return;
            case OperationMode.OnGoroutine:
            {
                var g = (G)_waiter!;
                bool ok = g.Success;
                Park.ReleaseEmbeddedWaiter(g);
                if (!ok) throw new ChannelClosedException();
                return;
            }

            case OperationMode.OnWaiter:
            {
                var w = (ChanWaiter<T>)_waiter!;
                w.EndCancellation();
                if (w.Canceled) throw new OperationCanceledException(w.Token);
                if (!w.Success) throw new ChannelClosedException();
                return;
            }

            default:
                throw new InvalidOperationException("A channel send was awaited without being started (GetResult before IsCompleted).");
        }
    }
}

/// <summary>The parts of parking a channel operation that sends and receives share.</summary>
internal static class ChannelParking
{
    /// <summary>
    /// The operation must wait: park on the goroutine itself when it can (no token, a value that fits the G's inline
    /// slot, the G's waiter free), otherwise on a dedicated waiter (<paramref name="cancellable"/>, if the operation
    /// has a token).
    /// </summary>
    public static Waiter ChooseWaiter<T>(ChanWaiter<T>? cancellable, bool isSend, out OperationMode mode)
    {
        var g = G.Current;
        if (cancellable is null && g is not null && ElemSlot<T>.FitsInline && Park.EmbeddedWaiterFree(g))
        {
            mode = OperationMode.OnGoroutine;
            return g;
        }

        var waiter = cancellable ?? new ChanWaiter<T>(g, isSend);
        waiter.Goroutine = g;
        mode = OperationMode.OnWaiter;
        return waiter;
    }

    /// <summary>
    /// Registers the cancellation of a waiting operation with a token. Done before parking, so GetResult always sees
    /// the registration; the caller re-checks the token after enqueueing, since a cancellation that fired before the
    /// waiter was enqueued found nothing to withdraw. On a nil channel the waiter is never enqueued: a cancellation
    /// just completes it.
    /// </summary>
    public static void RegisterCancellation<T>(Chan<T>? chan, ChanWaiter<T>? dedicated)
    {
        if (dedicated is null || !dedicated.Token.CanBeCanceled) return;
        dedicated.CountedWait = Scheduler.EnterCancellableWait(dedicated.Goroutine);
        dedicated.Registration = chan is null
            ? dedicated.Token.UnsafeRegister(static s => ((ChanWaiter<T>)s!).CancelDetached(), dedicated)
            : dedicated.Token.UnsafeRegister(static s =>
            {
                var (c, w) = ((Chan<T>, ChanWaiter<T>))s!;
                c.Cancel(w);
            }, (chan, dedicated));
    }

    /// <summary>
    /// Takes the suspending frame and routes the wake-up to it: through the goroutine's embedded waiter, or a
    /// dedicated one. Returns the waiter to enqueue, or null when the operation had completed and only had to yield.
    /// </summary>
    public static Waiter? Prepare(OperationMode mode, Waiter waiter, Action continuation, WaitReason reason)
    {
        if (mode == OperationMode.DonePreempted)
        {
            var preempted = (G)waiter;
            Park.Yield(preempted, GoFrame.TakeSuspending(continuation, preempted), continuation);
            return null;
        }

        if (mode == OperationMode.OnGoroutine)
        {
            return Park.UseEmbeddedWaiter((G)waiter, continuation, reason);
        }

        var dedicated = (IChanWaiter)waiter;
        var current = dedicated.Goroutine;
        var suspending = GoFrame.TakeSuspending(continuation, current);
        dedicated.SetResumption(suspending, continuation);
        if (current is not null && waiter.Frame is { } f && f.Owner == current) current.NotePark(f, reason);
        return waiter;
    }
}
