using Microsoft.Extensions.Hosting;

namespace Weft.Hosting;

/// <summary>
/// The hosted service behind <c>AddGoroutine&lt;T&gt;()</c>: starts <typeparamref name="T"/>'s body as a goroutine on
/// the host's runtime, cancels it when the host stops and waits for it (bounded by the host's shutdown timeout).
/// </summary>
internal sealed class GoroutineServiceRunner<T>(T service, WeftHost host) : IHostedService, IDisposable
    where T : class, IGoroutineService
{
    private CancellationTokenSource? _stopping;
    private Task? _running;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _stopping = CancellationTokenSource.CreateLinkedTokenSource(host.Stopping);
        var token = _stopping.Token;
        // RunAsync rather than Spawn: a deadlock fails this task when WeftHostingOptions.DetectDeadlocks is on.
        _running = host.Runtime.RunAsync(() => service.ExecuteAsync(token));
        _running.ContinueWith(static (t, s) =>
            {
                var (runner, stopping) = ((GoroutineServiceRunner<T>, CancellationToken))s!;
                var error = t.Exception!.GetBaseException();
                if (error is OperationCanceledException && stopping.IsCancellationRequested) return; // stopped as asked
                runner.OnFailed(error);
            }, (this, token), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return Task.CompletedTask;
    }

    private void OnFailed(Exception error) => host.OnServiceFailed(typeof(T).Name, error);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_running is null) return;
        await _stopping!.CancelAsync().ConfigureAwait(false);
        // Wait for the body to return (its failure is reported by the continuation above), or for the host to give up.
        await _running.WaitAsync(cancellationToken).ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
    }

    public void Dispose() => _stopping?.Dispose();
}
