using Weft.Lab.Commands;

namespace Weft.Tests.Lab;

public sealed class TopCountersTests
{
    [Fact]
    public void Totals_SpanRuntimes_ThatEachCountFromZero()
    {
        var counters = new TopCounters();
        object first = new(), second = new();
        counters.Observe(first, new TopCounts(1, 2, 3, 100));
        counters.Observe(first, new TopCounts(2, 2, 3, 150));
        Assert.Equal(new TopCounts(2, 2, 3, 150), counters.Total());

        // The first run ends at 200 ops; the next run's runtime starts again from zero.
        counters.Finished(first, new TopCounts(2, 2, 3, 200));
        counters.Observe(second, new TopCounts(0, 1, 0, 40));
        Assert.Equal(new TopCounts(2, 3, 3, 240), counters.Total());

        // A snapshot of the first runtime taken before it finished but observed after is not counted twice.
        counters.Observe(first, new TopCounts(2, 2, 3, 180));
        counters.Finished(first, new TopCounts(2, 2, 3, 200));
        Assert.Equal(new TopCounts(2, 3, 3, 240), counters.Total());
    }

    [Fact]
    public void Rates_CompareTotals_EvenWhenTheRuntimeChanged()
    {
        var empty = Array.Empty<(string, int)>();
        var earlier = new TopSnapshot("lab", [], [], empty, 0, 0, 0, 1_000, 0);
        var later = new TopSnapshot("lab", [], [], empty, 10, 0, 0, 3_000, System.Diagnostics.Stopwatch.Frequency);
        var (steals, _, _, ops) = later.RatesSince(earlier);
        Assert.Equal(10, steals);
        Assert.Equal(2_000, ops);
    }
}
