using Weft.Scheduling;
using Weft.Tasks;

namespace Weft.Timers;

/// <summary>The timer a goroutine parks on in <see cref="Go.Sleep(TimeSpan)"/>; one per goroutine, reused (Go's <c>g.timer</c>).</summary>
internal sealed class SleepTimer(G g) : Timers.RuntimeTimer
{
    /// <summary>
    /// The frame to resume. Written by the owner before the timer is added; cleared by <see cref="Fire"/>, after which
    /// (and only after which) the owner may reuse the timer.
    /// </summary>
    internal GoFrame? Frame;

    internal override void Fire(long now)
    {
        var frame = Frame!;
        Volatile.Write(ref Frame, null); // release: the read above happens before the owner can see the timer free
        Park.Ready(g, frame);
    }
}
