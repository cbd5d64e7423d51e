namespace Weft.Tests.Tracing;

/// <summary>What every trace Weft writes must satisfy, checked on the file as read back.</summary>
public static class TraceInvariants
{
    /// <summary>
    /// Every event is on a described track; timestamps per track never go back; slices per track pair up (every
    /// begin has its end, no end without a begin); no goroutine's steps overlap across P tracks; every flow that
    /// ends began earlier. Returns the goroutine step intervals per goroutine, for further checks.
    /// </summary>
    public static Dictionary<long, List<(long Begin, long End, ulong Track)>> Check(PerfettoReader trace)
    {
        var tracks = new Dictionary<ulong, TrackInfo>();
        foreach (var t in trace.Tracks) Assert.True(tracks.TryAdd(t.Uuid, t), $"track {t.Uuid} described twice");

        var last = new Dictionary<ulong, long>();
        var open = new Dictionary<ulong, Stack<(string? Name, long Ts)>>();
        var steps = new Dictionary<long, List<(long, long, ulong)>>();
        var flowsBegun = new HashSet<ulong>();
        foreach (var e in trace.Events)
        {
            Assert.True(tracks.ContainsKey(e.Track), $"event {e.Name} at {e.Timestamp} on undescribed track {e.Track}");
            if (last.TryGetValue(e.Track, out var previous))
                Assert.True(e.Timestamp >= previous, $"track '{tracks[e.Track].Name}': timestamp {e.Timestamp} after {previous}");
            last[e.Track] = e.Timestamp;
            foreach (var f in e.Flows) flowsBegun.Add(f);
            foreach (var f in e.TerminatingFlows) Assert.True(flowsBegun.Contains(f), $"flow {f} ends at {e.Timestamp} before it began");

            if (!open.TryGetValue(e.Track, out var stack)) open[e.Track] = stack = new Stack<(string?, long)>();
            if (e.Type == TrackEventInfo.SliceBegin)
            {
                stack.Push((e.Name, e.Timestamp));
            }
            else if (e.Type == TrackEventInfo.SliceEnd)
            {
                Assert.True(stack.Count > 0, $"track '{tracks[e.Track].Name}': slice end at {e.Timestamp} without a begin");
                var (name, begin) = stack.Pop();
                if (name is ['G', .. var digits] && long.TryParse(digits, out long g) && tracks[e.Track].Name.Contains(" P", StringComparison.Ordinal))
                {
                    if (!steps.TryGetValue(g, out var list)) steps[g] = list = new List<(long, long, ulong)>();
                    list.Add((begin, e.Timestamp, e.Track));
                }
            }
        }

        foreach (var (track, stack) in open)
            if (stack.Count != 0) Assert.Fail($"track '{tracks[track].Name}': {stack.Count} slices never end (innermost: {stack.Peek().Name})");

        foreach (var (g, list) in steps)
        {
            list.Sort((a, b) => a.Item1.CompareTo(b.Item1));
            for (int i = 1; i < list.Count; i++)
            {
                Assert.True(list[i].Item1 >= list[i - 1].Item2,
                    $"G{g} runs on '{tracks[list[i].Item3].Name}' from {list[i].Item1} while still on '{tracks[list[i - 1].Item3].Name}' until {list[i - 1].Item2}");
            }
        }

        return steps;
    }
}
