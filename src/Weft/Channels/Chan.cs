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
/// <para><b>Invariants</b> (checked in DEBUG builds at every lock entry and exit — <see cref="Lock"/>/<see cref="Unlock"/>,
/// which every path uses, select and cancellation included), as in Go's chan.go:</para>
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
/// <para>Each direction has one locked core shared by its non-blocking, parking and select paths
/// (<c>SendLocked</c> in Chan.Send.cs, <c>ReceiveLocked</c> in Chan.Receive.cs); the other files hold closing and
/// cancellation, select's view, timer channels, snapshots and the DEBUG invariant checks.</para>
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
