using Weft.Scheduling;

namespace Weft.Tasks;

/// <summary>
/// The SynchronizationContext a goroutine with a <c>Func&lt;Task&gt;</c> body runs under: ordinary awaits post their
/// continuations here, and they run on the same goroutine, on Weft's scheduler.
/// </summary>
internal sealed class GoSynchronizationContext(G g) : SynchronizationContext
{
    public override void Post(SendOrPostCallback d, object? state) => new CallbackFrame(g, d, state).Wake();

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("Weft: synchronous Send to a goroutine would block an M; use Post.");

    public override SynchronizationContext CreateCopy() => this;
}
