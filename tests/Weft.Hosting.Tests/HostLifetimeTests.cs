using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Weft.Hosting.Tests;

/// <summary>
/// A real Generic Host with Weft: the runtime starts and stops with it, goroutine services see the stop token,
/// goroutines that ignore it are logged and abandoned after the timeout, panics and deadlocks are logged and stop
/// the host, and the Weft meter reports the host's runtime.
/// </summary>
public sealed class HostLifetimeTests
{
    /// <summary>Hang guard only: every wait below is for an event, never a sleep.</summary>
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    /// <summary>What the test services report back to the test.</summary>
    public sealed class Probe
    {
        public TaskCompletionSource Running { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource<int> StoppedCleanly { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public GoRuntime? Runtime { get; set; }
        public long GoroutineId { get; set; }
    }

    /// <summary>Receives ticks from a child goroutine until the host stops; both watch the stop token.</summary>
    public sealed class Ticker(Probe probe) : IGoroutineService
    {
        public async GoTask ExecuteAsync(CancellationToken stoppingToken)
        {
            probe.Runtime = GoRuntime.Current;
            probe.GoroutineId = Go.CurrentId;
            var ticks = new Chan<int>();
            Go.Start(async () =>
            {
                try
                {
                    for (int i = 0; ; i++) await ticks.SendAsync(i, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    // the host is stopping
                }
            });
            int received = 0;
            try
            {
                while (true)
                {
                    int tick = await ticks.ReceiveAsync(stoppingToken);
                    Assert.Equal(received, tick);
                    if (++received == 3) probe.Running.TrySetResult();
                }
            }
            catch (OperationCanceledException)
            {
                probe.StoppedCleanly.TrySetResult(received);
            }
        }
    }

    /// <summary>Leaves a goroutine parked forever, deaf to the stop token.</summary>
    public sealed class Leaker(Probe probe) : IGoroutineService
    {
        public async GoTask ExecuteAsync(CancellationToken stoppingToken)
        {
            var never = new Chan<int>();
            Go.Start(async () => await never.ReceiveAsync());
            probe.Running.TrySetResult();
            try
            {
                await never.ReceiveAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                probe.StoppedCleanly.TrySetResult(0);
            }
        }
    }

    /// <summary>Starts a goroutine that throws.</summary>
    public sealed class Panicker : IGoroutineService
    {
        public async GoTask ExecuteAsync(CancellationToken stoppingToken)
        {
            Go.Start(async () =>
            {
                await Go.Yield();
                throw new InvalidOperationException("boom from a goroutine");
            });
            try
            {
                await new Chan<int>().ReceiveAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                // stopped after the panic
            }
        }
    }

    /// <summary>Waits on a channel nobody else knows: a deadlock.</summary>
    public sealed class Deadlocker : IGoroutineService
    {
        public async GoTask ExecuteAsync(CancellationToken stoppingToken) => await new Chan<int>().ReceiveAsync();
    }

    /// <summary>The queue between <see cref="Source"/> and <see cref="Drain"/>.</summary>
    public sealed class Queue
    {
        public Chan<int> Items { get; } = new(4);
    }

    /// <summary>Sends until the stop token is cancelled, then closes the queue.</summary>
    public sealed class Source(Queue queue, Probe probe) : IGoroutineService
    {
        public async GoTask ExecuteAsync(CancellationToken stoppingToken)
        {
            try
            {
                for (int i = 0; ; i++) await queue.Items.SendAsync(i, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                queue.Items.Close();
                probe.StoppedCleanly.TrySetResult(0);
            }
        }
    }

    /// <summary>Ignores its token: it returns when the source closes the queue. Registered after the source, so stopped first.</summary>
    public sealed class Drain(Queue queue, Probe probe) : IGoroutineService
    {
        public async GoTask ExecuteAsync(CancellationToken stoppingToken)
        {
            int n = 0;
            await foreach (int _ in queue.Items)
            {
                if (++n == 10) probe.Running.TrySetResult();
            }
        }
    }

    private static (IHost Host, LogSink Log, Probe Probe) Build<TService>(Action<WeftHostingOptions> configure)
        where TService : class, IGoroutineService
    {
        var (host, log, probe) = Build(configure, s => s.AddGoroutine<TService>());
        return (host, log, probe);
    }

    private static (IHost Host, LogSink Log, Probe Probe) Build(Action<WeftHostingOptions> configure, Action<IServiceCollection> add)
    {
        var log = new LogSink();
        var probe = new Probe();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddProvider(log);
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Services.AddSingleton(probe);
        // Longer than the hang guard: a stop that waits for the host's timeout fails the test instead of passing late.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(5));
        add(builder.Services.AddWeft(configure));
        return (builder.Build(), log, probe);
    }

    public static TheoryData<int> Procs => new() { 1, 2, 4 };

    [Theory]
    [MemberData(nameof(Procs))]
    public async Task TheRuntimeStartsAndStopsWithTheHost_AndServicesSeeTheStopToken(int maxProcs)
    {
        var (host, log, probe) = Build<Ticker>(o =>
        {
            o.MaxProcs = maxProcs;
            o.Name = "host-test";
        });
        using (host)
        {
            await host.StartAsync().WaitAsync(Guard);
            await probe.Running.Task.WaitAsync(Guard);
            var runtime = host.Services.GetRequiredService<GoRuntime>();
            Assert.Same(runtime, probe.Runtime);
            Assert.Same(runtime, host.Services.GetRequiredService<WeftHost>().Runtime);
            Assert.True(probe.GoroutineId > 0);
            Assert.Equal(maxProcs, runtime.MaxProcs);

            await host.StopAsync().WaitAsync(Guard);
            Assert.True(await probe.StoppedCleanly.Task.WaitAsync(Guard) >= 3);
            Assert.Equal(0, runtime.NumGoroutine);
            Assert.Throws<ObjectDisposedException>(() => runtime.Start(() => { }));
            Assert.Contains(log.Entries, e => e.Message == $"Weft runtime 'host-test' started with {maxProcs} procs");
            Assert.Contains(log.Entries, e => e.Message == "Weft runtime 'host-test' stopped");
            Assert.DoesNotContain(log.Entries, e => e.Level >= LogLevel.Warning);
        }
    }

    [Theory]
    [MemberData(nameof(Procs))]
    public async Task TheRootTokenIsCancelledBeforeAnyServiceStops_SoAServiceWaitingOnAnotherStopsToo(int maxProcs)
    {
        var (host, log, probe) = Build(o => o.MaxProcs = maxProcs, s => s.AddSingleton<Queue>().AddGoroutine<Source>().AddGoroutine<Drain>());
        using (host)
        {
            await host.StartAsync().WaitAsync(Guard);
            await probe.Running.Task.WaitAsync(Guard);
            await host.StopAsync().WaitAsync(Guard);
            await probe.StoppedCleanly.Task.WaitAsync(Guard);
            Assert.Equal(0, host.Services.GetRequiredService<GoRuntime>().NumGoroutine);
            Assert.DoesNotContain(log.Entries, e => e.Level >= LogLevel.Warning);
        }
    }

    [Fact]
    public async Task GoroutinesThatIgnoreTheStop_AreLoggedWithADump_AndAbandonedAfterTheTimeout()
    {
        var (host, log, probe) = Build<Leaker>(o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(200));
        using (host)
        {
            await host.StartAsync().WaitAsync(Guard);
            await probe.Running.Task.WaitAsync(Guard);
            await host.StopAsync().WaitAsync(Guard);
            await probe.StoppedCleanly.Task.WaitAsync(Guard);
            var warning = Assert.Single(log.Entries, e => e.Level == LogLevel.Warning);
            Assert.StartsWith("1 goroutines still running", warning.Message);
            Assert.Contains("[chan receive", warning.Message);
            Assert.Contains(log.Entries, e => e.Message.EndsWith("stopped"));
        }
    }

    [Fact]
    public async Task APanic_IsLoggedAsCritical_AndStopsTheHost()
    {
        var (host, log, _) = Build<Panicker>(_ => { });
        using (host)
        {
            await host.StartAsync().WaitAsync(Guard);
            var panic = await log.WaitFor(e => e.Level == LogLevel.Critical).WaitAsync(Guard);
            Assert.StartsWith("panic: goroutine ", panic.Message);
            Assert.Equal("boom from a goroutine", Assert.IsType<InvalidOperationException>(panic.Exception).Message);
            await host.WaitForShutdownAsync().WaitAsync(Guard); // the host stops by itself
            Assert.Contains(log.Entries, e => e.Message.EndsWith("stopped"));
        }
    }

    [Fact]
    public async Task ADeadlock_IsLoggedWithTheDump_AndStopsTheHost_WhenDetectionIsOn()
    {
        var (host, log, _) = Build<Deadlocker>(o =>
        {
            o.DetectDeadlocks = true;
            o.ShutdownTimeout = TimeSpan.FromMilliseconds(100); // the deadlocked goroutine never returns
        });
        using (host)
        {
            await host.StartAsync().WaitAsync(Guard);
            var deadlock = await log.WaitFor(e => e.Level == LogLevel.Critical).WaitAsync(Guard);
            Assert.StartsWith("Goroutine service Deadlocker: " + DeadlockException.Headline, deadlock.Message);
            Assert.Contains("[chan receive", deadlock.Message);
            Assert.IsType<DeadlockException>(deadlock.Exception);
            await host.WaitForShutdownAsync().WaitAsync(Guard);
        }
    }

    [Fact]
    public async Task TheWeftMeter_ReportsTheHostsRuntimeByName()
    {
        var (host, _, probe) = Build<Ticker>(o => o.Name = "meter-test");
        using (host)
        {
            await host.StartAsync().WaitAsync(Guard);
            await probe.Running.Task.WaitAsync(Guard);
            long goroutines = -1;
            using (var listener = new MeterListener())
            {
                listener.InstrumentPublished = (instrument, l) =>
                {
                    if (instrument.Meter.Name == GoRuntime.MeterName && instrument.Name == "weft.goroutines") l.EnableMeasurementEvents(instrument);
                };
                listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
                {
                    foreach (var tag in tags)
                    {
                        if (tag is { Key: "weft.runtime", Value: "meter-test" }) goroutines = value;
                    }
                });
                listener.Start();
                listener.RecordObservableInstruments();
            }

            Assert.True(goroutines >= 2, $"weft.goroutines for meter-test: {goroutines}"); // the service and its ticker
            await host.StopAsync().WaitAsync(Guard);
        }
    }

    [Fact]
    public void AddGoroutineBeforeAddWeft_SharesOneRuntime_AndTheLaterOptionsApply()
    {
        var services = new ServiceCollection().AddLogging().AddSingleton(new Probe());
        services.AddGoroutine<Ticker>().AddWeft(o => o.Name = "late");
        using var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToList();
        Assert.Equal(2, hosted.Count);
        Assert.IsType<WeftHost>(hosted[0]); // the runtime starts first and stops last
        Assert.Equal("late", provider.GetRequiredService<GoRuntime>().Options.Name);
    }

    [Theory]
    [InlineData("MaxProcs")]
    [InlineData("TimeSlice")]
    [InlineData("ShutdownTimeout")]
    [InlineData("Name")]
    public void BadOptions_FailAtAddWeft_NamingTheOption(string option)
    {
        var services = new ServiceCollection();
        var error = Assert.ThrowsAny<ArgumentException>(() => services.AddWeft(o =>
        {
            switch (option)
            {
                case "MaxProcs": o.MaxProcs = 0; break;
                case "TimeSlice": o.TimeSlice = TimeSpan.Zero; break;
                case "ShutdownTimeout": o.ShutdownTimeout = TimeSpan.FromSeconds(-1); break;
                default: o.Name = " "; break;
            }
        }));
        Assert.Equal(option, error.ParamName);
        Assert.Contains("WeftHostingOptions." + option, error.Message);
    }
}
