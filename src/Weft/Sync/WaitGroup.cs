using Weft.Scheduling;
using Weft.Synchronization;

namespace Weft;

public static partial class Sync
{
    /// <summary>
    /// Waits for a collection of goroutines to finish (Go's <c>sync.WaitGroup</c>, including Go 1.25's
    /// <see cref="Go(Func{GoTask})"/>). <see cref="Add"/> before starting the work, <see cref="Done"/> when each piece
    /// ends, <see cref="WaitAsync"/> to wait for the counter to reach zero.
    /// </summary>
    /// <remarks>
    /// Misuse fails as in Go: a negative counter throws ("sync: negative WaitGroup counter"); an Add with a positive
    /// delta that starts a new round while waiters of the previous round are still being released, or a reuse before
    /// every Wait has returned, throws <see cref="InvalidOperationException"/> naming the mistake.
    /// </remarks>
    public sealed class WaitGroup
    {
        /// <summary>Counter in the high 32 bits, waiter count in the low 32 (Go's layout). Interlocked.</summary>
        private long _state;

        private readonly SemaQueue _sema = new();

        /// <summary>The counter (racy snapshot).</summary>
        internal int Count => (int)(Volatile.Read(ref _state) >> 32);

        /// <summary>Adds <paramref name="delta"/> (may be negative) to the counter; at zero, every waiter is released.</summary>
        /// <exception cref="InvalidOperationException">The counter would go negative, or Add raced with Wait in a way Go calls misuse.</exception>
        public void Add(int delta)
        {
            long state = Interlocked.Add(ref _state, (long)delta << 32);
            int v = (int)(state >> 32);
            uint w = (uint)state;
            if (v < 0)
            {
                Interlocked.Add(ref _state, -((long)delta << 32));
                throw new InvalidOperationException("sync: negative WaitGroup counter");
            }

            if (w != 0 && delta > 0 && v == delta)
                throw new InvalidOperationException("sync: WaitGroup misuse: Add called concurrently with Wait");
            if (v > 0 || w == 0) return;

            // Counter reached zero with waiters: nobody may change the state now (Go's misuse check), reset and release.
            if (Volatile.Read(ref _state) != state)
                throw new InvalidOperationException("sync: WaitGroup misuse: Add called concurrently with Wait");
            Volatile.Write(ref _state, 0);
            for (; w != 0; w--) _sema.Release();
        }

        /// <summary>Decrements the counter by one.</summary>
        /// <exception cref="InvalidOperationException">The counter would go negative.</exception>
        public void Done() => Add(-1);

        /// <summary>
        /// Starts <paramref name="body"/> in a new goroutine counted by this group (Go 1.25's <c>WaitGroup.Go</c>):
        /// Add(1) now, Done when it returns. An exception escaping it is a panic, as with <see cref="Weft.Go.Start(Func{GoTask})"/>.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
        public void Go(Func<GoTask> body)
        {
            ArgumentNullException.ThrowIfNull(body);
            Add(1);
            Weft.Go.Start(async () =>
            {
                try
                {
                    await body();
                }
                finally
                {
                    Done();
                }
            });
        }

        /// <summary>Waits until the counter is zero (at once if it is). Parks the goroutine.</summary>
        public GoTask WaitAsync()
        {
            var waiter = Register(WaitReason.WaitGroupWait, out bool done);
            return done ? default : WaitSlowAsync(waiter);
        }

        /// <summary>Waits until the counter is zero, blocking the calling thread. For plain threads only.</summary>
        /// <exception cref="InvalidOperationException">Called from a goroutine (use <see cref="WaitAsync"/>), or the group was reused early.</exception>
        public void Wait()
        {
            ThrowIfGoroutine(nameof(WaitGroup), nameof(Wait), nameof(WaitAsync));
            var waiter = Register(WaitReason.WaitGroupWait, out bool done);
            if (done) return;
            waiter?.Block();
            CheckNotReused();
        }

        private async GoTask WaitSlowAsync(SyncWaiter? waiter)
        {
            if (waiter is not null) await waiter.WaitAsync();
            CheckNotReused();
        }

        /// <summary>Counts the caller as a waiter (returns its waiter, or null if a release was banked), or done when zero.</summary>
        private SyncWaiter? Register(WaitReason reason, out bool done)
        {
            long state = Volatile.Read(ref _state);
            while (true)
            {
                if ((int)(state >> 32) == 0)
                {
                    done = true;
                    return null;
                }

                long seen = Interlocked.CompareExchange(ref _state, state + 1, state);
                if (seen == state)
                {
                    done = false;
                    return _sema.AcquireOrEnqueue(reason);
                }

                state = seen;
            }
        }

        private void CheckNotReused()
        {
            // Add reset the state to zero before releasing us: anything else means a new round began too early.
            if (Volatile.Read(ref _state) != 0)
                throw new InvalidOperationException("sync: WaitGroup is reused before previous Wait has returned");
        }
    }
}
