using Weft.Scheduling;
using Weft.Timers;

namespace Weft;

/// <summary>
/// Go's <c>time</c> package timers: <see cref="After"/>, <see cref="NewTimer"/>, <see cref="NewTicker"/>,
/// <see cref="AfterFunc(TimeSpan, Func{GoTask})"/>. Timers live in the per-P heaps of the runtime and are fired by the
/// scheduler itself. Channel timers follow Go 1.23: their channels behave as unbuffered, Stop and Reset guarantee no
/// stale value is received afterwards, and a timer nobody references or waits on is garbage.
/// </summary>
/// <remarks>Durations must not be negative; zero fires at once.</remarks>
public static class Time
{
    /// <summary>A channel that receives the time once <paramref name="duration"/> has passed (Go's <c>time.After</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is negative.</exception>
    public static ChanReader<DateTime> After(TimeSpan duration) => NewTimer(duration).C;

    /// <summary>A channel that receives the time every <paramref name="period"/> (Go's <c>time.Tick</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is not positive.</exception>
    public static ChanReader<DateTime> Tick(TimeSpan period) => NewTicker(period).C;

    /// <summary>A timer that sends the time on its channel once <paramref name="duration"/> has passed.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is negative.</exception>
    public static Timer NewTimer(TimeSpan duration) =>
        new(new ChanTimer(GoRuntime.CurrentOrDefault.Scheduler, Math.Max(1, Clock.Now + ToNs(duration, nameof(duration))), 0));

    /// <summary>A ticker that sends the time every <paramref name="period"/>, dropping ticks a slow receiver misses.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is not positive.</exception>
    public static Ticker NewTicker(TimeSpan period)
    {
        long ns = ToPeriod(period);
        return new(new ChanTimer(GoRuntime.CurrentOrDefault.Scheduler, Clock.Now + ns, ns));
    }

    /// <summary>Runs <paramref name="body"/> in its own goroutine once <paramref name="duration"/> has passed.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is negative.</exception>
    public static FuncTimer AfterFunc(TimeSpan duration, Func<GoTask> body) =>
        AfterFuncCore(duration, body ?? throw new ArgumentNullException(nameof(body)));

    /// <summary>Runs <paramref name="body"/> in its own goroutine once <paramref name="duration"/> has passed.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is negative.</exception>
    public static FuncTimer AfterFunc(TimeSpan duration, Action body) =>
        AfterFuncCore(duration, body ?? throw new ArgumentNullException(nameof(body)));

    private static FuncTimer AfterFuncCore(TimeSpan duration, object body)
    {
        long ns = ToNs(duration, nameof(duration));
        var runtime = GoRuntime.CurrentOrDefault;
        return new FuncTimer(new Timers.FuncTimer(runtime, body, Math.Max(1, Clock.Now + ns)));
    }

    private static long ToNs(TimeSpan duration, string name)
    {
        if (duration < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(name, duration, "Timer durations must not be negative.");
        return Clock.ToNanoseconds(duration);
    }

    private static long ToPeriod(TimeSpan period)
    {
        if (period <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(period), period, "non-positive interval for NewTicker (a ticker period must be positive).");
        return Clock.ToNanoseconds(period);
    }

    /// <summary>A one-shot timer (Go's <c>time.Timer</c>).</summary>
    public sealed class Timer
    {
        private readonly ChanTimer _timer;

        internal Timer(ChanTimer timer) => _timer = timer;

        /// <summary>The channel the time is sent on.</summary>
        public ChanReader<DateTime> C => _timer.Channel;

        /// <summary>
        /// Stops the timer. True if it had not been received from yet (the call stopped it); false if it had already
        /// fired and been received, or was stopped. No value from before the call is received afterwards.
        /// </summary>
        public bool Stop() => _timer.Stop();

        /// <summary>Re-arms the timer to fire after <paramref name="duration"/>; returns what <see cref="Stop"/> would have.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is negative.</exception>
        public bool Reset(TimeSpan duration) => _timer.Reset(ToNs(duration, nameof(duration)), ticker: false);
    }

    /// <summary>A periodic timer (Go's <c>time.Ticker</c>).</summary>
    public sealed class Ticker
    {
        private readonly ChanTimer _timer;

        internal Ticker(ChanTimer timer) => _timer = timer;

        /// <summary>The channel the ticks are sent on.</summary>
        public ChanReader<DateTime> C => _timer.Channel;

        /// <summary>Stops the ticker; no tick from before the call is received afterwards.</summary>
        public void Stop() => _timer.Stop();

        /// <summary>Stops the ticker and restarts it with a new period.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is not positive.</exception>
        public void Reset(TimeSpan period) => _timer.Reset(ToPeriod(period), ticker: true);
    }

    /// <summary>The timer returned by <see cref="AfterFunc(TimeSpan, Func{GoTask})"/>.</summary>
    public sealed class FuncTimer
    {
        private readonly Timers.FuncTimer _timer;

        internal FuncTimer(Timers.FuncTimer timer) => _timer = timer;

        /// <summary>Stops the timer; true if the function had not been started yet.</summary>
        public bool Stop() => _timer.Stop();

        /// <summary>Re-arms the timer; true if it was still pending.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is negative.</exception>
        public bool Reset(TimeSpan duration) => _timer.Reset(ToNs(duration, nameof(duration)));
    }
}
