using System.Runtime.CompilerServices;
using Weft.Tasks;

namespace Weft.Scheduling;

/// <summary>
/// The one way a goroutine parks and is readied (Go's <c>gopark</c>/<c>goready</c>). Every parking site — channel
/// operations, select, sleep, yield, and the sync primitives, netpoller and mailboxes built on them — goes through
/// these steps; docs/ARCHITECTURE.md ("Parking and readying") numbers them with the invariant each keeps.
/// </summary>
/// <remarks>
/// <para>A goroutine is stackless: what it parks is a frame. <see cref="Begin(G, Action, WaitReason)"/> takes the frame being suspended
/// (a GoTask frame handed over by <see cref="GoFrame.ParkToken"/>, or a callback frame around a foreign continuation)
/// and records why the goroutine waits. The caller then publishes its waiter — in a channel's queue under the
/// channel's lock, in a timer heap, in a cancellation callback — and returns; the strand loop
/// (<see cref="G.Execute"/>) parks the goroutine when the step ends. A waker calls <see cref="Ready"/> with the frame,
/// at any time after the publication, even before the step has ended: the strand and <see cref="G.Ready"/> each
/// write with a full fence before they read, so the frame runs exactly once.</para>
/// <para>The embedded waiter: a goroutine is itself a <see cref="Waiter"/> (Go's <c>sudog</c>), so its one blocking
/// operation needs no extra object. Only this class hands it out (<see cref="UseEmbeddedWaiter"/>) and takes it
/// back (<see cref="ReleaseEmbeddedWaiter"/>); while it is in use, the goroutine's <see cref="Waiter.Frame"/> field
/// belongs to the operation, and suspending frames travel through a thread static instead
/// (<see cref="GoFrame.TakeSuspending(Action, G)"/>).</para>
/// </remarks>
internal static class Park
{
    private static readonly SendOrPostCallback s_invokeContinuation = static c => ((Action)c!)();

    /// <summary>
    /// Step 1 and 2 of parking <paramref name="g"/> (the current goroutine): the frame to resume, and the record of
    /// why it waits (for dumps and the deadlock check). Returns the frame to hand to <see cref="Ready"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static GoFrame Begin(G g, Action continuation, WaitReason reason) =>
        Begin(g, GoFrame.TakeSuspending(continuation, g), continuation, reason);

    /// <summary>As <see cref="Begin(G, Action, WaitReason)"/> when the caller has already taken the suspending frame.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static GoFrame Begin(G g, GoFrame? suspending, Action continuation, WaitReason reason)
    {
        var frame = FrameOf(g, suspending, continuation);
        g.NotePark(frame, reason);
        return frame;
    }

    /// <summary>
    /// The frame of <paramref name="g"/> to resume: the suspending GoTask frame when it belongs to the goroutine,
    /// otherwise a callback frame that runs <paramref name="continuation"/> on the goroutine's strand (a foreign
    /// awaiter's continuation, a Task-based body).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static GoFrame FrameOf(G g, GoFrame? suspending, Action continuation) =>
        suspending is not null && suspending.Owner == g ? suspending : new CallbackFrame(g, s_invokeContinuation, continuation);

    /// <summary>Readies <paramref name="g"/> to resume <paramref name="frame"/> (Go's <c>goready</c>). Any thread, no lock held.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Ready(G g, GoFrame frame) => g.Ready(frame);

    /// <summary>
    /// Parks the current goroutine at the back of the global queue instead of on a waiter (Go's <c>Gosched</c>, and
    /// preemption at an await point): it is runnable again as soon as its step ends.
    /// </summary>
    internal static void Yield(G g, GoFrame? suspending, Action continuation) =>
        g.RequeueAfterStep(FrameOf(g, suspending, continuation), WaitReason.Yield);

    // ---- the embedded waiter ------------------------------------------------------------------------------

    /// <summary>True when <paramref name="g"/>'s embedded waiter is free for an operation of the current step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool EmbeddedWaiterFree(G g) => !g.WaiterInUse;

    /// <summary>
    /// Parks <paramref name="g"/> on its embedded waiter (steps 1 and 2, then the waiter is taken): the caller
    /// publishes <paramref name="g"/> itself as the waiter. The waker's <see cref="Waiter.Wake"/> readies the frame.
    /// </summary>
    internal static Waiter UseEmbeddedWaiter(G g, Action continuation, WaitReason reason)
    {
        Begin(g, continuation, reason); // the waiter is still free, so NotePark stores the frame in g.Frame
        g.WaiterInUse = true;
        return g;
    }

    /// <summary>After the wake-up, in the operation's GetResult: the embedded waiter is free again.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void ReleaseEmbeddedWaiter(G g) => g.WaiterInUse = false;
}
