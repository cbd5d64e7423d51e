using Weft.Channels;
using Weft.Scheduling;
using Weft.Synchronization;

namespace Weft;

public static partial class Sync
{
    /// <summary>
    /// A weighted semaphore (Go's <c>golang.org/x/sync/semaphore.Weighted</c>): <see cref="AcquireAsync(long, GoContext)"/>
    /// takes n units of the size, waiting in strict FIFO order — a large request at the head is not overtaken by
    /// smaller ones behind it, so it cannot starve; <see cref="Release"/> gives units back and grants the waiters
    /// at the head that now fit.
    /// </summary>
    public sealed class Semaphore
    {
        private readonly long _size;
        private ChanLock _lock;

        /// <summary>Units held. Under the lock.</summary>
        private long _cur;

        private WaiterList _waiters;

        /// <summary>Creates a semaphore of <paramref name="size"/> units.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is negative.</exception>
        public Semaphore(long size)
        {
            if (size < 0) throw new ArgumentOutOfRangeException(nameof(size), size, "Sync.Semaphore: the size must not be negative.");
            _size = size;
        }

        /// <summary>Units currently held (racy snapshot, for tests).</summary>
        internal long Held => Volatile.Read(ref _cur);

        /// <summary>Waiters queued (racy snapshot, for tests).</summary>
        internal int Waiting => Volatile.Read(ref _waiting);

        private int _waiting;

        /// <summary>Takes <paramref name="n"/> units without waiting; false (taking nothing) if they are not free or others wait.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is negative.</exception>
        public bool TryAcquire(long n)
        {
            CheckWeight(n);
            _lock.Enter();
            bool ok = _size - _cur >= n && _waiters.Count == 0;
            if (ok) Volatile.Write(ref _cur, _cur + n);
            _lock.Exit();
            return ok;
        }

        /// <summary>
        /// Takes <paramref name="n"/> units, parking until they are free and every earlier waiter is served. A context
        /// that is done before the call, or becomes done while waiting, fails the call with
        /// <see cref="OperationCanceledException"/> and nothing taken (Go returns ctx.Err(): see <see cref="GoContext.Err"/>),
        /// even if the units were free. A request larger than the size waits only for the context.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is negative.</exception>
        public GoTask AcquireAsync(long n, GoContext context) => AcquireAsync(n, GoContext.TokenOf(context));

        /// <summary>As <see cref="AcquireAsync(long, GoContext)"/> with a cancellation token.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is negative.</exception>
        public GoTask AcquireAsync(long n, CancellationToken cancellationToken = default)
        {
            CheckWeight(n);
            // A canceled context "happened before" the acquire: fail even if the units are free (as Go does).
            if (cancellationToken.IsCancellationRequested) return GoTask.FromException(new OperationCanceledException(cancellationToken));
            var waiter = TryAcquireOrEnqueue(n);
            return waiter is null ? default : WaitAsync(waiter, cancellationToken);
        }

        /// <summary>Takes <paramref name="n"/> units, blocking the calling thread. For plain threads only.</summary>
        /// <exception cref="InvalidOperationException">Called from a goroutine (use <see cref="AcquireAsync(long, CancellationToken)"/>).</exception>
        public void Acquire(long n)
        {
            ThrowIfGoroutine(nameof(Semaphore), nameof(Acquire), nameof(AcquireAsync));
            CheckWeight(n);
            if (n > _size) throw new InvalidOperationException($"Sync.Semaphore.Acquire: {n} units can never be free in a semaphore of size {_size}; without a cancellation this would block forever.");
            TryAcquireOrEnqueue(n)?.Block();
        }

        /// <summary>Gives back <paramref name="n"/> units and grants the waiters at the head of the queue that now fit.</summary>
        /// <exception cref="InvalidOperationException">More units released than held ("semaphore: released more than held").</exception>
        public void Release(long n)
        {
            CheckWeight(n);
            SyncWaiter? granted = null, last = null;
            _lock.Enter();
            if (_cur - n < 0)
            {
                _lock.Exit();
                throw new InvalidOperationException("semaphore: released more than held");
            }

            _cur -= n;
            CollectGrantable(ref granted, ref last);
            Volatile.Write(ref _cur, _cur);
            _lock.Exit();
            SyncWaiter.CompleteChain(granted);
        }

        private SyncWaiter? TryAcquireOrEnqueue(long n)
        {
            _lock.Enter();
            if (_size - _cur >= n && _waiters.Count == 0)
            {
                Volatile.Write(ref _cur, _cur + n);
                _lock.Exit();
                return null;
            }

            var waiter = new SyncWaiter(WaitReason.Semacquire, n);
            // A request that can never fit waits only for its cancellation; queueing it would block everyone behind it.
            if (n <= _size)
            {
                _waiters.Add(waiter);
                Volatile.Write(ref _waiting, _waiters.Count);
            }

            _lock.Exit();
            return waiter;
        }

        private async GoTask WaitAsync(SyncWaiter waiter, CancellationToken token)
        {
            if (token.CanBeCanceled)
            {
                using (token.UnsafeRegister(static s =>
                       {
                           var (sem, w) = ((Semaphore, SyncWaiter))s!;
                           sem.Cancel(w);
                       }, (this, waiter)))
                {
                    await waiter.WaitAsync();
                }
            }
            else
            {
                await waiter.WaitAsync();
            }

            if (!waiter.Granted) throw new OperationCanceledException(token);
        }

        /// <summary>A cancellation: withdraw the waiter if it is still queued (a grant that came first wins).</summary>
        private void Cancel(SyncWaiter waiter)
        {
            SyncWaiter? granted = null, last = null;
            _lock.Enter();
            bool wasFirst = _waiters.First == waiter;
            if (waiter.Queued)
            {
                _waiters.Remove(waiter);
                Volatile.Write(ref _waiting, _waiters.Count);
            }
            else if (waiter.Weight <= _size)
            {
                _lock.Exit();
                return; // already granted
            }

            waiter.Decide(granted: false);
            // The head left: the waiters behind it may fit now (Go's notifyWaiters after removing the front).
            if (wasFirst) CollectGrantable(ref granted, ref last);
            _lock.Exit();
            waiter.Complete();
            SyncWaiter.CompleteChain(granted);
        }

        /// <summary>Under the lock: dequeue and decide the head waiters that fit, in order, stopping at the first that does not.</summary>
        private void CollectGrantable(ref SyncWaiter? chain, ref SyncWaiter? last)
        {
            while (_waiters.First is { } w && _size - _cur >= w.Weight)
            {
                _waiters.Remove(w);
                _cur += w.Weight;
                w.Decide(granted: true);
                if (last is null) chain = w;
                else last.Next = w;
                last = w;
            }

            Volatile.Write(ref _waiting, _waiters.Count);
        }

        private static void CheckWeight(long n)
        {
            if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "Sync.Semaphore: the number of units must not be negative.");
        }
    }
}
