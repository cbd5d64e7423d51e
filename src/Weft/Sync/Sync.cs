namespace Weft;

/// <summary>
/// Go's <c>sync</c> package (and <c>x/sync/semaphore</c>): <see cref="Mutex"/>, <see cref="RWMutex"/>,
/// <see cref="WaitGroup"/>, <see cref="Once"/>, <see cref="Cond"/>, the weighted <see cref="Semaphore"/>, and
/// <see cref="OnceFunc(Action)"/>/<see cref="OnceValue{T}(Func{T})"/>. The types are nested here, as
/// <c>Sync.Mutex</c> reads like Go's <c>sync.Mutex</c> and does not collide with <c>System.Threading.Mutex</c>.
/// </summary>
/// <remarks>
/// <para>Every wait parks a goroutine, never an OS thread, and shows in <see cref="Go.Dump"/> with Go's wait reason
/// (<c>[sync.Mutex.Lock]</c>, <c>[sync.WaitGroup.Wait]</c>, ...). A goroutine parked on a primitive nobody will
/// release counts as asleep for deadlock detection.</para>
/// <para><b>Inside and outside goroutines.</b> One rule for every type: the <c>...Async</c> methods work anywhere
/// (outside goroutines they resume on the ThreadPool); the synchronous waits (<c>Lock</c>, <c>Wait</c>,
/// <c>Acquire</c>, <c>Do</c>) block the calling thread and are for plain threads only — inside a goroutine they throw
/// <see cref="InvalidOperationException"/> at once, since blocking would stall an M (as the blocking channel calls
/// do). Non-waiting calls (<c>Unlock</c>, <c>TryLock</c>, <c>Add</c>, <c>Signal</c>, ...) work anywhere.</para>
/// </remarks>
public static partial class Sync
{
    /// <summary>Throws when a synchronous, thread-blocking wait is called from a goroutine.</summary>
    internal static void ThrowIfGoroutine(string type, string method, string asyncMethod)
    {
        if (Scheduling.G.Current is not null)
        {
            throw new InvalidOperationException(
                $"Sync.{type}.{method} blocks its OS thread and cannot be called from a goroutine; use 'await {asyncMethod}()'.");
        }
    }
}
