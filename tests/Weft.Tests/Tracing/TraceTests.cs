using Weft.Tracing;

namespace Weft.Tests.Tracing;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TracingCollection
{
    /// <summary>Trace.Start is process-wide: tests that record traces run one at a time.</summary>
    public const string Name = "Tracing";
}

[Collection(TracingCollection.Name)]
public sealed class TraceTests
{
    /// <summary>Records <paramref name="work"/> on a fresh runtime and returns the summary and the parsed file.</summary>
    private static (TraceSummary Summary, PerfettoReader Trace) Record(int maxProcs, Func<TestRuntime, Task> work)
    {
        using var rt = new TestRuntime(maxProcs);
        var output = new MemoryStream();
        Trace.Start(output, rt.Runtime);
        TraceSummary summary;
        try
        {
            work(rt).GetAwaiter().GetResult();
            WaitForIdle(rt);
        }
        finally
        {
            summary = Trace.Stop();
        }

        return (summary, PerfettoReader.Parse(output.ToArray()));
    }

    /// <summary>Every P idle: each M has ended its last step (and recorded its end) and found nothing more.</summary>
    private static void WaitForIdle(TestRuntime rt)
    {
        var deadline = DateTime.UtcNow + TestRuntime.HangGuard;
        var s = rt.Runtime.Scheduler;
        while (s.IdlePCount != s.MaxProcs || s.LiveGoroutines != 0)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the runtime did not go idle");
            Thread.Yield();
        }
    }

    private static async GoTask PingPong(int n)
    {
        var ping = new Chan<int>();
        var pong = new Chan<int>();
        Go.Start(async () =>
        {
            for (int i = 0; i < n; i++) await pong.SendAsync(await ping.ReceiveAsync() + 1);
        });
        for (int i = 0; i < n; i++)
        {
            await ping.SendAsync(i);
            Assert.Equal(i + 1, await pong.ReceiveAsync());
        }
    }

    private static async GoTask FanOut(int workers, int items)
    {
        var jobs = new Chan<int>(16);
        var done = new Chan<int>();
        for (int w = 0; w < workers; w++)
        {
            Go.Start(async () =>
            {
                int sum = 0;
                await foreach (var j in jobs) sum += j;
                await done.SendAsync(sum);
            });
        }

        for (int i = 0; i < items; i++) await jobs.SendAsync(i);
        jobs.Close();
        long total = 0;
        for (int w = 0; w < workers; w++) total += await done.ReceiveAsync();
        Assert.Equal((long)items * (items - 1) / 2, total);
    }

    [Theory]
    [InlineData(1, false, true)]
    [InlineData(2, false, true)]
    [InlineData(4, false, true)]
    [InlineData(2, true, true)]
    [InlineData(2, false, false)]
    [InlineData(4, false, false)]
    public void Trace_OfChannelWork_IsWellFormed(int maxProcs, bool stopwatchClock, bool preciseInstants)
    {
        // Thousands of events per thread: chunks fill, go through the spill file and come back; with stopwatchClock the
        // fallback clock (what runs off x64 Linux) records instead of the TSC; without preciseInstants creations and
        // unblocks inside steps reuse the step's time, and their flows must still begin before the starts they lead to.
        bool clockBefore = TraceClock.ForceStopwatch;
        TraceClock.ForceStopwatch = clockBefore || stopwatchClock;
        Trace.PreciseInstants = preciseInstants;
        try
        {
            RecordChannelWork(maxProcs);
        }
        finally
        {
            TraceClock.ForceStopwatch = clockBefore;
            Trace.PreciseInstants = true;
        }
    }

    private static void RecordChannelWork(int maxProcs)
    {
        for (int round = 0; round < 3; round++)
        {
            var (summary, trace) = Record(maxProcs, rt =>
            {
                rt.Run(async () =>
                {
                    await PingPong(2_000);
                    await FanOut(8, 5_000);
                    // Twenty sleeps: a wake-up can beat a park that the OS delays (the step then goes on), not twenty times.
                    for (int i = 0; i < 20; i++) await Go.Sleep(TimeSpan.FromMilliseconds(1));
                });
                return Task.CompletedTask;
            });

            var steps = TraceInvariants.Check(trace);
            Assert.Equal(0, summary.UnmatchedEnds);
            Assert.Equal(0, summary.Misnested);
            Assert.Equal(0, summary.ClosedAtStop);
            Assert.True(steps.Count >= 10, $"only {steps.Count} goroutines have steps");
            Assert.True(summary.GoroutineSlices >= 4_000, $"{summary.GoroutineSlices} slices for 2,000 round trips");
            Assert.Contains(trace.Events, e => e.Name?.StartsWith("unblock G", StringComparison.Ordinal) == true && e.Flows.Count == 1);
            Assert.Contains(trace.Events, e => e.Name?.StartsWith("create G", StringComparison.Ordinal) == true);
            Assert.Contains(trace.Events, e => e.TerminatingFlows.Count == 1 && e.Name?.StartsWith('G') == true);
            Assert.Contains(trace.Events, e => e.Annotations.TryGetValue("stopped", out var r) && (string)r == "chan receive");
            Assert.Contains(trace.Events, e => e.Annotations.TryGetValue("stopped", out var r) && (string)r == "sleep");
            Assert.Contains(trace.Events, e => e.Annotations.TryGetValue("stopped", out var r) && (string)r == "exit");
            Assert.Contains(trace.Events, e => e.Name is "timer fired" or "2 timers fired");
            int pTracks = trace.Tracks.Count(t => System.Text.RegularExpressions.Regex.IsMatch(t.Name, @"^test P\d+$"));
            Assert.InRange(pTracks, 1, maxProcs);
        }
    }

    [Fact]
    public void Trace_OfABlockingCall_MovesTheStepToTheThreadTrack()
    {
        var (summary, trace) = Record(2, rt =>
        {
            rt.Run(async () =>
            {
                await Go.Yield();
#pragma warning disable WEFT001 // a declared blocking call is what this test traces
                Go.Blocking(() => Thread.Sleep(5));
#pragma warning restore WEFT001
                await Go.Yield();
            });
            return Task.CompletedTask;
        });

        TraceInvariants.Check(trace);
        Assert.Equal(0, summary.UnmatchedEnds + summary.Misnested + summary.ClosedAtStop);
        var threadTracks = trace.Tracks.Where(t => t.Name.EndsWith(" without a P", StringComparison.Ordinal)).Select(t => t.Uuid).ToHashSet();
        var call = Assert.Single(trace.Events, e => threadTracks.Contains(e.Track) && e.Type == TrackEventInfo.SliceBegin);
        var callEnd = Assert.Single(trace.Events, e => threadTracks.Contains(e.Track) && e.Type == TrackEventInfo.SliceEnd);
        Assert.True(callEnd.Timestamp - call.Timestamp >= 4_000_000, "the blocking slice covers the 5 ms sleep");
        Assert.Contains(trace.Events, e => e.Annotations.TryGetValue("stopped", out var r) && (string)r == "blocking call" && e.Timestamp <= call.Timestamp);
    }

    [Fact]
    public void Trace_Annotations_AppearOnTheirTracks()
    {
        var (summary, trace) = Record(2, rt =>
        {
            rt.Run(async () =>
            {
                using var task = Trace.NewTask("request");
                using (Trace.Region("load"))
                {
                    await Go.Sleep(TimeSpan.FromMilliseconds(1)); // the region spans a park
                    Trace.Log("db", "3 rows");
                }
            });
            return Task.CompletedTask;
        });

        TraceInvariants.Check(trace);
        var regionTrack = Assert.Single(trace.Tracks, t => t.Name.EndsWith(" regions", StringComparison.Ordinal));
        Assert.Contains(trace.Events, e => e.Track == regionTrack.Uuid && e.Name == "load" && e.Type == TrackEventInfo.SliceBegin);
        Assert.Contains(trace.Events, e => e.Track == regionTrack.Uuid && e.Name == "db: 3 rows" && e.Type == TrackEventInfo.Instant);
        var taskTrack = Assert.Single(trace.Tracks, t => t.Name.StartsWith("test task ", StringComparison.Ordinal));
        Assert.Equal(2, trace.Events.Count(e => e.Track == taskTrack.Uuid));
        Assert.Equal(0, summary.UnmatchedEnds + summary.Misnested + summary.ClosedAtStop);
    }

    [Fact]
    public void Trace_Counters_AreSampled()
    {
        var interval = Trace.CounterInterval;
        Trace.CounterInterval = TimeSpan.FromMilliseconds(1);
        try
        {
            var (_, trace) = Record(2, rt =>
            {
                rt.Run(async () =>
                {
                    for (int i = 0; i < 20; i++) await Go.Sleep(TimeSpan.FromMilliseconds(1));
                });
                return Task.CompletedTask;
            });
            var counters = trace.Tracks.Where(t => t.IsCounter).ToList();
            Assert.Contains(counters, t => t.Name == "test goroutines");
            Assert.Contains(counters, t => t.Name == "test runnable goroutines");
            Assert.Contains(counters, t => t.Name == "test threads");
            var goroutines = counters.Single(t => t.Name == "test goroutines").Uuid;
            Assert.Contains(trace.Events, e => e.Track == goroutines && e.Type == TrackEventInfo.Counter && e.CounterValue >= 1);
        }
        finally
        {
            Trace.CounterInterval = interval;
        }
    }

    [Fact]
    public void Trace_StartTwiceOrStopUnstarted_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => Trace.Stop());
        Trace.Start(new MemoryStream());
        try
        {
            var e = Assert.Throws<InvalidOperationException>(() => Trace.Start(new MemoryStream()));
            Assert.Contains("already", e.Message);
        }
        finally
        {
            Trace.Stop();
        }

        Assert.Throws<ArgumentException>(() => Trace.Start(""));
        Assert.False(Trace.IsRecording);
    }

    [Fact]
    public void Region_WhenNotRecording_DoesNothing()
    {
        Assert.False(Trace.IsRecording);
        using (Trace.Region("idle")) Trace.Log("x", "y");
        Assert.Equal(0, Trace.NewTask("t").Id);
    }
}
