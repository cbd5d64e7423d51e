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
}

/// <summary>
/// The state machine of one receive, shared by the receive awaiters. IsCompleted tries the receive and, if it must
/// wait, chooses the waiter (decided there because the awaiter struct is copied into the suspended frame right
/// after IsCompleted, and read back by GetResult).
/// </summary>
internal struct ReceiveOperation<T>
{
    private readonly Chan<T>? _chan;
    private readonly CancellationToken _token;
    private T _value;
    private bool _ok;
    private OperationMode _mode;
    private ChanWaiter<T>? _waiter;

    /// <summary>The goroutine running the operation (null outside goroutines), looked up once: thread statics are slow.</summary>
    private G? _g;

    public ReceiveOperation(Chan<T>? chan, CancellationToken token)
    {
        _chan = chan;
        _token = token;
        _value = default!;
        _ok = false;
        _mode = OperationMode.Pending;
        _waiter = null;
        _g = null;
    }

    public bool IsCompleted
    {
        get
        {
            _token.ThrowIfCancellationRequested();
            if (_chan is not null && _chan.TryReceive(out _value, out _ok))
            {
                _mode = OperationMode.Done;
                return true;
            }

            var g = _g = G.Current;
            if (g is not null && ElemSlot<T>.FitsInline && !g.WaiterInUse && !_token.CanBeCanceled)
            {
                _mode = OperationMode.OnGoroutine;
            }
            else
            {
                _waiter = new ChanWaiter<T>(g, isSend: false);
                _mode = OperationMode.OnWaiter;
            }

            return false;
        }
    }

    public void OnCompleted(Action continuation)
    {
        var frame = GoFrame.TakeSuspending(continuation, _g);
        Waiter waiter;
        if (_mode == OperationMode.OnGoroutine)
        {
            var g = _g!;
            g.Frame = frame is not null && frame.Owner == g
                ? frame
                : new CallbackFrame(g, static c => ((Action)c!)(), continuation);
            g.WaiterInUse = true;
            waiter = g;
        }
        else
        {
            _waiter!.SetResumption(frame, continuation);
            waiter = _waiter;
        }

        if (_g is { } current && waiter.Frame is { } parked && parked.Owner == current)
            current.NotePark(parked, _chan is null ? WaitReason.ChanReceiveNil : WaitReason.ChanReceive);

        if (_chan is null)
        {
            // A nil channel never becomes ready; only a cancellation can end the wait.
            if (_waiter is not null && _token.CanBeCanceled)
                _waiter.Registration = _token.UnsafeRegister(static s => ((ChanWaiter<T>)s!).CancelDetached(), _waiter);
            return;
        }

        // Register before parking (so GetResult always sees the registration), and re-check after: a cancellation
        // that fired before the waiter was enqueued found nothing to withdraw.
        if (_waiter is not null && _token.CanBeCanceled)
        {
            _waiter.Registration = _token.UnsafeRegister(static s =>
            {
                var (c, w) = ((Chan<T>, ChanWaiter<T>))s!;
                c.Cancel(w);
            }, (_chan, _waiter));
        }

        _chan.ReceiveOrPark(waiter);
        if (_waiter is not null && _token.IsCancellationRequested) _chan.Cancel(_waiter);
    }

    public (T Value, bool Ok) GetResult()
    {
        switch (_mode)
        {
            case OperationMode.Done:
                return (_value, _ok);
            case OperationMode.OnGoroutine:
            {
                var g = _g!;
                bool ok = g.Success;
                var value = ok ? ElemSlot<T>.Take(g) : default!;
                g.WaiterInUse = false;
                return (value, ok);
            }

            case OperationMode.OnWaiter:
            {
                var w = _waiter!;
                w.Registration.Dispose();
                if (w.Canceled) throw new OperationCanceledException(_token);
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
    private readonly CancellationToken _token;
    private readonly T _value;
    private OperationMode _mode;
    private ChanWaiter<T>? _waiter;

    /// <summary>The goroutine running the operation (null outside goroutines), looked up once.</summary>
    private G? _g;

    public SendOperation(Chan<T>? chan, T value, CancellationToken token)
    {
        _chan = chan;
        _token = token;
        _value = value;
        _mode = OperationMode.Pending;
        _waiter = null;
        _g = null;
    }

    public bool IsCompleted
    {
        get
        {
            _token.ThrowIfCancellationRequested();
            if (_chan is not null && _chan.TrySend(_value))
            {
                _mode = OperationMode.Done;
                return true;
            }

            var g = _g = G.Current;
            if (g is not null && ElemSlot<T>.FitsInline && !g.WaiterInUse && !_token.CanBeCanceled)
            {
                _mode = OperationMode.OnGoroutine;
            }
            else
            {
                _waiter = new ChanWaiter<T>(g, isSend: true);
                _mode = OperationMode.OnWaiter;
            }

            return false;
        }
    }

    public void OnCompleted(Action continuation)
    {
        var frame = GoFrame.TakeSuspending(continuation, _g);
        Waiter waiter;
        if (_mode == OperationMode.OnGoroutine)
        {
            var g = _g!;
            g.Frame = frame is not null && frame.Owner == g
                ? frame
                : new CallbackFrame(g, static c => ((Action)c!)(), continuation);
            g.WaiterInUse = true;
            waiter = g;
        }
        else
        {
            _waiter!.SetResumption(frame, continuation);
            waiter = _waiter;
        }

        if (_g is { } current && waiter.Frame is { } parked && parked.Owner == current)
            current.NotePark(parked, _chan is null ? WaitReason.ChanSendNil : WaitReason.ChanSend);

        if (_chan is null)
        {
            if (_waiter is not null && _token.CanBeCanceled)
                _waiter.Registration = _token.UnsafeRegister(static s => ((ChanWaiter<T>)s!).CancelDetached(), _waiter);
            return;
        }

        // Register before parking (so GetResult always sees the registration), and re-check after: a cancellation
        // that fired before the waiter was enqueued found nothing to withdraw.
        if (_waiter is not null && _token.CanBeCanceled)
        {
            _waiter.Registration = _token.UnsafeRegister(static s =>
            {
                var (c, w) = ((Chan<T>, ChanWaiter<T>))s!;
                c.Cancel(w);
            }, (_chan, _waiter));
        }

        ElemSlot<T>.Store(waiter, _value);
        _chan.SendOrPark(_value, waiter);
        if (_waiter is not null && _token.IsCancellationRequested) _chan.Cancel(_waiter);
    }

    public void GetResult()
    {
        switch (_mode)
        {
            case OperationMode.Done:
                return;
            case OperationMode.OnGoroutine:
            {
                var g = _g!;
                bool ok = g.Success;
                g.WaiterInUse = false;
                if (!ok) throw new ChannelClosedException();
                return;
            }

            case OperationMode.OnWaiter:
            {
                var w = _waiter!;
                w.Registration.Dispose();
                if (w.Canceled) throw new OperationCanceledException(_token);
                if (!w.Success) throw new ChannelClosedException();
                return;
            }

            default:
                throw new InvalidOperationException("A channel send was awaited without being started (GetResult before IsCompleted).");
        }
    }
}
