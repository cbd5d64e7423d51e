using System.Globalization;
using System.Text;
using Weft.Scheduling;
using Weft.Tasks;

namespace Weft.Diagnostics;

/// <summary>
/// Formats goroutines the way Go's tracebacks do: a header per goroutine with its state and how long it has waited,
/// the async frames it is suspended in (innermost first), and where it was created when tracking is on.
/// </summary>
/// <example>
/// <code>
/// goroutine 7 [chan receive, 3 minutes]:
/// MyApp.Worker.ProcessAsync()
/// MyApp.Worker.RunAsync()
/// created by MyApp.Program.Main in goroutine 1
/// </code>
/// </example>
internal static class GoroutineDump
{
    /// <summary>Formats the given goroutines, ordered by id.</summary>
    public static string Format(IEnumerable<G> goroutines)
    {
        var sb = new StringBuilder();
        var ordered = goroutines.OrderBy(g => g.Id).ToList();
        foreach (var g in ordered)
        {
            if (sb.Length > 0) sb.AppendLine();
            Append(sb, g);
        }

        var scopes = Scopes.ScopeDump.Tree(ordered);
        if (scopes.Length > 0) sb.AppendLine().Append(scopes);
        return sb.ToString();
    }

    /// <summary>The state shown between brackets: Go's wait reason, or running/runnable.</summary>
    public static string StateOf(G g) => g.Status switch
    {
        GStatus.Running when g.Reason == WaitReason.BlockingCall => "blocking call",
        GStatus.Running => "running",
        GStatus.Runnable => "runnable",
        GStatus.Dead => "dead",
        _ => WaitReasonText.Of(g.Reason),
    };

    /// <summary>The async frames <paramref name="g"/> is suspended in, innermost first, as method names.</summary>
    public static List<string> FramesOf(G g)
    {
        var frames = new List<string>();
        if (g.Status is not (GStatus.Waiting or GStatus.Runnable)) return frames;
        var seen = new HashSet<GoFrame>(ReferenceEqualityComparer.Instance);
        for (var frame = g.Frame; frame is not null && seen.Add(frame) && frames.Count < 64; frame = frame.Parent)
            frames.Add(AsyncFrameNames.OfStateMachine(frame.StateMachineType) + "()");
        return frames;
    }

    private static void Append(StringBuilder sb, G g)
    {
        sb.Append(CultureInfo.InvariantCulture, $"goroutine {g.Id} [{StateOf(g)}");
        if (g.Status == GStatus.Waiting || g.Reason == WaitReason.BlockingCall)
        {
            int minutes = g.WaitingMilliseconds / 60_000;
            if (minutes >= 1) sb.Append(CultureInfo.InvariantCulture, $", {minutes} minute{(minutes == 1 ? "" : "s")}");
        }

        if (g.HasLockedM) sb.Append(", locked to thread");
        sb.AppendLine("]:");
        foreach (var frame in FramesOf(g)) sb.AppendLine(frame);
        if (Scopes.ScopeDump.LineFor(g) is { } scope) sb.AppendLine(scope);

        var extras = g.ExtrasOrNull;
        if (extras is { StuckCount: > 0 })
        {
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"  (sysmon: {(extras.LastStuckWasBlocked ? "blocked its thread" : "ran without an await")} for up to {extras.LongestStuckMs} ms in one step, {extras.StuckCount} time{(extras.StuckCount == 1 ? "" : "s")})");
        }

        if (extras?.CreationSite is { } site)
            sb.AppendLine(CultureInfo.InvariantCulture, $"created by {site} in goroutine {extras.ParentId}");
    }
}
