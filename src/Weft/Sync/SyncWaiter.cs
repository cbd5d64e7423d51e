using System.Runtime.CompilerServices;
using Weft.Scheduling;
using Weft.Tasks;

namespace Weft.Synchronization;

/// <summary>
/// One parked waiter of a sync primitive (Mutex, RWMutex, WaitGroup, Cond, Semaphore, scopes), and the one place
/// where those primitives park and ready anything: everything else in Sync/ goes through <see cref="WaitAsync"/>,
/// <see cref="Block"/> and <see cref="Complete"/>, and this file parks and readies through the runtime's one
/// protocol (<see cref="Park"/>, by way of <see cref="Resumption"/>).
/// </summary>
/// <remarks>
/// <para><b>Protocol.</b> A waiter is enqueued (under its queue's lock) before its goroutine parks. The side that
/// removes it from the queue decides its outcome (<see cref="Decide"/>: granted, or canceled), still under that
/// lock, and calls <see cref="Complete"/> after releasing it: no goroutine is readied while a lock is held. The
/// waiting side arms the waiter (records how to resume) and then parks. Arming and completing race through one
/// exchange on <see cref="_state"/>: whichever comes second resumes the waiter, so a grant that arrives before the
/// goroutine has parked is never lost, and the waiter resumes exactly once.</para>
/// <para>Inside a goroutine the suspended frame is handed back to the goroutine (<see cref="Park.Ready"/>): the wait
/// parks the goroutine, never its OS thread, and shows in dumps with its <see cref="WaitReason"/>. Outside
/// goroutines an awaiting caller resumes on the ThreadPool, and a synchronous caller (<see cref="Block"/>) blocks
/// its thread on an event.</para>
/// </remarks>
internal sealed class SyncWaiter
{
    private const int Unarmed = 0, Armed = 1, Completed = 2;

    /// <summary>Queue links. Under the queue's lock.</summary>
    internal SyncWaiter? Next, Prev;

    /// <summary>True while linked in a queue. Under the queue's lock.</summary>
    internal bool Queued;

    /// <summary>What the waiter asks for (a semaphore's weight); 1 for the others. Under the queue's lock.</summary>
    internal long Weight = 1;

    /// <summary>Primitive-specific note made by a canceller that could not withdraw the waiter cleanly (see Mutex).</summary>
    internal bool AbandonOnGrant;

    /// <summary>Why the waiting goroutine is parked (for dumps).</summary>
    internal readonly WaitReason Reason;

    /// <summary>Outcome: true when granted, false when canceled. Written by the decider before <see cref="Complete"/>.</summary>
    private bool _granted;

    /// <summary>Unarmed → Armed (waiting side) or → Completed (waker); the second of the two resumes. Interlocked.</summary>
    private int _state;

    // How to resume: a blocked thread's event, or else the parked goroutine, frame or continuation.
    private ManualResetEventSlim? _event;
    private Resumption _resumption;

    internal SyncWaiter(WaitReason reason, long weight = 1)
    {
        Reason = reason;
        Weight = weight;
    }

    /// <summary>Records the outcome. Called once, by whoever removed the waiter from its queue (under that lock).</summary>
    internal void Decide(bool granted) => _granted = granted;

    /// <summary>True once the waiter was granted (valid after it resumed).</summary>
    internal bool Granted => _granted;

    /// <summary>Resumes the waiter after <see cref="Decide"/>, outside any lock. Any thread; once per waiter.</summary>
    internal void Complete()
    {
        if (Interlocked.Exchange(ref _state, Completed) == Armed) Resume();
    }

    /// <summary>Completes a chain of decided waiters linked through <see cref="Next"/> (built under a lock), in order.</summary>
    internal static void CompleteChain(SyncWaiter? chain)
    {
        while (chain is not null)
        {
            var next = chain.Next;
            chain.Next = null;
            chain.Complete();
            chain = next;
        }
    }

    /// <summary>The awaitable that parks the current goroutine (or awaits, outside goroutines) until <see cref="Complete"/>.</summary>
    internal SyncWaitAwaitable WaitAsync() => new(this);

    /// <summary>Blocks the calling thread until <see cref="Complete"/>; for synchronous callers outside goroutines.</summary>
    internal void Block()
    {
        if (Volatile.Read(ref _state) == Completed) return;
        var signal = new ManualResetEventSlim(false, spinCount: 0);
        _event = signal;
        if (Interlocked.CompareExchange(ref _state, Armed, Unarmed) == Unarmed) signal.Wait();
        signal.Dispose();
    }

    /// <summary>True when the waiter has completed (the await need not suspend).</summary>
    internal bool IsCompleted => Volatile.Read(ref _state) == Completed;

    /// <summary>
    /// The waiting side: takes the suspending frame (Weft awaiters receive <see cref="GoFrame.ParkToken"/>) or the
    /// foreign continuation, records the wait for dumps, and arms the waiter. A completion that came first resumes it
    /// at once (for a goroutine, after its current step: <see cref="G.Ready"/> handles a running goroutine).
    /// </summary>
    internal void Arm(Action continuation)
    {
        var g = G.Current;
        _resumption = Resumption.Begin(g, GoFrame.TakeSuspending(continuation, g), continuation, Reason);
        if (Interlocked.CompareExchange(ref _state, Armed, Unarmed) == Completed) Resume();
    }

    private void Resume()
    {
        if (_event is { } signal) signal.Set();
        else _resumption.Resume();
    }
}

/// <summary>Awaitable of <see cref="SyncWaiter.WaitAsync"/>: true when granted, false when canceled.</summary>
internal readonly struct SyncWaitAwaitable(SyncWaiter waiter)
{
    public SyncWaitAwaiter GetAwaiter() => new(waiter);
}

/// <summary>Awaiter of <see cref="SyncWaitAwaitable"/>; a Weft awaiter, so a GoTask frame parks without a delegate.</summary>
internal readonly struct SyncWaitAwaiter(SyncWaiter waiter) : ICriticalNotifyCompletion, IGoAwaiter
{
    public bool IsCompleted => waiter.IsCompleted;

    public bool GetResult() => waiter.Granted;

    public void OnCompleted(Action continuation) => waiter.Arm(continuation);

    public void UnsafeOnCompleted(Action continuation) => waiter.Arm(continuation);
}
