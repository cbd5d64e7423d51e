using Weft.Scheduling;
using Weft.Synchronization;

namespace Weft;

public static partial class Sync
{
    /// <summary>
    /// A mutual exclusion lock (Go's <c>sync.Mutex</c>, with Go's algorithm). The zero state is unlocked. A
    /// contended <see cref="LockAsync()"/> spins briefly, then parks the goroutine. Normally a woken waiter competes
    /// with new arrivals (which tend to win: they are already running); once a waiter has waited more than 1 ms the
    /// mutex switches to starvation mode, where each unlock hands ownership straight to the oldest waiter and
    /// arrivals queue behind; it switches back when the last waiter is served or one waited under 1 ms.
    /// </summary>
    /// <remarks>
    /// As in Go, a mutex is not tied to a goroutine: one goroutine may lock it and another unlock it. Unlocking an
    /// unlocked mutex is Go's fatal error: <see cref="Unlock"/> throws <see cref="SynchronizationLockException"/>
    /// ("sync: unlock of unlocked mutex"), which, uncaught in a goroutine, ends the process like any panic.
    /// </remarks>
    public sealed class Mutex
    {
        // State bits as in Go: locked, a woken waiter is running, starvation mode, then the waiter count.
        internal const int Locked = 1, Woken = 2, Starving = 4, WaiterShift = 3;

        /// <summary>Waiting longer than this switches the mutex to starvation mode (Go's starvationThresholdNs).</summary>
        internal const long StarvationThresholdNs = 1_000_000;

        /// <summary>The state word (see the constants). Interlocked.</summary>
        private int _state;

        /// <summary>Where waiters park (Go's <c>sema</c>).</summary>
        private readonly SemaQueue _sema = new();

        /// <summary>True while the mutex is locked (racy snapshot, for tests and diagnostics).</summary>
        internal bool IsLocked => (Volatile.Read(ref _state) & Locked) != 0;

        /// <summary>True while in starvation mode (racy snapshot, for tests).</summary>
        internal bool IsStarving => (Volatile.Read(ref _state) & Starving) != 0;

        /// <summary>Parked waiters (racy snapshot, for tests).</summary>
        internal int ParkedWaiters => _sema.Waiting;

        /// <summary>Locks without waiting; false if the mutex is locked or in starvation mode. Never a suspension point.</summary>
        public bool TryLock()
        {
            int old = Volatile.Read(ref _state);
            if ((old & (Locked | Starving)) != 0) return false;
            // Another goroutine may be woken and about to take the lock: TryLock competes like an arrival.
            return Interlocked.CompareExchange(ref _state, old | Locked, old) == old;
        }

        /// <summary>Locks, parking the goroutine while the mutex is held. Completes without suspending when uncontended.</summary>
        public GoTask LockAsync()
        {
            if (Interlocked.CompareExchange(ref _state, Locked, 0) == 0) return default;
            return LockContended(default);
        }

        /// <summary>
        /// As <see cref="LockAsync()"/>; a cancellation withdraws the waiting goroutine and throws
        /// <see cref="OperationCanceledException"/>. If the lock was granted first, the lock is held and no exception is thrown.
        /// </summary>
        public GoTask LockAsync(CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Interlocked.CompareExchange(ref _state, Locked, 0) == 0) return default;
            return LockContended(cancellationToken);
        }

        /// <summary>As <see cref="LockAsync(CancellationToken)"/> with the context's cancellation.</summary>
        public GoTask LockAsync(GoContext context) => LockAsync(GoContext.TokenOf(context));

        /// <summary>Locks, blocking the calling thread. For plain threads only.</summary>
        /// <exception cref="InvalidOperationException">Called from a goroutine (use <see cref="LockAsync()"/>).</exception>
        public void Lock()
        {
            ThrowIfGoroutine(nameof(Mutex), nameof(Lock), nameof(LockAsync));
            if (Interlocked.CompareExchange(ref _state, Locked, 0) == 0) return;
            var attempt = new LockAttempt();
            while (Step(ref attempt) is { } waiter)
            {
                waiter.Block();
                if (AfterWake(ref attempt)) return;
            }
        }

        /// <summary>Unlocks. Any goroutine or thread may unlock, not only the one that locked.</summary>
        /// <exception cref="SynchronizationLockException">The mutex is not locked (Go's fatal "unlock of unlocked mutex").</exception>
        public void Unlock()
        {
            int @new = Interlocked.Add(ref _state, -Locked);
            if (@new != 0) UnlockSlow(@new);
        }

        private void UnlockSlow(int @new)
        {
            if (((@new + Locked) & Locked) == 0)
            {
                Interlocked.Add(ref _state, Locked); // undo, so the state stays as it was
                throw new SynchronizationLockException("fatal error: sync: unlock of unlocked mutex");
            }

            if ((@new & Starving) == 0)
            {
                WakeOne(@new);
            }
            else
            {
                // Starvation mode: hand ownership to the first waiter. It finds Locked clear and Starving set and
                // takes the mutex without competing; arrivals meanwhile see Starving and queue.
                _sema.Release();
            }
        }

        /// <summary>Normal mode: wake one waiter unless nobody waits or someone is already woken, locked or starving.</summary>
        private void WakeOne(int old)
        {
            while (true)
            {
                if ((old >> WaiterShift) == 0 || (old & (Locked | Woken | Starving)) != 0) return;
                int @new = (old - (1 << WaiterShift)) | Woken;
                if (Interlocked.CompareExchange(ref _state, @new, old) == old)
                {
                    _sema.Release();
                    return;
                }

                old = Volatile.Read(ref _state);
            }
        }

        /// <summary>
        /// Contended: run Go's lockSlow synchronously (spinning included) and only if it must park go async, so a lock
        /// won by spinning allocates no frame.
        /// </summary>
        private GoTask LockContended(CancellationToken token)
        {
            var attempt = new LockAttempt();
            var waiter = Step(ref attempt);
            return waiter is null ? default : LockSlowAsync(attempt, waiter, token);
        }

        private async GoTask LockSlowAsync(LockAttempt attempt, SyncWaiter waiter, CancellationToken token)
        {
            while (true)
            {
                if (token.CanBeCanceled)
                {
                    using (token.UnsafeRegister(static s =>
                           {
                               var (m, w) = ((Mutex, SyncWaiter))s!;
                               m.Withdraw(w);
                           }, (this, waiter)))
                    {
                        await waiter.WaitAsync();
                    }

                    if (!waiter.Granted) throw new OperationCanceledException(token);
                    if (waiter.AbandonOnGrant)
                    {
                        // Canceled after an unlock had already counted this waiter as woken: take what the release
                        // gave (ownership in starvation mode, else the wake-up) and give it back.
                        attempt.Starving = false;
                        if (TakeHandOff(ref attempt)) Unlock();
                        else GiveBackWake();
                        throw new OperationCanceledException(token);
                    }
                }
                else
                {
                    await waiter.WaitAsync();
                }

                if (AfterWake(ref attempt)) return;
                if (Step(ref attempt) is not { } next) return;
                waiter = next;
            }
        }

        /// <summary>The locals of Go's lockSlow, kept across parks.</summary>
        private struct LockAttempt
        {
            public long WaitStart;
            public bool Starving, Awoke;
            public int Iter;
        }

        /// <summary>
        /// Go's lockSlow loop up to the point where it must park: returns null once the lock is taken, or the waiter to
        /// park on (already counted in the state and queued, or null-completed when a unit was banked).
        /// </summary>
        private SyncWaiter? Step(ref LockAttempt a)
        {
            int old = Volatile.Read(ref _state);
            while (true)
            {
                // Spin only in normal mode while the mutex is held: in starvation mode ownership is handed off anyway.
                if ((old & (Locked | Starving)) == Locked && CanSpin(a.Iter))
                {
                    // Tell Unlock not to wake others while we spin (we are as good as woken).
                    if (!a.Awoke && (old & Woken) == 0 && (old >> WaiterShift) != 0 &&
                        Interlocked.CompareExchange(ref _state, old | Woken, old) == old)
                    {
                        a.Awoke = true;
                    }

                    Thread.SpinWait(30);
                    a.Iter++;
                    old = Volatile.Read(ref _state);
                    continue;
                }

                int @new = old;
                if ((old & Starving) == 0) @new |= Locked; // do not take a starving mutex: arrivals queue
                if ((old & (Locked | Starving)) != 0) @new += 1 << WaiterShift;
                if (a.Starving && (old & Locked) != 0) @new |= Starving;
                if (a.Awoke)
                {
                    if ((@new & Woken) == 0) throw new InvalidOperationException("fatal error: sync: inconsistent mutex state");
                    @new &= ~Woken;
                }

                if (Interlocked.CompareExchange(ref _state, @new, old) == old)
                {
                    if ((old & (Locked | Starving)) == 0) return null; // locked with the CAS

                    // Waited before: back to the front of the queue (LIFO), as in Go.
                    bool lifo = a.WaitStart != 0;
                    if (a.WaitStart == 0) a.WaitStart = Clock.Now;
                    var waiter = _sema.AcquireOrEnqueue(WaitReason.MutexLock, lifo);
                    if (waiter is not null) return waiter;
                    if (AfterWake(ref a)) return null; // a banked unit: as if woken at once
                    old = Volatile.Read(ref _state);
                    continue;
                }

                old = Volatile.Read(ref _state);
            }
        }

        /// <summary>After a park: true when ownership was handed off (starvation mode); otherwise compete again as woken.</summary>
        private bool AfterWake(ref LockAttempt a)
        {
            a.Starving = a.Starving || Clock.Now - a.WaitStart > StarvationThresholdNs;
            if (TakeHandOff(ref a)) return true;
            a.Awoke = true;
            a.Iter = 0;
            return false;
        }

        /// <summary>In starvation mode a release hands ownership to the woken waiter: take it. False in normal mode.</summary>
        private bool TakeHandOff(ref LockAttempt a)
        {
            int old = Volatile.Read(ref _state);
            if ((old & Starving) != 0)
            {
                // Handed off to us: the mutex is unlocked with Starving set and we are counted as a waiter.
                if ((old & (Locked | Woken)) != 0 || (old >> WaiterShift) == 0)
                    throw new InvalidOperationException("fatal error: sync: inconsistent mutex state");
                int delta = Locked - (1 << WaiterShift);
                // Leave starvation mode when we are the last waiter or did not wait long (Go's rule).
                if (!a.Starving || (old >> WaiterShift) == 1) delta -= Starving;
                Interlocked.Add(ref _state, delta);
                return true;
            }

            return false;
        }

        /// <summary>A woken waiter that leaves: clear Woken and pass the wake-up on, as Unlock would have.</summary>
        private void GiveBackWake()
        {
            int old = Volatile.Read(ref _state);
            while (true)
            {
                int @new = old & ~Woken;
                int seen = Interlocked.CompareExchange(ref _state, @new, old);
                if (seen == old)
                {
                    WakeOne(@new);
                    return;
                }

                old = seen;
            }
        }

        /// <summary>
        /// A cancellation: withdraw the queued waiter and uncount it. If the waiter count is already zero, an unlock has
        /// uncounted it and its release is on the way: the waiter stays queued, takes that release, and gives it back
        /// (<see cref="SyncWaiter.AbandonOnGrant"/>), so the count and the queue never disagree.
        /// </summary>
        private bool Withdraw(SyncWaiter waiter) => _sema.TryWithdraw(waiter, w =>
        {
            int old = Volatile.Read(ref _state);
            while (true)
            {
                if ((old >> WaiterShift) == 0)
                {
                    w.AbandonOnGrant = true;
                    return false;
                }

                int seen = Interlocked.CompareExchange(ref _state, old - (1 << WaiterShift), old);
                if (seen == old) return true;
                old = seen;
            }
        });

        /// <summary>Go's sync_runtime_canSpin: a few rounds, only with more than one CPU and P.</summary>
        private static bool CanSpin(int iter)
        {
            if (iter >= 4 || Environment.ProcessorCount <= 1) return false;
            var g = G.Current;
            return g is null || g.Runtime.MaxProcs > 1;
        }
    }
}
