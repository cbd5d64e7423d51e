using System.Runtime.CompilerServices;
using Weft.Scheduling;
using Weft.Tasks;

namespace Weft;

/// <summary>The awaitable of <see cref="Go.Sleep(TimeSpan)"/>.</summary>
public readonly struct SleepAwaitable
{
    private readonly long _nanoseconds;

    internal SleepAwaitable(long nanoseconds) => _nanoseconds = nanoseconds;

    /// <summary>Gets the awaiter; part of the await pattern.</summary>
    public SleepAwaiter GetAwaiter() => new(_nanoseconds);
}

/// <summary>
/// Awaiter of <see cref="Go.Sleep(TimeSpan)"/>. Inside a goroutine it parks the goroutine on a timer in the current P's heap,
/// fired by the scheduler itself; outside it waits on a .NET timer and resumes on the ThreadPool.
/// </summary>
public readonly struct SleepAwaiter : ICriticalNotifyCompletion, IGoAwaiter
{
    private readonly long _nanoseconds;

    internal SleepAwaiter(long nanoseconds) => _nanoseconds = nanoseconds;

    /// <summary>True for a zero duration: the await does not suspend.</summary>
    public bool IsCompleted => _nanoseconds <= 0;

    /// <summary>Part of the await pattern.</summary>
    public void GetResult()
    {
    }

    /// <inheritdoc />
    public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

    /// <inheritdoc />
    public void UnsafeOnCompleted(Action continuation)
    {
        var frame = GoFrame.TakeSuspending(continuation);
        var g = G.Current;
        if (g is not null && (frame is null || frame.Owner == g))
        {
            frame = Park.Begin(g, frame, continuation, WaitReason.Sleep); // steps 1 and 2; step 3 publishes the timer below
            var extras = g.Extras;
            var timer = extras.SleepTimer;
            // The shared timer is busy from AddTimer until Fire has taken its frame. Checking Heap alone is not
            // enough: TakeDue detaches a due timer from the heap before another M calls Fire, and reusing it in that
            // window (possible only for un-awaited GoTask calls, whose frames run while a sleep is pending) would
            // make Fire resume the new frame and lose the old one.
            if (timer is null || timer.Heap is not null || Volatile.Read(ref timer.Frame) is not null)
            {
                // First sleep of this goroutine, or a second concurrent sleep of an un-awaited GoTask call.
                timer = new Timers.SleepTimer(g);
                if (extras.SleepTimer is null) extras.SleepTimer = timer;
            }

            timer.Frame = frame;
            // Saturate like Go's timeSleep: a very long sleep (Go.Sleep(double.PositiveInfinity), TimeSpan.MaxValue)
            // would otherwise overflow into a deadline in the past and wake at once.
            long now = Clock.Now;
            long when = _nanoseconds > long.MaxValue - now ? long.MaxValue : now + _nanoseconds;
            g.Runtime.Scheduler.AddTimer(timer, when);
            return;
        }

        long start = Clock.Now;
        long deadline = _nanoseconds > long.MaxValue - start ? long.MaxValue : start + _nanoseconds;
        DelayUntil(deadline, frame is null ? continuation : frame.ResumeAction);
    }

    /// <summary>
    /// Outside goroutines: resumes <paramref name="resume"/> on the ThreadPool once <see cref="Clock.Now"/> has reached
    /// <paramref name="deadline"/>. .NET timers run on a coarse millisecond clock and can fire up to a tick early by
    /// the monotonic clock, so an early wake-up waits again for the rest: a sleep never ends early.
    /// </summary>
    private static void DelayUntil(long deadline, Action resume)
    {
        long remaining = deadline - Clock.Now;
        if (remaining <= 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static r => ((Action)r!)(), resume, preferLocal: false);
            return;
        }

        // Whole milliseconds, rounded up: Task.Delay truncates to milliseconds, and zero would spin through the pool.
        // It accepts at most uint.MaxValue - 1 ms (~49.7 days); longer is forever for practical purposes.
        const long maxDelayMs = uint.MaxValue - 1L;
        long ms = remaining / 1_000_000 + (remaining % 1_000_000 == 0 ? 0 : 1);
        var delay = Task.Delay(ms > maxDelayMs ? Timeout.InfiniteTimeSpan : TimeSpan.FromTicks(ms * TimeSpan.TicksPerMillisecond));
        delay.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(() => DelayUntil(deadline, resume));
    }
}
