using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Weft.Hosting;

/// <summary>
/// The host's <see cref="GoRuntime"/> and its lifetime: created with the container and started with the host. When the
/// host begins to stop — before any hosted service's StopAsync — it cancels <see cref="Stopping"/>, the root token
/// every goroutine of the application can watch, so all goroutine services stop together (one may be waiting for
/// another to close a channel). Last of all it waits up to <see cref="WeftHostingOptions.ShutdownTimeout"/> for the
/// goroutines to return, logs the ones that did not with a dump, and shuts the runtime down.
/// </summary>
/// <remarks>
/// The root is a <see cref="CancellationToken"/> for now; when Weft's GoContext lands, a root context derived from
/// it will take its place (GoContext converts to and from CancellationToken, so code written against this token
/// keeps working).
/// </remarks>
public sealed partial class WeftHost : IHostedLifecycleService, IAsyncDisposable, IDisposable
{
    /// <summary>How often shutdown looks at the goroutine count while it waits (the runtime has no "all exited" event).</summary>
    private static readonly TimeSpan ShutdownPoll = TimeSpan.FromMilliseconds(5);

    private readonly WeftHostingOptions _options;
    private readonly ILogger<WeftHost> _logger;
    private readonly IServiceProvider _services;
    private readonly CancellationTokenSource _stopping = new();
    private int _shutDown;

    /// <summary>Creates the runtime from the options; the container calls this.</summary>
    public WeftHost(WeftHostingOptions options, ILogger<WeftHost> logger, IServiceProvider services)
    {
        _options = options;
        _logger = logger;
        _services = services;
        Runtime = new GoRuntime(new GoOptions
        {
            MaxProcs = options.MaxProcs,
            Name = options.Name,
            TimeSlice = options.TimeSlice,
            TrackCreationSites = options.TrackCreationSites,
            Debug = options.Debug,
            DetectDeadlocks = options.DetectDeadlocks,
            PanicHandler = OnPanic,
        });
    }

    /// <summary>The runtime the application's goroutines run on (also registered as <see cref="GoRuntime"/>).</summary>
    public GoRuntime Runtime { get; }

    /// <summary>The root token: cancelled when the host begins to stop.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogStarted(Runtime.Options.Name, Runtime.MaxProcs);
        return Task.CompletedTask;
    }

    /// <summary>The host begins to stop: cancel the root token, before any service is asked to stop.</summary>
    public Task StoppingAsync(CancellationToken cancellationToken) => _stopping.CancelAsync();

    /// <summary>Runs last (the runtime is the first hosted service): wait for the goroutines, then shut the runtime down.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _shutDown) != 0) return;
        await _stopping.CancelAsync().ConfigureAwait(false); // already, unless the host skipped StoppingAsync

        var waited = Stopwatch.StartNew();
        while (Runtime.NumGoroutine > 0 && waited.Elapsed < _options.ShutdownTimeout && !cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(ShutdownPoll, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break; // the host's own shutdown timeout: stop waiting, shut down now
            }
        }

        int left = Runtime.NumGoroutine;
        if (left > 0) LogAbandoned(left, waited.Elapsed.TotalMilliseconds, Runtime.Dump());
        await ShutdownRuntimeAsync().ConfigureAwait(false);
        LogStopped(Runtime.Options.Name);
    }

    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Shuts the runtime down if the host never stopped it (a container disposed without stopping).</summary>
    public async ValueTask DisposeAsync()
    {
        await ShutdownRuntimeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>Shuts the runtime down (waiting up to 10 s for its threads) if the host never stopped it.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _shutDown, 1) == 0) Runtime.Dispose();
        _stopping.Dispose();
    }

    private Task ShutdownRuntimeAsync() =>
        Interlocked.Exchange(ref _shutDown, 1) == 0 ? Runtime.ShutdownAsync() : Task.CompletedTask;

    /// <summary>A goroutine panicked: log it instead of ending the process, and stop the host if so configured.</summary>
    private void OnPanic(GoroutinePanic panic)
    {
        LogPanic(panic.Exception, panic.GoroutineId);
        StopApplication();
    }

    /// <summary>A goroutine service failed or deadlocked (see <see cref="GoroutineServiceRunner{T}"/>).</summary>
    internal void OnServiceFailed(string service, Exception exception)
    {
        if (exception is DeadlockException deadlock) LogDeadlock(deadlock, service, deadlock.Dump);
        else LogServiceFailed(exception, service);
        StopApplication();
    }

    /// <summary>
    /// Asks the host to stop, off the calling goroutine's thread: stopping runs the host's callbacks synchronously,
    /// which must not happen on a scheduler thread.
    /// </summary>
    private void StopApplication()
    {
        if (!_options.StopHostOnFailure || _services.GetService<IHostApplicationLifetime>() is not { } lifetime) return;
        ThreadPool.UnsafeQueueUserWorkItem(static l => l.StopApplication(), lifetime, preferLocal: false);
    }

    [LoggerMessage(1, LogLevel.Information, "Weft runtime '{Name}' started with {MaxProcs} procs")]
    private partial void LogStarted(string name, int maxProcs);

    [LoggerMessage(2, LogLevel.Information, "Weft runtime '{Name}' stopped")]
    private partial void LogStopped(string name);

    [LoggerMessage(3, LogLevel.Warning, "{Count} goroutines still running {WaitedMs:F0} ms after the stop was requested; abandoning them\n{Dump}")]
    private partial void LogAbandoned(int count, double waitedMs, string dump);

    [LoggerMessage(4, LogLevel.Critical, "panic: goroutine {GoroutineId}")]
    private partial void LogPanic(Exception exception, long goroutineId);

    [LoggerMessage(5, LogLevel.Critical, "Goroutine service {Service}: " + DeadlockException.Headline + "\n{Dump}")]
    private partial void LogDeadlock(Exception exception, string service, string dump);

    [LoggerMessage(6, LogLevel.Error, "Goroutine service {Service} failed")]
    private partial void LogServiceFailed(Exception exception, string service);
}
