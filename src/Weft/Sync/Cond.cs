using Weft.Channels;
using Weft.Scheduling;
using Weft.Synchronization;

namespace Weft;

public static partial class Sync
{
    /// <summary>
    /// A condition variable on a <see cref="Mutex"/> (Go's <c>sync.Cond</c>): goroutines wait for an event with the
    /// mutex held (<see cref="WaitAsync"/> releases it while parked and takes it back before returning);
    /// <see cref="Signal"/> wakes the longest waiter, <see cref="Broadcast"/> every waiter. As in Go, a wake-up is no
    /// proof the condition holds: wait in a loop.
    /// </summary>
    public sealed class Cond
    {
        private ChanLock _lock;
        private WaiterList _waiters;

        /// <summary>Creates a condition variable on <paramref name="mutex"/>.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="mutex"/> is null.</exception>
        public Cond(Mutex mutex) => L = mutex ?? throw new ArgumentNullException(nameof(mutex));

        /// <summary>The mutex held while observing or changing the condition.</summary>
        public Mutex L { get; }

        /// <summary>Waiters parked in <see cref="WaitAsync"/> (racy snapshot, for tests).</summary>
        internal int Waiting
        {
            get
            {
                _lock.Enter();
                int n = _waiters.Count;
                _lock.Exit();
                return n;
            }
        }

        /// <summary>
        /// Releases <see cref="L"/> (which the caller must hold), parks until signalled, and locks <see cref="L"/>
        /// again before returning. The caller is registered before the mutex is released, so a Signal sent after
        /// the unlock is never missed.
        /// </summary>
        /// <exception cref="SynchronizationLockException"><see cref="L"/> is not locked.</exception>
        public async GoTask WaitAsync()
        {
            var waiter = Enqueue();
            L.Unlock();
            await waiter.WaitAsync();
            await L.LockAsync();
        }

        /// <summary>As <see cref="WaitAsync"/>, blocking the calling thread. For plain threads only.</summary>
        /// <exception cref="InvalidOperationException">Called from a goroutine (use <see cref="WaitAsync"/>).</exception>
        public void Wait()
        {
            ThrowIfGoroutine(nameof(Cond), nameof(Wait), nameof(WaitAsync));
            var waiter = Enqueue();
            L.Unlock();
            waiter.Block();
            L.Lock();
        }

        /// <summary>Wakes the goroutine that has waited longest, if any. Holding <see cref="L"/> is allowed, not required.</summary>
        public void Signal()
        {
            _lock.Enter();
            var w = _waiters.RemoveFirst();
            w?.Decide(granted: true);
            _lock.Exit();
            w?.Complete();
        }

        /// <summary>Wakes every waiting goroutine, in the order they started waiting.</summary>
        public void Broadcast()
        {
            _lock.Enter();
            SyncWaiter? chain = null, last = null;
            while (_waiters.RemoveFirst() is { } w)
            {
                w.Decide(granted: true);
                if (last is null) chain = w;
                else last.Next = w;
                last = w;
            }

            _lock.Exit();
            SyncWaiter.CompleteChain(chain);
        }

        private SyncWaiter Enqueue()
        {
            if (!L.IsLocked) throw new SynchronizationLockException("sync: Cond.Wait called without holding Cond.L");
            var waiter = new SyncWaiter(WaitReason.CondWait);
            _lock.Enter();
            _waiters.Add(waiter);
            _lock.Exit();
            return waiter;
        }
    }
}
