using Weft.Scheduling;

namespace Weft.Tasks;

/// <summary>What the GoTask awaiters do when the awaited frame is not complete yet.</summary>
internal static class GoTaskAwaiting
{
    /// <summary>
    /// Part of IsCompleted: when a goroutine awaits the handle of a goroutine that has not run yet, run it inline
    /// (see Scheduler.TryRunInline) and report whether it is now complete.
    /// </summary>
    internal static bool TryJoinInline(GoFrame frame)
    {
        if (frame is not ISpawnedBody { Goroutine: { } joinee }) return false;
        var joiner = G.Current;
        if (joiner is null) return false;
        return joiner.Runtime.Scheduler.TryRunInline(joinee) && frame.IsCompleted;
    }

    /// <summary>
    /// Registers the awaiting side on <paramref name="frame"/>: the suspending parent frame when the awaiter was
    /// handed <see cref="GoFrame.ParkToken"/>, otherwise the foreign delegate.
    /// </summary>
    internal static void OnCompleted(GoFrame? frame, Action continuation, bool flowContext)
    {
        if (frame is null)
        {
            // Completed synchronously: the compiler never suspends on it, but a manual caller may.
            ThreadPool.QueueUserWorkItem(static c => ((Action)c!)(), continuation);
            return;
        }

        var parent = GoFrame.TakeSuspending(continuation);
        if (parent is not null)
        {
            // Awaiting a frame of another goroutine (a Spawn handle): the parent's goroutine parks.
            if (parent.Owner is { } g && frame.Owner != g) g.NotePark(parent, WaitReason.GoroutineAwait);
            if (!frame.TrySetContinuation(parent))
            {
                parent.Wake();
                return;
            }

            // Joining a goroutine that has not run yet: run it next, here (see Scheduler.HandOffTo).
            if (frame is ISpawnedBody { Goroutine: { } joinee } && parent.Owner is { } joiner)
                joiner.Runtime.Scheduler.HandOffTo(joinee);
            return;
        }

        object foreign = continuation;
        if (flowContext && ExecutionContext.Capture() is { } ec)
        {
            foreign = (Action)(() => ExecutionContext.Run(ec, static s => ((Action)s!)(), continuation));
        }

        if (!frame.TrySetContinuation(foreign))
            ThreadPool.UnsafeQueueUserWorkItem(static c => ((Action)c!)(), (Action)foreign, preferLocal: false);
    }
}
