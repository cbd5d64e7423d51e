using Weft.Scheduling;
using Weft.Tasks;

namespace Weft.Timers;

/// <summary>The timer a goroutine parks on in <see cref="Go.Sleep(TimeSpan)"/>; one per goroutine, reused (Go's <c>g.timer</c>).</summary>
internal sealed class SleepTimer(G g) : Timers.RuntimeTimer
{
    /// <summary>The frame to resume. Written by the owner before the timer is added.</summary>
    internal GoFrame? Frame;

    internal override void Fire(long now)
    {
        var frame = Frame!;
        Frame = null;
        g.Ready(frame);
    }
}
