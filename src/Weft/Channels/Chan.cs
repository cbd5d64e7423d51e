using System.Diagnostics;
using Weft.Channels;
using Weft.Scheduling;

namespace Weft;

/// <summary>
/// A Go channel: <c>new Chan&lt;T&gt;()</c> is unbuffered (a send completes only when a receiver takes the value),
/// <c>new Chan&lt;T&gt;(n)</c> buffers <c>n</c> values. Sends and receives park the goroutine (inside goroutines) or
/// complete on the .NET ThreadPool (outside); <see cref="Close"/> wakes every receiver with (default, false) and
/// fails every sender, exactly as in Go. Channels work in <see cref="Select"/>.
/// </summary>
/// <remarks>
/// <para><b>Invariants</b> (checked in DEBUG builds at every lock entry), as in Go's chan.go:</para>
/// <list type="bullet">
/// <item>At most one of the receive and send queues holds claimable waiters — except on an unbuffered channel where
/// a single select waits both to send and to receive (as Go's chan.go notes too).</item>
/// <item>Buffered: values in the buffer ⇒ no claimable receiver waits; free space ⇒ no claimable sender waits.</item>
/// <item>Unbuffered: the buffer is empty (there is none).</item>
/// <item>Once closed, no sender waits.</item>
/// </list>
/// <para>A waiting receiver gets a sent value directly into its slot and is readied into the sender's runnext; a
/// full buffer with a waiting sender rotates (the receiver takes the head, the sender's value goes to the tail).
/// Goroutines are woken only after the lock is released.</para>
/// <para>Every operation named <c>...Async</c> is a suspension point only when it cannot complete at once;
/// <c>Try...</c> operations never suspend.</para>
/// </remarks>
/// <typeparam name="T">The element type.</typeparam>
public sealed partial class Chan<T> : ISelectableChan
{
    /// <summary>Guards every mutable field below.</summary>
    private ChanLock _lock;

    /// <summary>Global lock order for select (objects move in .NET, so no address order). Process-wide, across element types.</summary>
    private readonly long _id = ChanIds.Next();

    private readonly T[] _buffer;
    private readonly int _capacity;

    /// <summary>Values in the buffer. Written under the lock; read racily by Len and the non-blocking fast paths.</summary>
    private int _count;

    private int _sendx;
    private int _recvx;

    /// <summary>Written under the lock; read racily by the non-blocking fast paths.</summary>
    private volatile bool _closed;

    private WaitQueue _recvq;
    private WaitQueue _sendq;

    /// <summary>The timer feeding this channel, for the channels of <see cref="Time"/>; null otherwise.</summary>
    private readonly Timers.ChanTimer? _timer;

    /// <summary>Creates an unbuffered channel.</summary>
    public Chan()
        : this(0)
    {
    }

    /// <summary>Creates a channel buffering <paramref name="capacity"/> values (0: unbuffered).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is negative.</exception>
    public Chan(int capacity)
    {
        if (capacity < 0)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "makechan: size out of range (a channel capacity must not be negative).");
        _capacity = capacity;
        _buffer = capacity == 0 ? [] : new T[capacity];
    }

    /// <summary>A timer's channel: one slot internally, reported as unbuffered (Go 1.23).</summary>
    internal Chan(int capacity, Timers.ChanTimer timer)
        : this(capacity) => _timer = timer;

    /// <summary>The buffer size (Go's <c>cap(ch)</c>); 0 for an unbuffered channel and for timer channels.</summary>
    public int Cap => _timer is null ? _capacity : 0;

    /// <summary>The number of values in the buffer (Go's <c>len(ch)</c>); a snapshot; 0 for timer channels.</summary>
    public int Len => _timer is null ? Volatile.Read(ref _count) : 0;

    /// <summary>A receive-only view (Go's <c>&lt;-chan T</c>).</summary>
    public ChanReader<T> Reader => new(this);

    /// <summary>A send-only view (Go's <c>chan&lt;- T</c>).</summary>
    public ChanWriter<T> Writer => new(this);

    /// <summary>Views a channel as receive-only.</summary>
    public static implicit operator ChanReader<T>(Chan<T>? chan) => new(chan);

    /// <summary>Views a channel as send-only.</summary>
    public static implicit operator ChanWriter<T>(Chan<T>? chan) => new(chan);

    long ISelectableChan.Id => _id;

    /// <summary>Copies what select reads on every poll into its case, so the hot path makes no interface call for it.</summary>
    internal void LoadCase(SelectWaiter node, bool send)
    {
        node.Channel = this;
        node.ChannelId = _id;
        node.IsTimer = _timer is not null;
        node.IsSend = send;
    }

    Type ISelectableChan.ElementType => typeof(T);

    // ---- sending ------------------------------------------------------------------------------------

    /// <summary>
    /// Sends <paramref name="value"/>, waiting until a receiver takes it (unbuffered) or buffer space exists.
    /// Throws <see cref="ChannelClosedException"/> if the channel is closed before or while waiting.
    /// </summary>
    public SendAwaitable<T> SendAsync(T value) => new(this, value, default);

    /// <summary>As <see cref="SendAsync(T)"/>; a cancellation withdraws the waiting send and throws <see cref="OperationCanceledException"/>.</summary>
    public SendAwaitable<T> SendAsync(T value, CancellationToken cancellationToken) => new(this, value, cancellationToken);

    /// <summary>As <see cref="SendAsync(T, CancellationToken)"/>, ended by the context's cancellation.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    public SendAwaitable<T> SendAsync(T value, GoContext context) => new(this, value, GoContext.TokenOf(context));

    /// <summary>
    /// Sends without waiting: true when a receiver took the value or it was buffered, false when the send would block.
    /// </summary>
    /// <exception cref="ChannelClosedException">The channel is closed.</exception>
    public bool TrySend(T value)
    {
        Diagnostics.ChanMetrics.Send();
        // Go's chansend fast path: a non-blocking send on an open, full channel fails without the lock.
        if (!_closed && IsFull) return false;
        return TrySendLocked(value) switch
        {
            OpResult.Completed => true,
            OpResult.Closed => throw new ChannelClosedException(),
            _ => false,
        };
    }

    /// <summary>Sends, blocking the calling thread. For synchronous code outside goroutines.</summary>
    /// <exception cref="ChannelClosedException">The channel is closed.</exception>
    /// <exception cref="InvalidOperationException">Called from inside a goroutine (use <see cref="SendAsync(T)"/>).</exception>
    public void Send(T value)
    {
        ThrowIfGoroutine(nameof(Send), nameof(SendAsync));
        var awaiter = SendAsync(value).GetAwaiter();
        if (!awaiter.IsCompleted) BlockOn(ref awaiter);
        awaiter.GetResult();
    }

    private bool IsFull => _capacity == 0 ? _recvq.IsEmpty : Volatile.Read(ref _count) == _capacity;

    private bool IsEmpty => _capacity == 0 ? _sendq.IsEmpty : Volatile.Read(ref _count) == 0;

    /// <summary>One locked send attempt.</summary>
    internal OpResult TrySendLocked(T value)
    {
        _lock.Enter();
        AssertInvariants();
        if (_closed)
        {
            _lock.Exit();
            return OpResult.Closed;
        }

        if (_recvq.DequeueClaimable() is { } receiver)
        {
            // Direct handoff into the waiting receiver's slot.
            ElemSlot<T>.Store(receiver, value);
            receiver.Success = true;
            _lock.Exit();
            receiver.Wake();
            return OpResult.Completed;
        }

        if (_count < _capacity)
        {
            Enqueue(value);
            _lock.Exit();
            return OpResult.Completed;
        }

        _lock.Exit();
        return OpResult.WouldBlock;
    }

    /// <summary>
    /// Locked send that parks <paramref name="waiter"/> (its slot already holds the value) when the send cannot
    /// complete. When it completes at once, the waiter is woken immediately so the caller resumes.
    /// </summary>
    internal void SendOrPark(T value, Waiter waiter)
    {
        _lock.Enter();
        AssertInvariants();
        if (_closed)
        {
            ElemSlot<T>.Clear(waiter);
            waiter.Success = false;
            _lock.Exit();
            waiter.Wake();
            return;
        }

        if (_recvq.DequeueClaimable() is { } receiver)
        {
            ElemSlot<T>.Store(receiver, value);
            receiver.Success = true;
            waiter.Success = true;
            ElemSlot<T>.Clear(waiter);
            _lock.Exit();
            receiver.Wake();
            waiter.Wake();
            return;
        }

        if (_count < _capacity)
        {
            Enqueue(value);
            waiter.Success = true;
            ElemSlot<T>.Clear(waiter);
            _lock.Exit();
            waiter.Wake();
            return;
        }

        _sendq.Enqueue(waiter);
        _lock.Exit();
    }

    // ---- receiving ----------------------------------------------------------------------------------

    /// <summary>
    /// Receives a value, waiting until one is available; once the channel is closed and drained, returns
    /// <c>default</c> at once (use <see cref="ReceiveWithOkAsync()"/> to tell the two apart).
    /// </summary>
    public ReceiveAwaitable<T> ReceiveAsync() => new(this, default);

    /// <summary>As <see cref="ReceiveAsync()"/>; a cancellation withdraws the waiting receive and throws <see cref="OperationCanceledException"/>.</summary>
    public ReceiveAwaitable<T> ReceiveAsync(CancellationToken cancellationToken) => new(this, cancellationToken);

    /// <summary>As <see cref="ReceiveAsync(CancellationToken)"/>, ended by the context's cancellation.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    public ReceiveAwaitable<T> ReceiveAsync(GoContext context) => new(this, GoContext.TokenOf(context));

    /// <summary>
    /// Receives like Go's <c>v, ok := &lt;-ch</c>: <c>Ok</c> is true for a value sent on the channel, false for the
    /// default value a closed, drained channel yields.
    /// </summary>
    public ReceiveWithOkAwaitable<T> ReceiveWithOkAsync() => new(this, default);

    /// <summary>As <see cref="ReceiveWithOkAsync()"/>, with cancellation.</summary>
    public ReceiveWithOkAwaitable<T> ReceiveWithOkAsync(CancellationToken cancellationToken) => new(this, cancellationToken);

    /// <summary>As <see cref="ReceiveWithOkAsync(CancellationToken)"/>, ended by the context's cancellation.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    public ReceiveWithOkAwaitable<T> ReceiveWithOkAsync(GoContext context) => new(this, GoContext.TokenOf(context));

    /// <summary>Receives without waiting: true with a value when one was available, false otherwise (also when closed and drained).</summary>
    public bool TryReceive(out T value) => TryReceive(out value, out bool ok) && ok;

    /// <summary>
    /// Receives without waiting, like Go's <c>select { case v, ok := &lt;-ch: ... default: }</c>: true when the receive
    /// completed (<paramref name="ok"/> false: the channel is closed and drained), false when it would block.
    /// </summary>
    public bool TryReceive(out T value, out bool ok)
    {
        Diagnostics.ChanMetrics.Receive();
        _timer?.MaybeRun();

        // Go's chanrecv fast path: empty and open means "would block" without taking the lock; empty and closed
        // (re-checking emptiness after seeing closed, as Go does) means (default, false).
        if (IsEmpty)
        {
            if (!_closed)
            {
                value = default!;
                ok = false;
                return false;
            }

            if (IsEmpty)
            {
                value = default!;
                ok = false;
                return true;
            }
        }

        return TryReceiveLocked(out value, out ok) == OpResult.Completed;
    }

    /// <summary>Receives, blocking the calling thread. For synchronous code outside goroutines.</summary>
    /// <exception cref="InvalidOperationException">Called from inside a goroutine (use <see cref="ReceiveAsync()"/>).</exception>
    public T Receive() => ReceiveWithOk().Value;

    /// <summary>Receives with the ok flag, blocking the calling thread. For synchronous code outside goroutines.</summary>
    /// <exception cref="InvalidOperationException">Called from inside a goroutine (use <see cref="ReceiveWithOkAsync()"/>).</exception>
    public (T Value, bool Ok) ReceiveWithOk()
    {
        ThrowIfGoroutine(nameof(Receive), nameof(ReceiveAsync));
        var awaiter = ReceiveWithOkAsync().GetAwaiter();
        if (!awaiter.IsCompleted) BlockOn(ref awaiter);
        return awaiter.GetResult();
    }

    /// <summary>One locked receive attempt: Completed (value or closed), or WouldBlock.</summary>
    internal OpResult TryReceiveLocked(out T value, out bool ok)
    {
        _lock.Enter();
        AssertInvariants();
        if (_closed && _count == 0)
        {
            _lock.Exit();
            value = default!;
            ok = false;
            return OpResult.Completed;
        }

        if (_sendq.DequeueClaimable() is { } sender)
        {
            value = TakeFromSender(sender);
            sender.Success = true;
            _lock.Exit();
            sender.Wake();
            ok = true;
            return OpResult.Completed;
        }

        if (_count > 0)
        {
            value = Dequeue();
            _lock.Exit();
            ok = true;
            return OpResult.Completed;
        }

        _lock.Exit();
        value = default!;
        ok = false;
        return OpResult.WouldBlock;
    }

    /// <summary>
    /// Locked receive that parks <paramref name="waiter"/> when nothing is available. When it completes at once
    /// (value or close), the value goes into the waiter's slot and the waiter is woken immediately.
    /// </summary>
    internal void ReceiveOrPark(Waiter waiter)
    {
        _lock.Enter();
        AssertInvariants();
        if (_closed && _count == 0)
        {
            ElemSlot<T>.Clear(waiter);
            waiter.Success = false;
            _lock.Exit();
            waiter.Wake();
            return;
        }

        if (_sendq.DequeueClaimable() is { } sender)
        {
            ElemSlot<T>.Store(waiter, TakeFromSender(sender));
            sender.Success = true;
            waiter.Success = true;
            _lock.Exit();
            sender.Wake();
            waiter.Wake();
            return;
        }

        if (_count > 0)
        {
            ElemSlot<T>.Store(waiter, Dequeue());
            waiter.Success = true;
            _lock.Exit();
            waiter.Wake();
            return;
        }

        _recvq.Enqueue(waiter);
        _lock.Exit();
        _timer?.EnsureScheduled();
    }

    /// <summary>
    /// The receive side of a rendezvous with a waiting sender. Unbuffered: take its value. Buffered (then the buffer
    /// is full): take the head, and the sender's value goes to the tail. Caller holds the lock.
    /// </summary>
    private T TakeFromSender(Waiter sender)
    {
        var sent = ElemSlot<T>.Take(sender);
        if (_capacity == 0) return sent;
        Debug.Assert(_count == _capacity, "Chan.TakeFromSender: a sender waits on a buffered channel that is not full");
        var head = _buffer[_recvx];
        _buffer[_recvx] = sent;
        if (++_recvx == _capacity) _recvx = 0;
        _sendx = _recvx;
        return head;
    }

    /// <summary>Caller holds the lock and has checked there is room.</summary>
    private void Enqueue(T value)
    {
        _buffer[_sendx] = value;
        if (++_sendx == _capacity) _sendx = 0;
        Volatile.Write(ref _count, _count + 1);
    }

    /// <summary>Caller holds the lock and has checked there is a value.</summary>
    private T Dequeue()
    {
        var value = _buffer[_recvx];
        _buffer[_recvx] = default!;
        if (++_recvx == _capacity) _recvx = 0;
        Volatile.Write(ref _count, _count - 1);
        return value;
    }

    // ---- closing ------------------------------------------------------------------------------------

    /// <summary>
    /// Closes the channel: waiting receivers wake with (default, false), waiting senders fail with
    /// <see cref="ChannelClosedException"/>, later sends throw, and receives drain the buffer before returning
    /// (default, false).
    /// </summary>
    /// <exception cref="InvalidOperationException">The channel is already closed ("close of closed channel").</exception>
    public void Close()
    {
        Waiter? wake = null;
        _lock.Enter();
        AssertInvariants();
        if (_closed)
        {
            _lock.Exit();
            throw new InvalidOperationException("close of closed channel");
        }

        _closed = true;
        // Collect the claimable waiters, chained through Next (free once they are out of the queues).
        while (_recvq.DequeueClaimable() is { } receiver)
        {
            ElemSlot<T>.Clear(receiver);
            receiver.Success = false;
            receiver.Next = wake;
            wake = receiver;
        }

        while (_sendq.DequeueClaimable() is { } sender)
        {
            ElemSlot<T>.Clear(sender);
            sender.Success = false;
            sender.Next = wake;
            wake = sender;
        }

        _lock.Exit();

        // Wake in queue order (the chain is reversed).
        Waiter? ordered = null;
        while (wake is not null)
        {
            var next = wake.Next;
            wake.Next = ordered;
            ordered = wake;
            wake = next;
        }

        while (ordered is not null)
        {
            var next = ordered.Next;
            ordered.Next = null;
            ordered.Wake();
            ordered = next;
        }
    }

    // ---- cancellation -------------------------------------------------------------------------------

    /// <summary>
    /// A waiting operation's token was canceled: withdraw <paramref name="waiter"/> if no channel operation has
    /// claimed it yet. Any thread.
    /// </summary>
    internal void Cancel(ChanWaiter<T> waiter)
    {
        _lock.Enter();
        if (!waiter.Enqueued || !waiter.TryClaim())
        {
            _lock.Exit();
            return;
        }

        // Withdraw from the queue the operation is in. (WaitQueue.Remove only checks Enqueued, not membership:
        // removing a sender through the receive queue corrupted both queues and left a removed waiter at the
        // head of the send queue, on which the next DequeueClaimable spun forever under the lock.)
        bool wasReceiver = !waiter.IsSend;
        if (waiter.IsSend) _sendq.Remove(waiter);
        else _recvq.Remove(waiter);
        ElemSlot<T>.Clear(waiter);
        waiter.Canceled = true;
        waiter.Success = false;
        _lock.Exit();
        if (wasReceiver) _timer?.OnReceiverLeft();
        waiter.Wake();
    }

    // ---- timer channels -------------------------------------------------------------------------------

    /// <summary>The timer fired: deliver the time unless a value is already waiting. Called under the timer's lock.</summary>
    internal void TrySendTimer(T value)
    {
        if (TrySendLocked(value) == OpResult.Completed) return;
        // Full: a tick nobody received yet; drop this one, as Go's tickers do.
    }

    /// <summary>Stop/Reset: discard a fired value nobody received. True if there was one. Under the timer's lock.</summary>
    internal bool DrainTimer() => TryReceiveLocked(out _, out bool ok) == OpResult.Completed && ok;

    /// <summary>True while some receiver waits in the queue (stale select cases included: a harmless over-estimate).</summary>
    internal bool HasWaitingReceivers
    {
        get
        {
            _lock.Enter();
            bool waiting = !_recvq.IsEmpty;
            _lock.Exit();
            return waiting;
        }
    }

    /// <summary>True once <see cref="Close"/> has run. A racy snapshot (adapters, diagnostics).</summary>
    internal bool IsClosed => _closed;

    /// <summary>
    /// True when a send would complete now (a receiver waits, or the buffer has room) or the channel is closed (a
    /// send would fail now). A snapshot under the lock, for <see cref="ChanAdapters"/>' WaitToWriteAsync.
    /// </summary>
    internal bool SendWouldNotBlock
    {
        get
        {
            _lock.Enter();
            bool ready = _closed || _recvq.HasClaimable() || _count < _capacity;
            _lock.Exit();
            return ready;
        }
    }

    /// <summary>
    /// Claimable waiters parked on each queue (stale select entries excluded). A snapshot for tests and
    /// diagnostics: walks both queues under the lock.
    /// </summary>
    internal (int Receivers, int Senders) WaitingCounts
    {
        get
        {
            _lock.Enter();
            var counts = (_recvq.CountClaimable(), _sendq.CountClaimable());
            _lock.Exit();
            return counts;
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private static void ThrowIfGoroutine(string method, string asyncMethod)
    {
        if (G.Current is not null)
            throw new InvalidOperationException(
                $"Chan<T>.{method} blocks the OS thread and cannot be used inside a goroutine; await {asyncMethod} instead.");
    }

    /// <summary>Blocks the calling thread until the awaiter completes (synchronous callers only).</summary>
    private static void BlockOn<TAwaiter>(ref TAwaiter awaiter) where TAwaiter : System.Runtime.CompilerServices.ICriticalNotifyCompletion
    {
        var wait = new BlockingWait();
        awaiter.UnsafeOnCompleted(wait.Signal);
        wait.Wait();
    }

    [Conditional("DEBUG")]
    private void AssertInvariants()
    {
        Debug.Assert(_lock.IsHeld, "Chan: AssertInvariants called without the lock");
        Debug.Assert(!(_recvq.HasClaimable() && _sendq.HasClaimable()) || IsSingleSelectOnBothSides(),
            "Chan: both the receive and the send queue hold claimable waiters.");
        if (_capacity > 0)
        {
            Debug.Assert(_count == 0 || !_recvq.HasClaimable(), "Chan: the buffer holds values while receivers wait.");
            Debug.Assert(_count == _capacity || !_sendq.HasClaimable(), "Chan: the buffer has space while senders wait.");
        }
        else
        {
            Debug.Assert(_count == 0, "Chan: an unbuffered channel holds values.");
        }

        Debug.Assert(!_closed || !_sendq.HasClaimable(), "Chan: senders wait on a closed channel.");
    }

    /// <summary>
    /// DEBUG only: true when every claimable waiter in both queues is a case of one and the same select (a select
    /// sending to and receiving from this unbuffered channel). Caller holds the lock.
    /// </summary>
    private bool IsSingleSelectOnBothSides()
    {
        if (_capacity != 0) return false;
        SelectState? owner = null;
        foreach (var queue in new[] { _recvq, _sendq })
        {
            for (var w = queue.First; w is not null; w = w.Next)
            {
                if (!w.CanClaim) continue;
                if (w is not SelectWaiter sw) return false;
                owner ??= sw.State;
                if (!ReferenceEquals(owner, sw.State)) return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override string ToString() => $"Chan<{typeof(T).Name}>(len={Len}, cap={Cap}{(_closed ? ", closed" : "")})";
}

/// <summary>Outcome of one locked channel attempt.</summary>
internal enum OpResult
{
    Completed,
    WouldBlock,
    Closed,
}

public sealed partial class Chan<T> : IAsyncEnumerable<T>
{
    /// <summary>Ranges over the channel until it is closed and drained (<c>await foreach</c>).</summary>
    public ChanEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default) => new(this, cancellationToken);

    IAsyncEnumerator<T> IAsyncEnumerable<T>.GetAsyncEnumerator(CancellationToken cancellationToken) =>
        GetAsyncEnumerator(cancellationToken);

    /// <summary>A select case receiving from this channel.</summary>
    public ReceiveCase<T> ReceiveCase() => new(this);

    /// <summary>A select case sending <paramref name="value"/> on this channel.</summary>
    public SendCase<T> SendCase(T value) => new(this, value);
}

public sealed partial class Chan<T>
{
    // ---- select support (see ISelectableChan) ---------------------------------------------------------

    void ISelectableChan.Lock() => _lock.Enter();

    void ISelectableChan.Unlock() => _lock.Exit();

    bool ISelectableChan.SelectTryReceive(ref SelectOutcome result, out Waiter? wake)
    {
        wake = null;
        if (_closed && _count == 0)
        {
            result.SetReceived<T>(default!, ok: false);
            return true;
        }

        if (_sendq.DequeueClaimable() is { } sender)
        {
            result.SetReceived(TakeFromSender(sender), ok: true);
            sender.Success = true;
            wake = sender;
            return true;
        }

        if (_count > 0)
        {
            result.SetReceived(Dequeue(), ok: true);
            return true;
        }

        return false;
    }

    OpResult ISelectableChan.SelectTrySend(Waiter node, out Waiter? wake)
    {
        wake = null;
        if (_closed) return OpResult.Closed;
        if (_recvq.DequeueClaimable() is { } receiver)
        {
            ElemSlot<T>.Store(receiver, ElemSlot<T>.Take(node));
            receiver.Success = true;
            wake = receiver;
            return OpResult.Completed;
        }

        if (_count < _capacity)
        {
            Enqueue(ElemSlot<T>.Take(node));
            return OpResult.Completed;
        }

        return OpResult.WouldBlock;
    }

    void ISelectableChan.SelectEnqueue(Waiter node, bool send)
    {
        if (send) _sendq.Enqueue(node);
        else _recvq.Enqueue(node);
    }

    bool ISelectableChan.SelectDequeue(Waiter node, bool send) => send ? _sendq.Remove(node) : _recvq.Remove(node);

    void ISelectableChan.SelectTakeReceived(Waiter node, ref SelectOutcome result)
    {
        bool ok = node.Success;
        result.SetReceived(ok ? ElemSlot<T>.Take(node) : default!, ok);
    }

    void ISelectableChan.SelectClear(Waiter node) => ElemSlot<T>.Clear(node);

    void ISelectableChan.BeforeSelectReceive() => _timer?.MaybeRun();

    void ISelectableChan.AfterSelectEnqueueReceive() => _timer?.EnsureScheduled();

    void ISelectableChan.AfterSelectWithdrawReceive() => _timer?.OnReceiverLeft();
}
