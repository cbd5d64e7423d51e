using Weft.Netpoll;

namespace Weft.Scheduling;

/// <summary>
/// The scheduler's side of the netpoller (Go's netpoll calls in <c>findRunnable</c>, <c>sysmon</c> and
/// <c>injectglist</c>). The hooks in FindRunnable, Sysmon and shutdown call only the methods of this file:
/// <list type="number">
/// <item>FindRunnable, with local and global queues empty, polls without blocking when operations wait on I/O
///   and no M is blocked in epoll (<see cref="NetpollNonBlocking"/>);</item>
/// <item>the last idle M (the timer sleeper) blocks in epoll_wait until the next timer instead of on its parker
///   (<see cref="NetpollSleep"/>); a new earlier timer or a shutdown breaks the wait through the eventfd;</item>
/// <item>sysmon polls when nobody has for 10 ms (<see cref="SysmonNetpoll"/>).</item>
/// </list>
/// Goroutines a poll readies are injected as one batch (<see cref="InjectPolled"/>).
/// </summary>
internal sealed partial class Scheduler
{
    /// <summary>Sysmon polls when nobody has for this long (Go: 10 ms).</summary>
    private const long SysmonPollIntervalNs = 10_000_000;

    /// <summary>Goroutines readied by the current thread's last poll, waiting to be injected.</summary>
    [ThreadStatic] private static List<G>? t_polled;

    /// <summary>The runtime's netpoller, created on first use. Any thread.</summary>
    internal Netpoller Netpoller => Volatile.Read(ref _netpoller) ?? CreateNetpoller();

    /// <summary>True when operations wait on I/O: an idle M must block in epoll_wait rather than on its parker.</summary>
    private bool NetpollHasWaiters => Volatile.Read(ref _netpoller) is { } np && np.HasWaiters;

    private Netpoller CreateNetpoller()
    {
        lock (_lock)
        {
            if (_shutdown) throw new ObjectDisposedException(nameof(GoRuntime), "Weft.Net: the runtime has been shut down.");
            if (_netpoller is null) Volatile.Write(ref _netpoller, new Netpoller(this));
        }

        // A timer sleeper that went to sleep before the poller existed sleeps on its parker: move it into epoll_wait.
        Volatile.Read(ref _timerSleeper)?.Parker.Unpark();
        return _netpoller;
    }

    /// <summary>
    /// A plain thread (or another runtime's goroutine) parked on I/O here: no M of ours is about to look for work, so make sure one
    /// polls — the timer sleeper does; otherwise start an M, which becomes the sleeper when it finds nothing.
    /// </summary>
    internal void EnsureNetpollerRuns()
    {
        Interlocked.MemoryBarrier(); // the waiter is published before we look at the sleeper
        if (Volatile.Read(ref _timerSleeper) is null) WakeP();
    }

    /// <summary>FindRunnable's poll: non-blocking, only when someone waits and no M blocks in epoll_wait.</summary>
    private G? NetpollNonBlocking(P p)
    {
        var np = Volatile.Read(ref _netpoller);
        if (np is null || !np.HasWaiters || np.IsBlocked) return null;
        var batch = t_polled ??= new List<G>();
        np.Poll(0, batch);
        if (batch.Count == 0) return null;
        var first = batch[0];
        for (int i = 1; i < batch.Count; i++) p.RunQueue.Push(batch[i], next: false, this);
        bool more = batch.Count > 1;
        batch.Clear();
        if (more) WakeP(); // the pushes above published the work (Interlocked in the ring)
        return first;
    }

    /// <summary>
    /// The timer sleeper's wait, when the netpoller exists: blocks in epoll_wait until <paramref name="until"/> (0:
    /// no timer), a break, or readiness; readied goroutines wait in <see cref="t_polled"/> for
    /// <see cref="InjectPolled"/>. Like <see cref="SleepUntilTimer"/>, it wakes a little early and spins the rest
    /// (polling), as kernel wake-ups are late. False when there is no netpoller (the caller sleeps on its parker).
    /// </summary>
    private bool NetpollSleep(M m, long until)
    {
        var np = Volatile.Read(ref _netpoller);
        if (np is null) return false;
        var batch = t_polled ??= new List<G>();
        if (_shutdown) return true;
        long delay = until == 0 ? -1 : until - Clock.Now;
        if (until != 0 && delay <= 0) return true;
        int timeoutMs = delay < 0 ? -1 : (int)Math.Min(int.MaxValue, (delay - TimerSpinMarginNs) / 1_000_000);
        if (timeoutMs != 0)
        {
            if (np.Poll(timeoutMs, batch) || batch.Count > 0 || until == 0) return true;
        }

        // Spin up to the deadline, polling: a break, readiness, or a permit (a waker that used the parker) ends it.
        while (Clock.Now < until && !_shutdown)
        {
            if (np.Poll(0, batch) || batch.Count > 0 || m.Parker.Park(0)) return true;
            Thread.SpinWait(30);
        }

        return true;
    }

    /// <summary>
    /// Queues the goroutines the current thread's poll readied, as one batch (Go's <c>injectglist</c>): on the
    /// M's own P when it holds one, else on the global queue; then wakes a P to share them.
    /// </summary>
    private void InjectPolled(M? m)
    {
        var batch = t_polled;
        if (batch is null || batch.Count == 0) return;
        Tracing.Tracer.GoUnblockBatch(batch);
        if (m?.P is { } p)
        {
            foreach (var g in batch) p.RunQueue.Push(g, next: false, this);
        }
        else
        {
            lock (_lock)
            {
                foreach (var g in batch) GlobalQueue.Push(g);
                _globalPushes++;
            }

            Interlocked.MemoryBarrier();
        }

        batch.Clear();
        WakeP();
    }

    /// <summary>Sysmon's backstop: poll if nobody has for <see cref="SysmonPollIntervalNs"/> (every P may be busy).</summary>
    internal void SysmonNetpoll(long now)
    {
        var np = Volatile.Read(ref _netpoller);
        if (np is null || !np.HasWaiters || np.SinceLastPoll(now) < SysmonPollIntervalNs || _shutdown) return;
        np.Poll(0, t_polled ??= new List<G>());
        InjectPolled(null);
    }

    /// <summary>Breaks a blocking poll (a new earliest timer, shutdown).</summary>
    private void NetpollBreak() => Volatile.Read(ref _netpoller)?.Break();

    /// <summary>Closes the epoll instance once every M has exited.</summary>
    private void DisposeNetpoller() => Volatile.Read(ref _netpoller)?.Dispose();
}
