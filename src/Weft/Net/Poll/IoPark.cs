using Weft.Scheduling;
using Weft.Tasks;

namespace Weft.Netpoll;

/// <summary>
/// The one adapter through which network code parks and readies: everything the netpoller knows about goroutines
/// is here, and it parks and readies through the runtime's one protocol (<see cref="Park"/>).
/// </summary>
/// <remarks>
/// A parked I/O operation is represented by one object (the "waiter") kept in a <see cref="PollDesc"/> slot: the
/// suspended <see cref="GoFrame"/> of a goroutine, or a plain continuation when the caller is not a goroutine.
/// Readying a frame goes through the goroutine's park/ready protocol (<see cref="Park.Ready"/>): it runs exactly once,
/// on its own goroutine, never on the thread that found it ready. Plain continuations run on the .NET ThreadPool.
/// </remarks>
internal static class IoPark
{
    /// <summary>
    /// Takes the continuation of the suspending caller and records the wait as <c>IO wait</c>. Returns the waiter
    /// object to publish in a slot.
    /// </summary>
    internal static object Prepare(Action continuation)
    {
        var g = G.Current;
        var frame = GoFrame.TakeSuspending(continuation, g);
        // Inside a goroutine: Park's steps (ordinary async code gets a callback frame, resumed on the goroutine).
        if (g is not null) return Park.Begin(g, frame, continuation, WaitReason.IOWait);
        // Outside goroutines: a GoTask frame (resumed by Wake) or a plain continuation (the ThreadPool).
        return (object?)frame ?? continuation;
    }

    /// <summary>
    /// True when the waiter is not a goroutine of <paramref name="scheduler"/> (a plain thread, or a goroutine of
    /// another runtime): none of that scheduler's Ms is about to look for work on its behalf, so one must be woken.
    /// </summary>
    internal static bool NeedsPollerWakeup(object waiter, Scheduler scheduler) =>
        waiter is not GoFrame { Owner: { } g } || g.Runtime.Scheduler != scheduler;

    /// <summary>Resumes a waiter now. Any thread.</summary>
    internal static void Resume(object waiter)
    {
        if (waiter is GoFrame frame)
        {
            if (frame.Owner is { } g) Park.Ready(g, frame);
            else frame.Wake(); // a GoTask frame awaited outside goroutines
        }
        else ThreadPool.UnsafeQueueUserWorkItem(static a => ((Action)a!)(), waiter, preferLocal: false);
    }

    /// <summary>
    /// Resumes a waiter found ready by a poll: a goroutine of <paramref name="scheduler"/> that must be queued is
    /// added to <paramref name="batch"/> (the caller injects the batch at once); anything else is resumed directly.
    /// </summary>
    internal static void ResumeInto(object waiter, Scheduler scheduler, List<G> batch)
    {
        if (waiter is GoFrame frame && frame.Owner is { } g && g.Runtime.Scheduler == scheduler)
        {
            if (g.HandOver(frame)) batch.Add(g);
            return;
        }

        Resume(waiter);
    }
}
