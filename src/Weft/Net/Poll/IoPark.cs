using Weft.Scheduling;
using Weft.Tasks;

namespace Weft.Netpoll;

/// <summary>
/// The one adapter through which network code parks and readies: everything the netpoller knows about goroutines
/// is here, so it can move to the runtime's unified park primitive by changing this file alone.
/// </summary>
/// <remarks>
/// A parked I/O operation is represented by one object (the "waiter") kept in a <see cref="PollDesc"/> slot: the
/// suspended <see cref="GoFrame"/> of a goroutine, or a plain continuation when the caller is not a goroutine.
/// Readying a frame goes through the goroutine's wake/park protocol (<see cref="G.Ready"/>): it runs exactly once,
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
        if (frame is null)
        {
            if (g is null) return continuation; // outside goroutines
            // Ordinary async code inside a goroutine: resume it on the goroutine, as Go.Sleep does.
            frame = new CallbackFrame(g, static c => ((Action)c!)(), continuation);
        }

        frame.Owner!.NotePark(frame, WaitReason.IOWait);
        return frame;
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
        if (waiter is GoFrame frame) frame.Owner!.Ready(frame);
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
