namespace Weft.Actors.Processes;

/// <summary>What <see cref="Mailbox.TryTake"/> found.</summary>
internal enum TakeResult
{
    Taken,
    Empty,
}

/// <summary>What a non-blocking post did.</summary>
internal enum PostResult
{
    Accepted,

    /// <summary>The process has ended; the message is dropped, as Erlang drops sends to dead pids.</summary>
    Dropped,

    /// <summary>A bounded mailbox is full.</summary>
    Full,
}

/// <summary>
/// A process's mailbox: any number of senders, one receiver (the process), selective receive.
/// </summary>
/// <remarks>
/// Three queues keep arrival order: <c>_saved</c> (examined by a selective receive and not matched, oldest),
/// <c>_local</c> (a batch the receiver took from <c>_incoming</c> in one swap), and <c>_incoming</c> (appended by
/// senders under <c>_lock</c>). Only the owning process touches <c>_saved</c> and <c>_local</c>, so a receiver that
/// keeps up takes the lock once per batch, not once per message. A receiver with nothing to take sets
/// <c>_waiting</c> under the lock and parks on <c>_signal</c>, a channel of capacity 1; the sender that sees
/// <c>_waiting</c> clears it and posts one token after releasing the lock. A token left over by a receive that timed
/// out only causes one extra look at the queues, never a lost message.
/// </remarks>
internal sealed class Mailbox
{
    private readonly Lock _lock = new();
    private readonly int _capacity;          // 0: unbounded
    private Queue<object>? _incoming;        // guarded by _lock
    private Queue<object>? _local;           // receiver-owned
    private List<object>? _saved;            // receiver-owned; older than everything in _local and _incoming
    private Chan<bool>? _signal;             // created on the first park; capacity 1
    private Chan<bool>? _space;              // bounded: closed (a broadcast) when space frees or the mailbox closes
    private int _held;                       // bounded: messages in all three queues, guarded by _lock
    private bool _waiting;                   // guarded: the receiver is parked (or about to park) on _signal
    private bool _closed;                    // guarded: the process has ended

    internal Mailbox(int capacity) => _capacity = capacity;

    /// <summary>0 for an unbounded mailbox.</summary>
    internal int Capacity => _capacity;

    /// <summary>Messages held (a racy snapshot for <c>Actors.Dump</c> and <c>MailboxLength</c>).</summary>
    internal bool IsWaiting => Volatile.Read(ref _waiting); // a racy snapshot for the dump

    internal int Count => (_incoming?.Count ?? 0) + (_local?.Count ?? 0) + (_saved?.Count ?? 0);

    /// <summary>
    /// Appends unless the mailbox is closed (or full, when bounded). <paramref name="signal"/>: an exit signal or a
    /// monitor's Down, which a full mailbox still takes (dropping it would break the one-Down promise).
    /// </summary>
    internal PostResult Post(object message, bool signal = false)
    {
        Chan<bool>? wake = null;
        lock (_lock)
        {
            if (_closed) return PostResult.Dropped;
            if (_capacity > 0)
            {
                if (_held >= _capacity && !signal) return PostResult.Full;
                _held++;
            }

            (_incoming ??= new Queue<object>()).Enqueue(message);
            if (_waiting)
            {
                _waiting = false;
                wake = _signal;
            }
        }

        wake?.TrySend(true); // capacity 1 and at most one pending token: never blocks
        return PostResult.Accepted;
    }

    /// <summary>Appends, parking while a bounded mailbox is full; returns false if the mailbox closed first.</summary>
    internal async GoTask<bool> PostAsync(object message)
    {
        while (true)
        {
            Chan<bool> space;
            lock (_lock)
            {
                if (_closed || _held < _capacity) goto post;
                space = _space ??= new Chan<bool>();
            }

            await space.ReceiveWithOkAsync(); // closed by the receiver when it takes a message, or by Close
        }

        post:
        return Post(message) switch
        {
            PostResult.Accepted => true,
            PostResult.Dropped => false,
            _ => await PostAsync(message), // another sender took the space first
        };
    }

    /// <summary>Takes the oldest message that <paramref name="match"/> accepts (any message when null). Receiver only.</summary>
    internal TakeResult TryTake(Func<object, bool>? match, out object message)
    {
        if (_saved is { Count: > 0 } saved)
        {
            for (int i = 0; i < saved.Count; i++)
            {
                if (match is null || match(saved[i]))
                {
                    message = saved[i];
                    saved.RemoveAt(i);
                    Taken();
                    return TakeResult.Taken;
                }
            }
        }

        while (true)
        {
            if (_local is { Count: > 0 } local)
            {
                var m = local.Dequeue();
                if (match is null || match(m))
                {
                    message = m;
                    Taken();
                    return TakeResult.Taken;
                }

                (_saved ??= new List<object>()).Add(m); // stays in arrival order, ahead of everything newer
                continue;
            }

            lock (_lock)
            {
                if (_incoming is not { Count: > 0 })
                {
                    message = null!;
                    return TakeResult.Empty;
                }

                (_local, _incoming) = (_incoming, _local); // _local is empty here: one swap takes the whole batch
            }
        }
    }

    /// <summary>
    /// Registers the receiver as parked and returns the channel to wait on, or null when a message arrived (or the
    /// mailbox closed) since the last <see cref="TryTake"/>, so the caller looks again instead of parking.
    /// </summary>
    internal Chan<bool>? Arm()
    {
        lock (_lock)
        {
            if (_closed || _incoming is { Count: > 0 }) return null;
            _waiting = true;
            return _signal ??= new Chan<bool>(1);
        }
    }

    /// <summary>Arms for a select case: returns a channel that is ready now if a message is waiting, else when one arrives.</summary>
    internal ChanReader<bool> ArmForSelect()
    {
        Chan<bool> signal;
        bool ready;
        lock (_lock)
        {
            signal = _signal ??= new Chan<bool>(1);
            ready = _closed || _incoming is { Count: > 0 } || _local is { Count: > 0 };
            _waiting = !ready;
        }

        if (ready) signal.TrySend(true);
        return signal;
    }

    /// <summary>The receiver stopped waiting (a timeout): senders need not post a token.</summary>
    internal void Disarm()
    {
        lock (_lock) _waiting = false;
    }

    /// <summary>Removes every message <paramref name="match"/> accepts (Demonitor's flush). Receiver only.</summary>
    internal void Purge(Func<object, bool> match)
    {
        int removed = _saved?.RemoveAll(m => match(m)) ?? 0;
        removed += Filter(ref _local, match);
        lock (_lock)
        {
            removed += Filter(ref _incoming, match);
            if (_capacity > 0) _held -= removed;
        }

        static int Filter(ref Queue<object>? queue, Func<object, bool> match)
        {
            if (queue is null || queue.Count == 0) return 0;
            int before = queue.Count;
            var kept = new Queue<object>(queue.Where(m => !match(m)));
            queue = kept;
            return before - kept.Count;
        }
    }

    /// <summary>Closes for good: later posts are dropped, the parked receiver and parked senders are woken.</summary>
    internal void Close()
    {
        Chan<bool>? wake, space;
        lock (_lock)
        {
            if (_closed) return;
            _closed = true;
            _incoming = null; // what a dead process had not received is gone, as in Erlang
            wake = _waiting ? _signal : null;
            _waiting = false;
            space = _space;
            _space = null;
        }

        wake?.TrySend(true);
        space?.Close();
    }

    private void Taken()
    {
        if (_capacity == 0) return;
        Chan<bool>? space;
        lock (_lock)
        {
            _held--;
            space = _space;
            _space = null;
        }

        space?.Close(); // every parked sender retries; one of them gets the slot
    }
}
