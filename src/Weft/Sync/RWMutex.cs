using Weft.Scheduling;
using Weft.Synchronization;

namespace Weft;

public static partial class Sync
{
    /// <summary>
    /// A reader/writer lock (Go's <c>sync.RWMutex</c>, Go's algorithm): any number of readers or one writer. Writers
    /// are preferred: once a writer is waiting, new readers wait until it has had the lock, so a stream of readers
    /// cannot starve a writer. Writers exclude each other through a <see cref="Mutex"/>.
    /// </summary>
    /// <remarks>
    /// Not tied to goroutines: any goroutine may unlock. A read lock must not be taken recursively while a writer may be
    /// waiting (the writer waits for the first read lock, the second read lock waits for the writer), as in Go.
    /// Unlocking what is not locked throws <see cref="SynchronizationLockException"/> (Go's fatal error).
    /// </remarks>
    public sealed class RWMutex
    {
        /// <summary>Go's rwmutexMaxReaders: subtracted from the reader count while a writer holds or waits.</summary>
        private const int MaxReaders = 1 << 30;

        /// <summary>Held by the writer (and a waiting writer) so writers queue one at a time.</summary>
        private readonly Mutex _w = new();

        /// <summary>A waiting writer parks here until the departing readers are gone.</summary>
        private readonly SemaQueue _writerSem = new();

        /// <summary>Readers park here while a writer holds or waits.</summary>
        private readonly SemaQueue _readerSem = new();

        /// <summary>Readers holding the lock; minus <see cref="MaxReaders"/> while a writer is pending. Interlocked.</summary>
        private int _readerCount;

        /// <summary>Readers the pending writer still waits for. Interlocked.</summary>
        private int _readerWait;

        /// <summary>True while a writer holds the lock or waits for it (racy snapshot, for tests).</summary>
        internal bool WriterPending => Volatile.Read(ref _readerCount) < 0;

        /// <summary>Takes a read lock, parking while a writer holds the lock or waits for it.</summary>
        public GoTask RLockAsync()
        {
            if (Interlocked.Increment(ref _readerCount) >= 0) return default;
            return ParkAsync(_readerSem, WaitReason.RWMutexRLock);
        }

        /// <summary>Takes a read lock, blocking the calling thread. For plain threads only.</summary>
        /// <exception cref="InvalidOperationException">Called from a goroutine (use <see cref="RLockAsync"/>).</exception>
        public void RLock()
        {
            ThrowIfGoroutine(nameof(RWMutex), nameof(RLock), nameof(RLockAsync));
            if (Interlocked.Increment(ref _readerCount) < 0) _readerSem.AcquireOrEnqueue(WaitReason.RWMutexRLock)?.Block();
        }

        /// <summary>Takes a read lock if no writer holds or waits for the lock. Never a suspension point.</summary>
        public bool TryRLock()
        {
            while (true)
            {
                int c = Volatile.Read(ref _readerCount);
                if (c < 0) return false;
                if (Interlocked.CompareExchange(ref _readerCount, c + 1, c) == c) return true;
            }
        }

        /// <summary>Releases one read lock.</summary>
        /// <exception cref="SynchronizationLockException">No read lock is held.</exception>
        public void RUnlock()
        {
            int r = Interlocked.Decrement(ref _readerCount);
            if (r < 0) RUnlockSlow(r);
        }

        private void RUnlockSlow(int r)
        {
            if (r + 1 == 0 || r + 1 == -MaxReaders)
            {
                Interlocked.Increment(ref _readerCount);
                throw new SynchronizationLockException("fatal error: sync: RUnlock of unlocked RWMutex");
            }

            // A writer is pending: the last departing reader lets it in.
            if (Interlocked.Decrement(ref _readerWait) == 0) _writerSem.Release();
        }

        /// <summary>Takes the write lock, parking while readers or another writer hold it.</summary>
        public async GoTask LockAsync()
        {
            await _w.LockAsync();
            // Announce the writer: new readers now park; then wait for the readers already in.
            int r = Interlocked.Add(ref _readerCount, -MaxReaders) + MaxReaders;
            if (r != 0 && Interlocked.Add(ref _readerWait, r) != 0) await ParkAsync(_writerSem, WaitReason.RWMutexLock);
        }

        /// <summary>Takes the write lock, blocking the calling thread. For plain threads only.</summary>
        /// <exception cref="InvalidOperationException">Called from a goroutine (use <see cref="LockAsync"/>).</exception>
        public void Lock()
        {
            ThrowIfGoroutine(nameof(RWMutex), nameof(Lock), nameof(LockAsync));
            _w.Lock();
            int r = Interlocked.Add(ref _readerCount, -MaxReaders) + MaxReaders;
            if (r != 0 && Interlocked.Add(ref _readerWait, r) != 0) _writerSem.AcquireOrEnqueue(WaitReason.RWMutexLock)?.Block();
        }

        /// <summary>Takes the write lock if nobody holds the lock. Never a suspension point.</summary>
        public bool TryLock()
        {
            if (!_w.TryLock()) return false;
            if (Interlocked.CompareExchange(ref _readerCount, -MaxReaders, 0) != 0)
            {
                _w.Unlock();
                return false;
            }

            return true;
        }

        /// <summary>Releases the write lock, letting in the readers that queued meanwhile, then the next writer.</summary>
        /// <exception cref="SynchronizationLockException">The write lock is not held.</exception>
        public void Unlock()
        {
            int r = Interlocked.Add(ref _readerCount, MaxReaders);
            if (r >= MaxReaders)
            {
                Interlocked.Add(ref _readerCount, -MaxReaders);
                throw new SynchronizationLockException("fatal error: sync: Unlock of unlocked RWMutex");
            }

            for (int i = 0; i < r; i++) _readerSem.Release();
            _w.Unlock();
        }

        private static async GoTask ParkAsync(SemaQueue sema, WaitReason reason)
        {
            if (sema.AcquireOrEnqueue(reason) is { } waiter) await waiter.WaitAsync();
        }
    }
}
