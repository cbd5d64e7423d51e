using System.Collections.Concurrent;
using Weft.Scheduling;
using Weft.Tracing;

namespace Weft.Diagnostics;

/// <summary>
/// The block profile's recorder. It rides on the trace hooks: a goroutine's step ending with a wait reason notes the
/// time and the method it waits in; its next step's start adds the time waited to that reason and site. (Go stops the
/// clock when the goroutine is readied; this one stops when it runs, so the time includes the wait in a run queue.) Process-wide, like Go's: every runtime's goroutines are recorded (keyed by the G itself, since ids
/// are per runtime).
/// </summary>
internal static class BlockProfiler
{
    internal static volatile bool Enabled;

    private static readonly ConcurrentDictionary<G, (long Since, WaitReason Reason, string Site)> s_parked = new();
    private static readonly ConcurrentDictionary<(WaitReason, string), Totals> s_totals = new();
    private static readonly ConcurrentDictionary<Type, string> s_names = new();

    private sealed class Totals
    {
        public long Count;
        public long Nanoseconds;
    }

    internal static void SetEnabled(bool on)
    {
        Enabled = on;
        if (!on) s_parked.Clear();
        Tracer.Recompute(null);
    }

    internal static void Reset()
    {
        s_parked.Clear();
        s_totals.Clear();
    }

    /// <summary>The step of <paramref name="g"/> ended (trace hook, owner thread).</summary>
    internal static void OnStop(G g, int reason)
    {
        if (reason >= StopReason.Exit || (WaitReason)reason is WaitReason.None or WaitReason.Yield or WaitReason.Preempted) return;
        var frame = g.Frame;
        var site = frame is null ? "?" : s_names.GetOrAdd(frame.StateMachineType, AsyncFrameNames.OfStateMachine);
        s_parked[g] = (System.Diagnostics.Stopwatch.GetTimestamp(), (WaitReason)reason, site);
    }

    /// <summary><paramref name="g"/> runs again (trace hook, the thread that runs it): the wait is over.</summary>
    internal static void OnStart(G g)
    {
        if (!s_parked.TryRemove(g, out var parked)) return;
        long ns = (long)((System.Diagnostics.Stopwatch.GetTimestamp() - parked.Since) * (1e9 / System.Diagnostics.Stopwatch.Frequency));
        var totals = s_totals.GetOrAdd((parked.Reason, parked.Site), _ => new Totals());
        Interlocked.Increment(ref totals.Count);
        Interlocked.Add(ref totals.Nanoseconds, ns);
    }

    internal static BlockProfile Snapshot() => new(s_totals
        .Select(kv => new BlockProfileRecord(WaitReasonText.Of(kv.Key.Item1), kv.Key.Item2,
            Volatile.Read(ref kv.Value.Count), TimeSpan.FromTicks(Volatile.Read(ref kv.Value.Nanoseconds) / 100)))
        .OrderByDescending(r => r.Waited).ToList());
}
