using Weft.Testing;

namespace Weft.Tests.Testing;

/// <summary>Sim.Run: one thread, seeded choices, virtual time, and the failures a schedule can end in.</summary>
public class SimRunTests
{
    /// <summary>Workers that print, exchange values over channels, select and sleep: plenty of choices to make.</summary>
    private static Func<GoTask> Chatty(List<string> output) => async () =>
    {
        var results = new Chan<int>(0);
        var ticks = new Chan<int>(1);
        for (int w = 0; w < 4; w++)
        {
            int id = w;
            Go.Start(async () =>
            {
                for (int i = 0; i < 3; i++)
                {
                    output.Add($"w{id} step {i}");
                    var r = await Select.Of(Select.Send(ticks, id), Select.Receive(ticks));
                    output.Add($"w{id} select case {r.Index}");
                    await Go.Sleep(TimeSpan.FromMilliseconds(id + 1));
                }

                await results.SendAsync(id);
            });
        }

        for (int i = 0; i < 4; i++) output.Add($"main got {await results.ReceiveAsync()}");
        ticks.TryReceive(out _);
    };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void SameSeed_SameDecisionsAndOutput(int procs)
    {
        var options = new SimOptions { MaxProcs = procs };
        for (ulong seed = 1; seed <= 20; seed++)
        {
            var first = new List<string>();
            var second = new List<string>();
            var a = Sim.Run(seed, Chatty(first), options);
            var b = Sim.Run(seed, Chatty(second), options);
            Assert.Equal(a.Decisions.ToString(), b.Decisions.ToString());
            Assert.Equal(first, second);
            Assert.Equal(a.Steps, b.Steps);
            Assert.Equal(a.VirtualElapsed, b.VirtualElapsed);
            Assert.True(a.Reproducible);
            Assert.Equal(4 * 3 * 2 + 4, first.Count); // 4 workers × 3 rounds × 2 lines, and main's 4
        }
    }

    [Fact]
    public void DifferentSeeds_DifferentInterleavings()
    {
        var outputs = new HashSet<string>();
        for (ulong seed = 1; seed <= 20; seed++)
        {
            var output = new List<string>();
            Sim.Run(seed, Chatty(output));
            outputs.Add(string.Join("|", output));
        }

        Assert.True(outputs.Count >= 10, $"only {outputs.Count} distinct interleavings in 20 seeds");
    }

    [Fact]
    public void Replay_OfTheDecisionLog_GivesTheSameOutput()
    {
        var original = new List<string>();
        var run = Sim.Run(7, Chatty(original), new SimOptions { MaxProcs = 2 });
        var text = run.Decisions.ToString();
        var replayed = new List<string>();
        var again = Sim.Replay(DecisionLog.Parse(text), Chatty(replayed), new SimOptions { MaxProcs = 2 });
        Assert.Equal(original, replayed);
        Assert.Equal(text, again.Decisions.ToString());
    }

    [Fact]
    public void VirtualTime_AnHourOfSleepsCostsNothing_AndTimersFireInOrder()
    {
        var order = new List<int>();
        var wall = System.Diagnostics.Stopwatch.StartNew();
        var run = Sim.Run(3, async () =>
        {
            var done = new Chan<int>(3);
            foreach (int minutes in new[] { 60, 20, 40 })
            {
                Go.Start(async () =>
                {
                    await Go.Sleep(TimeSpan.FromMinutes(minutes));
                    order.Add(minutes);
                    await done.SendAsync(minutes);
                });
            }

            var timeout = Time.After(TimeSpan.FromHours(2));
            for (int i = 0; i < 3; i++)
            {
                var r = await Select.Of(Select.Receive(done), Select.Receive(timeout));
                Sim.Assert(r.Index == 0, "the two-hour timeout fired before the sleeps ended");
            }
        });
        Assert.Equal(new[] { 20, 40, 60 }, order);
        Assert.Equal(TimeSpan.FromMinutes(60), run.VirtualElapsed);
        Assert.True(wall.Elapsed < TimeSpan.FromSeconds(30)); // a hang guard, not a timing assertion
    }

    [Fact]
    public void Deadlock_IsReportedWithTheDump()
    {
        var run = Sim.Execute(1, async () =>
        {
            var never = new Chan<int>();
            Go.Start(async () => await never.SendAsync(1));
            await never.ReceiveAsync();
            await never.ReceiveAsync();
        });
        Assert.Equal(SimFailureKind.Deadlock, run.Failure!.Kind);
        Assert.Contains(DeadlockException.Headline, run.Failure.Message);
        Assert.Contains("chan receive", run.Failure.Message);
    }

    [Fact]
    public void LeakedGoroutine_IsReported()
    {
        var run = Sim.Execute(1, async () =>
        {
            var never = new Chan<int>();
            Go.Start(async () => await never.ReceiveAsync());
            await Go.Yield();
        });
        Assert.Equal(SimFailureKind.LeakedGoroutine, run.Failure!.Kind);
        Assert.Contains("1 goroutine(s) still blocked", run.Failure.Message);
    }

    [Fact]
    public void Panic_InAStartedGoroutine_FailsTheSchedule()
    {
        var run = Sim.Execute(1, async () =>
        {
            Go.Start(() => throw new InvalidOperationException("boom"));
            await Go.Yield();
        });
        Assert.Equal(SimFailureKind.Exception, run.Failure!.Kind);
        Assert.IsType<InvalidOperationException>(run.Failure.Exception);
    }

    [Fact]
    public void Run_Throws_WithSeedAndReplayCall()
    {
        var e = Assert.Throws<SimFailureException>(() => Sim.Run(42, async () =>
        {
            await Go.Yield();
            Sim.Assert(false, "always wrong");
        }));
        Assert.Equal(SimFailureKind.Assertion, e.Failure.Kind);
        Assert.Contains("seed: 42", e.Message);
        Assert.Contains("Sim.Run(42, body", e.Message);
    }

    [Fact]
    public void ForeignAwait_IsAnEscape_NamingTheMethod()
    {
        var run = Sim.Execute(1, AwaitsATaskDelay);
        Assert.Equal(SimFailureKind.Escape, run.Failure!.Kind);
        Assert.Contains(nameof(AwaitsATaskDelay), run.Failure.Message);
        Assert.Contains("AllowUncontrolled", run.Failure.Message);
    }

    private static async GoTask AwaitsATaskDelay()
    {
        await Go.Yield();
        await Task.Delay(1);
    }

    [Fact]
    public void ForeignAwait_WithPartialControl_RunsAndIsMarkedNonReproducible()
    {
        int after = 0;
        var run = Sim.Run(1, async () =>
        {
            await Task.Delay(1);
            after = 1;
        }, new SimOptions { AllowUncontrolled = true });
        Assert.Equal(1, after);
        Assert.False(run.Reproducible);
    }

    [Fact]
    public void BadInput_IsNamed()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Sim.Run(1, () => default, new SimOptions { MaxProcs = 0 }));
        Assert.Throws<ArgumentNullException>(() => Sim.Run(1, null!));
        var e = Assert.Throws<FormatException>(() => DecisionLog.Parse("N1/3 Q2/2"));
        Assert.Contains("Q2/2", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => SimStrategy.Pct(0));
    }
}
