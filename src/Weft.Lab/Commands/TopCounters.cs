using System.Runtime.CompilerServices;

namespace Weft.Lab.Commands;

/// <summary>Steals, hand-offs, preemptions and channel operations, as counted by a runtime (or summed over several).</summary>
public readonly record struct TopCounts(long Steals, long Handoffs, long Preemptions, long ChanOps)
{
    /// <summary>The sum of two counts.</summary>
    public static TopCounts operator +(TopCounts a, TopCounts b) =>
        new(a.Steals + b.Steals, a.Handoffs + b.Handoffs, a.Preemptions + b.Preemptions, a.ChanOps + b.ChanOps);
}

/// <summary>
/// <c>top</c>'s running totals over every runtime the Lab makes while it watches: each run gets a fresh runtime whose
/// counters start at zero, so comparing two snapshots of "the current runtime" showed 0/s whenever runs were shorter
/// than the refresh interval. A finished runtime's last counts are banked; the live ones' latest are added on top.
/// </summary>
public sealed class TopCounters
{
    private readonly object _lock = new();
    private readonly Dictionary<object, TopCounts> _live = new(ReferenceEqualityComparer.Instance);
    private readonly ConditionalWeakTable<object, object> _finished = new();
    private TopCounts _banked;

    /// <summary>The latest counts of a live runtime (ignored once it finished: its final counts are banked).</summary>
    public void Observe(object runtime, TopCounts counts)
    {
        lock (_lock)
            if (!_finished.TryGetValue(runtime, out _)) _live[runtime] = counts;
    }

    /// <summary>A runtime is about to shut down with these counts.</summary>
    public void Finished(object runtime, TopCounts final)
    {
        lock (_lock)
        {
            if (_finished.TryGetValue(runtime, out _)) return;
            _finished.Add(runtime, runtime);
            _live.Remove(runtime);
            _banked += final;
        }
    }

    /// <summary>Everything counted so far.</summary>
    public TopCounts Total()
    {
        lock (_lock)
        {
            var total = _banked;
            foreach (var counts in _live.Values) total += counts;
            return total;
        }
    }
}
