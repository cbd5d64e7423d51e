using Weft.Lab.Explore;
using Weft.Testing;

namespace Weft.Tests.Testing;

/// <summary>Each planted bug is found by both strategies within 1,000 schedules, and replays by seed and by shrunk log.</summary>
public class PlantedBugTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var bug in PlantedBugs.All)
        {
            data.Add(bug.Name, "random");
            data.Add(bug.Name, "pct");
        }

        return data;
    }

    private static readonly Dictionary<string, SimFailureKind> Expected = new()
    {
        ["lost_update"] = SimFailureKind.Assertion,
        ["check_then_act"] = SimFailureKind.Assertion,
        ["missed_wakeup"] = SimFailureKind.Deadlock,
        ["aba"] = SimFailureKind.Assertion,
        ["select_deadlock"] = SimFailureKind.Deadlock,
        ["close_race"] = SimFailureKind.Exception,
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Explorer_FindsTheBug_AndItReplays(string name, string strategyName)
    {
        var bug = PlantedBugs.Named(name);
        var strategy = strategyName == "pct" ? SimStrategy.Pct(depth: 3) : SimStrategy.Random;
        var printed = new List<string>();
        var options = new SimOptions { Output = printed.Add };
        var result = Sim.Search(1000, strategy, bug.Body, options);

        Assert.True(result.Found, $"{name} not found in 1,000 {strategyName} schedules");
        var failing = result.FailingRun!;
        Assert.Equal(Expected[name], failing.Failure!.Kind);
        Assert.Contains($"seed: {failing.Seed}", Assert.Single(printed));

        // The same exploration finds the same schedule: exploration itself is deterministic.
        var again = Sim.Search(1000, strategy, bug.Body, options);
        Assert.Equal(result.Schedules, again.Schedules);
        Assert.Equal(failing.Decisions.ToString(), again.FailingRun!.Decisions.ToString());

        // Replay by log, full and shrunk: the same failure.
        var full = Assert.Throws<SimFailureException>(() => Sim.Replay(failing.Decisions, bug.Body));
        Assert.Equal(failing.Failure.Kind, full.Failure.Kind);
        var shrunk = result.ShrunkDecisions!;
        Assert.True(shrunk.Count <= failing.Decisions.Count);
        var fromShrunk = Assert.Throws<SimFailureException>(() => Sim.Replay(DecisionLog.Parse(shrunk.ToString()), bug.Body));
        Assert.Equal(failing.Failure.Kind, fromShrunk.Failure.Kind);
    }

    [Fact]
    public void ReplayBySeed_RandomStrategy_ReproducesTheFailure()
    {
        foreach (var bug in PlantedBugs.All)
        {
            var result = Sim.Search(1000, SimStrategy.Random, bug.Body, new SimOptions { Output = _ => { } });
            var run = result.FailingRun!;
            var replay = Assert.Throws<SimFailureException>(() => Sim.Run(run.Seed, bug.Body));
            Assert.Equal(run.Decisions.ToString(), replay.Run.Decisions.ToString());
        }
    }

    [Fact]
    public void FixedLostUpdate_WithAMutex_PassesEverySchedule()
    {
        var result = Sim.Explore(300, SimStrategy.Random, async () =>
        {
            int counter = 0;
            var mu = new Weft.Sync.Mutex();
            var wg = new Weft.Sync.WaitGroup();
            for (int i = 0; i < 3; i++)
            {
                wg.Go(async () =>
                {
                    await mu.LockAsync();
                    int seen = counter;
                    await Go.Yield();
                    counter = seen + 1;
                    mu.Unlock();
                });
            }

            await wg.WaitAsync();
            Sim.Assert(counter == 3, $"counter is {counter}");
        }, new SimOptions { Output = _ => { } });
        Assert.False(result.Found);
        Assert.Equal(300, result.Schedules);
    }
}
