using System.Runtime.InteropServices;
using Weft.Scheduling;

namespace Weft.Netpoll;

/// <summary>
/// One runtime's epoll instance (Go's <c>netpoll_epoll.go</c>): descriptors are registered once, edge-triggered, for
/// both directions; <see cref="Poll"/> turns readiness into resumed waiters; an eventfd breaks a blocking poll. It
/// never runs user code: resumed goroutines are handed to the scheduler in batches, plain continuations to the
/// ThreadPool.
/// </summary>
/// <remarks>
/// An event's data is <c>(Seq &lt;&lt; 32) | Index</c>: the descriptor's slot in <see cref="_table"/> and the sequence
/// tag of the registration. Slots are reused after a close; an event still in flight for the old descriptor carries
/// the old tag and is ignored.
/// </remarks>
internal sealed unsafe class Netpoller : IDisposable
{
    /// <summary>Events taken per epoll_wait call (Go: 128).</summary>
    private const int MaxEvents = 128;

    /// <summary>The tag of the eventfd's events.</summary>
    private const ulong BreakTag = ulong.MaxValue;

    internal readonly Scheduler Scheduler;
    private readonly FdHandle _epoll;
    private readonly FdHandle _eventFd;

    /// <summary>Registered descriptors by slot. Replaced (grown) under <see cref="_tableLock"/>, read racily after epoll_wait.</summary>
    private volatile PollDesc?[] _table = new PollDesc?[64];
    private readonly Stack<int> _freeSlots = new();
    private int _nextSlot;
    private int _nextSeq;
    private readonly object _tableLock = new();

    /// <summary>Operations parked on a descriptor (Go's <c>netpollWaiters</c>). Interlocked.</summary>
    internal int Waiters;

    /// <summary>1 while a break (an eventfd write) is pending, so wake-ups are not repeated (Go's <c>netpollWakeSig</c>).</summary>
    private int _breakPending;

    /// <summary>Clock time of the last poll; 0 while an M is blocked in epoll_wait (Go's <c>sched.lastpoll</c>).</summary>
    private long _lastPoll = 1;

    internal Netpoller(Scheduler scheduler)
    {
        if (!IsSupported) throw new PlatformNotSupportedException("Weft.Net: the epoll netpoller needs Linux.");
        Scheduler = scheduler;
        int epfd = Libc.epoll_create1(Libc.EPOLL_CLOEXEC);
        if (epfd < 0) throw NetErrors.Syscall("epoll_create1", Libc.Errno);
        _epoll = new FdHandle(epfd);
        int efd = Libc.eventfd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        if (efd < 0)
        {
            int errno = Libc.Errno;
            _epoll.Dispose();
            throw NetErrors.Syscall("eventfd", errno);
        }

        _eventFd = new FdHandle(efd);
        byte* ev = stackalloc byte[16];
        Libc.WriteEpollEvent(ev, Libc.EPOLLIN, BreakTag); // level-triggered: drained on each break
        if (Libc.epoll_ctl(epfd, Libc.EPOLL_CTL_ADD, efd, ev) != 0)
        {
            int errno = Libc.Errno;
            Dispose();
            throw NetErrors.Syscall("epoll_ctl", errno);
        }
    }

    /// <summary>True where this netpoller works (Linux on x64 or arm64); elsewhere Weft.Net uses .NET sockets.</summary>
    internal static bool IsSupported =>
        OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    /// <summary>True when some operation waits for readiness.</summary>
    internal bool HasWaiters => Volatile.Read(ref Waiters) > 0;

    /// <summary>True while an M is blocked in epoll_wait.</summary>
    internal bool IsBlocked => Volatile.Read(ref _lastPoll) == 0;

    /// <summary>Nanoseconds since the last poll (0 while one is blocked).</summary>
    internal long SinceLastPoll(long now)
    {
        long last = Volatile.Read(ref _lastPoll);
        return last == 0 ? 0 : now - last;
    }

    // ---- registration ---------------------------------------------------------------------------------

    /// <summary>Registers a non-blocking descriptor for both directions, edge-triggered (Go's <c>netpollopen</c>).</summary>
    internal PollDesc Register(FdHandle handle)
    {
        PollDesc pd;
        lock (_tableLock)
        {
            int index = _freeSlots.Count > 0 ? _freeSlots.Pop() : _nextSlot++;
            var table = _table;
            if (index >= table.Length)
            {
                Array.Resize(ref table, table.Length * 2);
                _table = table;
            }

            pd = new PollDesc(this, handle, index, ++_nextSeq & int.MaxValue);
            table[index] = pd;
        }

        byte* ev = stackalloc byte[16];
        Libc.WriteEpollEvent(ev, Libc.EPOLLIN | Libc.EPOLLOUT | Libc.EPOLLRDHUP | Libc.EPOLLET, ((ulong)(uint)pd.Seq << 32) | (uint)pd.Index);
        bool added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            if (Libc.epoll_ctl(_epoll.Fd, Libc.EPOLL_CTL_ADD, handle.Fd, ev) != 0)
            {
                int errno = Libc.Errno;
                Unregister(pd);
                throw NetErrors.Syscall("epoll_ctl", errno);
            }
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }

        return pd;
    }

    /// <summary>
    /// Frees the descriptor's slot. Closing the descriptor removes it from the epoll set; an event already queued
    /// for it carries a tag nobody has any more.
    /// </summary>
    internal void Unregister(PollDesc pd)
    {
        lock (_tableLock)
        {
            if (_table[pd.Index] != pd) return;
            _table[pd.Index] = null;
            _freeSlots.Push(pd.Index);
        }
    }

    // ---- polling ----------------------------------------------------------------------------------------

    /// <summary>
    /// Polls once (Go's <c>netpoll</c>): <paramref name="timeoutMs"/> 0 returns at once, -1 blocks until an event or
    /// a <see cref="Break"/>. Goroutines made runnable are added to <paramref name="batch"/>. Returns true when a
    /// break ended the wait.
    /// </summary>
    internal bool Poll(int timeoutMs, List<G> batch)
    {
        bool blocking = timeoutMs != 0;
        byte* events = stackalloc byte[MaxEvents * Libc.EpollEventSize];
        bool added = false;
        try
        {
            _epoll.DangerousAddRef(ref added);
        }
        catch (ObjectDisposedException)
        {
            return true; // shut down
        }

        int n;
        try
        {
            if (blocking) Volatile.Write(ref _lastPoll, 0);
            n = Libc.epoll_wait(_epoll.Fd, events, MaxEvents, timeoutMs);
            if (n < 0 && Libc.Errno != Libc.EINTR) throw NetErrors.Syscall("epoll_wait", Libc.Errno);
        }
        finally
        {
            Volatile.Write(ref _lastPoll, Clock.Now);
            _epoll.DangerousRelease();
        }

        bool broken = false;
        var table = _table; // after epoll_wait: a descriptor registered before its event was produced is in it
        for (int i = 0; i < n; i++)
        {
            byte* e = events + i * Libc.EpollEventSize;
            uint mask = Libc.ReadEvents(e);
            ulong data = Libc.ReadData(e);
            if (data == BreakTag)
            {
                DrainBreak();
                broken = true;
                continue;
            }

            int index = (int)(uint)data;
            int seq = (int)(data >> 32);
            if ((uint)index >= (uint)table.Length || table[index] is not { } pd || pd.Seq != seq) continue; // stale
            if ((mask & (Libc.EPOLLIN | Libc.EPOLLRDHUP | Libc.EPOLLHUP | Libc.EPOLLERR)) != 0) pd.OnReady(IoMode.Read, batch);
            if ((mask & (Libc.EPOLLOUT | Libc.EPOLLHUP | Libc.EPOLLERR)) != 0) pd.OnReady(IoMode.Write, batch);
        }

        return broken;
    }

    /// <summary>Interrupts a blocking <see cref="Poll"/>, once per pending break (Go's <c>netpollBreak</c>). Any thread.</summary>
    internal void Break()
    {
        if (Interlocked.CompareExchange(ref _breakPending, 1, 0) != 0) return;
        bool added = false;
        try
        {
            _eventFd.DangerousAddRef(ref added);
            ulong one = 1;
            Libc.write(_eventFd.Fd, (byte*)&one, sizeof(ulong)); // EAGAIN only if the counter is full: a break is pending anyway
        }
        catch (ObjectDisposedException)
        {
            // Shut down: nobody polls any more.
        }
        finally
        {
            if (added) _eventFd.DangerousRelease();
        }
    }

    private void DrainBreak()
    {
        ulong value;
        bool added = false;
        try
        {
            _eventFd.DangerousAddRef(ref added);
            Libc.read(_eventFd.Fd, (byte*)&value, sizeof(ulong));
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            if (added) _eventFd.DangerousRelease();
        }

        Volatile.Write(ref _breakPending, 0);
    }

    /// <summary>Closes the epoll instance and the eventfd (after the runtime's threads are gone).</summary>
    public void Dispose()
    {
        _eventFd.Dispose();
        _epoll.Dispose();
    }
}
