using System.Diagnostics.Metrics;

namespace Weft.Tests.Sysmon;

/// <summary>
/// The <c>Weft</c> meter: each runtime reports its own figures under its name, read when a listener collects.
/// </summary>
public class MetricsTests
{
    [Fact]
    public void Meter_ReportsThisRuntimesGoroutinesThreadsAndBlockingCalls_AndForgetsItWhenDisposed()
    {
        string name = "metrics-" + Guid.NewGuid().ToString("N");
        var rt = new GoRuntime(new GoOptions { MaxProcs = 2, Name = name });
        try
        {
            const int parked = 100;
            var gate = new Chan<bool>();
            var allParked = new CountdownEvent(parked);
            var entered = new ManualResetEventSlim(false);
            var release = new ManualResetEventSlim(false);
            var main = rt.RunAsync(async () =>
            {
                for (int i = 0; i < parked; i++)
                    Go.Start(async () =>
                    {
                        allParked.Signal();
                        await gate.ReceiveWithOkAsync();
                    });
                Go.Start(() => Go.Blocking(() =>
                {
                    entered.Set();
                    release.Wait();
                }));
                await gate.ReceiveWithOkAsync();
            });

            Assert.True(allParked.Wait(TestRuntime.HangGuard) && entered.Wait(TestRuntime.HangGuard));
            var seen = Collect(name);
            Assert.Equal(parked + 2, seen["weft.goroutines"]); // main, the parked ones, the one in the blocking call
            Assert.Equal(1, seen["weft.blocking_calls"]);
            Assert.True(seen["weft.threads"] >= 1, "a running runtime has at least one thread");
            foreach (var counter in new[] { "weft.goroutines.runnable", "weft.steals", "weft.handoffs", "weft.preemptions", "weft.stuck_retakes" })
                Assert.True(seen.TryGetValue(counter, out long v) && v >= 0, counter);

            release.Set();
            gate.Close();
            TestRuntime.WaitWithHangGuard(main);
            Assert.True(SpinWait.SpinUntil(() => Collect(name)["weft.goroutines"] == 0, TestRuntime.HangGuard));
            Assert.Equal(0, Collect(name)["weft.blocking_calls"]);
        }
        finally
        {
            rt.Dispose();
        }

        Assert.Empty(Collect(name)); // a disposed runtime reports nothing
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Meter_CountsChannelOperationsAndSelects_SummedOverThePs(int maxProcs)
    {
        string name = "chanmetrics-" + Guid.NewGuid().ToString("N");
        using var rt = new GoRuntime(new GoOptions { MaxProcs = maxProcs, Name = name });
        const int n = 5_000, workers = 4;
        var task = rt.RunAsync(async () =>
        {
            var ch = new Chan<int>(8);
            var done = new Chan<bool>();
            for (int w = 0; w < workers; w++)
            {
                Go.Start(async () =>
                {
                    for (int i = 0; i < n; i++) await ch.SendAsync(i);
                    await done.SendAsync(true);
                });
            }

            for (int i = 0; i < n * workers; i++)
            {
                var r = await Select.Of(Select.Receive(ch));
                Assert.True(r.Ok);
            }

            for (int w = 0; w < workers; w++) await done.ReceiveAsync();
            Assert.False(ch.TryReceive(out _));
        });
        TestRuntime.WaitWithHangGuard(task);
        task.GetAwaiter().GetResult();

        var seen = Collect(name);
        Assert.Equal(n * workers + workers, seen["weft.chan.sends"]); // every SendAsync, on whichever P it ran
        Assert.Equal(workers + 1, seen["weft.chan.receives"]); // the receives of done, and the TryReceive
        Assert.Equal(n * workers, seen["weft.selects"]);
    }

    /// <summary>Collects every observable instrument of the Weft meter once; the measurements tagged with <paramref name="runtime"/>.</summary>
    private static Dictionary<string, long> Collect(string runtime)
    {
        var seen = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == GoRuntime.MeterName) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == "weft.runtime" && (string?)tag.Value == runtime)
                    lock (seen) seen[instrument.Name] = value;
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return seen;
    }
}
