using System.Runtime.CompilerServices;
using Weft.Tasks;

namespace Weft.Scheduling;

/// <summary>
/// Who resumes when a wait ends, recorded when the waiter parks: a goroutine (parked and readied through
/// <see cref="Park"/>, so it resumes on its own strand), a GoTask frame awaited outside goroutines, or a plain
/// continuation, which runs on the .NET ThreadPool. Select, the sync primitives and the netpoller keep one of these
/// per parked waiter instead of each writing the three cases out.
/// </summary>
internal struct Resumption
{
    private G? _goroutine;
    private GoFrame? _frame;
    private Action? _continuation;

    /// <summary>
    /// Parks the caller: inside a goroutine, Park's steps 1–2 with <paramref name="reason"/> (the dump shows it);
    /// outside, remembers the frame or continuation to run later.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Resumption Begin(G? current, GoFrame? suspending, Action continuation, WaitReason reason)
    {
        if (current is not null)
            return new Resumption { _goroutine = current, _frame = Park.Begin(current, suspending, continuation, reason) };
        return suspending is not null ? new Resumption { _frame = suspending } : new Resumption { _continuation = continuation };
    }

    /// <summary>The parked goroutine, or null outside goroutines.</summary>
    internal readonly G? Goroutine => _goroutine;

    /// <summary>The frame to resume (a goroutine's, or a GoTask frame outside goroutines), or null for a plain continuation.</summary>
    internal readonly GoFrame? Frame => _frame;

    /// <summary>Resumes the waiter (Park's ready step for a goroutine). Any thread, no lock held; once per wait.</summary>
    internal readonly void Resume()
    {
        if (_goroutine is { } g) Park.Ready(g, _frame!);
        else if (_frame is { } frame) frame.Wake();
        else ThreadPool.UnsafeQueueUserWorkItem(static c => ((Action)c!)(), _continuation!, preferLocal: false);
    }
}
