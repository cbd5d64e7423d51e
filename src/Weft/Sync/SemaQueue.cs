using Weft.Channels;
using Weft.Scheduling;

namespace Weft.Synchronization;

/// <summary>
/// A counting semaphore with a queue of parked waiters (Go's <c>sema.go</c> for one address): what Mutex, RWMutex
/// and WaitGroup park on. A release hands its unit straight to the first waiter, or banks it when nobody waits; an
/// acquire takes a banked unit or parks.
/// </summary>
/// <remarks>
/// One spin lock guards the count and the queue; critical sections never run user code or ready a goroutine
/// (waiters are completed after the lock is released). Invariant: the count is positive only while the queue is empty.
/// </remarks>
internal sealed class SemaQueue
{
    private ChanLock _lock;

    /// <summary>Banked units (releases nobody was waiting for). Under the lock.</summary>
    private long _count;

    private WaiterList _queue;

    /// <summary>Waiters in the queue (racy snapshot, for tests).</summary>
    internal int Waiting => Volatile.Read(ref _waiting);

    /// <summary>A copy of the queue's count, readable without the lock.</summary>
    private int _waiting;

    /// <summary>
    /// Takes a banked unit (returns null) or enqueues a new waiter and returns it for the caller to park on. A
    /// <paramref name="lifo"/> waiter goes to the front (Go's re-queued mutex waiters, which have waited before).
    /// </summary>
    internal SyncWaiter? AcquireOrEnqueue(WaitReason reason, bool lifo = false)
    {
        _lock.Enter();
        if (_count > 0)
        {
            _count--;
            _lock.Exit();
            return null;
        }

        var w = new SyncWaiter(reason);
        _queue.Add(w, lifo);
        Volatile.Write(ref _waiting, _queue.Count);
        _lock.Exit();
        return w;
    }

    /// <summary>Releases one unit: grants the first waiter, or banks the unit.</summary>
    internal void Release()
    {
        _lock.Enter();
        var w = _queue.RemoveFirst();
        if (w is null)
        {
            _count++;
            _lock.Exit();
            return;
        }

        Volatile.Write(ref _waiting, _queue.Count);
        w.Decide(granted: true);
        _lock.Exit();
        w.Complete();
    }

    /// <summary>
    /// Withdraws <paramref name="w"/> if it is still queued and <paramref name="mayWithdraw"/> (called under the lock)
    /// agrees; it then completes as canceled. Returns false when a release already granted it (the grant wins).
    /// </summary>
    internal bool TryWithdraw(SyncWaiter w, Func<SyncWaiter, bool>? mayWithdraw = null)
    {
        _lock.Enter();
        if (!w.Queued || (mayWithdraw is not null && !mayWithdraw(w)))
        {
            _lock.Exit();
            return false;
        }

        _queue.Remove(w);
        Volatile.Write(ref _waiting, _queue.Count);
        w.Decide(granted: false);
        _lock.Exit();
        w.Complete();
        return true;
    }
}
