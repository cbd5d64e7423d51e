using Weft.Scheduling;

namespace Weft;

public static partial class Sync
{
    /// <summary>
    /// Performs exactly one action (Go's <c>sync.Once</c>). The first call of <see cref="DoAsync(Action)"/> runs the
    /// function; concurrent callers park until it has returned; later calls return at once. If the function throws,
    /// the exception goes to its caller and the Once still counts as done (Go's rule for a panicking function).
    /// </summary>
    public sealed class Once
    {
        /// <summary>1 once the function has returned (or thrown). Read without the lock on the fast path.</summary>
        private int _done;

        private readonly Mutex _m = new();

        /// <summary>True once the action has run.</summary>
        internal bool IsDone => Volatile.Read(ref _done) != 0;

        /// <summary>Runs <paramref name="action"/> if no call has yet; waits for a concurrent first call to finish.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="action"/> is null.</exception>
        public GoTask DoAsync(Action action)
        {
            ArgumentNullException.ThrowIfNull(action);
            return IsDone ? default : DoSlowAsync(action);
        }

        /// <summary>As <see cref="DoAsync(Action)"/> for an asynchronous function (waiters park until it completes).</summary>
        /// <exception cref="ArgumentNullException"><paramref name="action"/> is null.</exception>
        public GoTask DoAsync(Func<GoTask> action)
        {
            ArgumentNullException.ThrowIfNull(action);
            return IsDone ? default : DoSlowAsync(action);
        }

        /// <summary>As <see cref="DoAsync(Action)"/>, blocking the calling thread. For plain threads only.</summary>
        /// <exception cref="InvalidOperationException">Called from a goroutine (use <see cref="DoAsync(Action)"/>).</exception>
        public void Do(Action action)
        {
            ArgumentNullException.ThrowIfNull(action);
            if (IsDone) return;
            ThrowIfGoroutine(nameof(Once), nameof(Do), nameof(DoAsync));
            _m.Lock();
            try
            {
                Run(action);
            }
            finally
            {
                _m.Unlock();
            }
        }

        private async GoTask DoSlowAsync(object action)
        {
            await _m.LockAsync();
            try
            {
                if (_done != 0) return;
                try
                {
                    if (action is Func<GoTask> asyncAction) await asyncAction();
                    else ((Action)action)();
                }
                finally
                {
                    Volatile.Write(ref _done, 1);
                }
            }
            finally
            {
                _m.Unlock();
            }
        }

        private void Run(Action action)
        {
            if (_done != 0) return;
            try
            {
                action();
            }
            finally
            {
                Volatile.Write(ref _done, 1);
            }
        }
    }

    /// <summary>
    /// A function that runs <paramref name="action"/> only once however often it is called (Go's
    /// <c>sync.OnceFunc</c>). If the action throws, every call throws that same exception.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> is null.</exception>
    public static Func<GoTask> OnceFunc(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var call = OnceValue<bool>(() =>
        {
            action();
            return true;
        });
        return async () => await call();
    }

    /// <summary>
    /// A function that computes <paramref name="function"/> once and returns its value on every call (Go's
    /// <c>sync.OnceValue</c>). If the function throws, every call throws that same exception.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="function"/> is null.</exception>
    public static Func<GoTask<T>> OnceValue<T>(Func<T> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var once = new Once();
        T value = default!;
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? fault = null;
        return async () =>
        {
            await once.DoAsync(() =>
            {
                try
                {
                    value = function();
                }
                catch (Exception e)
                {
                    fault = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e);
                }
            });
            fault?.Throw();
            return value;
        };
    }
}
