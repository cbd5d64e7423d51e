using Weft.Tasks;

namespace Weft.Scheduling;

/// <summary>The one way a goroutine yields: resume the frame (or the foreign continuation) from the global queue.</summary>
internal static class Yield
{
    public static void AfterStep(G g, GoFrame? frame, Action continuation) =>
        g.RequeueAfterStep(frame ?? new CallbackFrame(g, static c => ((Action)c!)(), continuation), WaitReason.Yield);
}
