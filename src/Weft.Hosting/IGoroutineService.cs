namespace Weft.Hosting;

/// <summary>
/// A long-running service whose body is a goroutine: <see cref="Microsoft.Extensions.Hosting.BackgroundService"/>'s
/// shape on Weft's scheduler. Register it with <c>services.AddGoroutine&lt;T&gt;()</c>; it is resolved from the
/// container (constructor injection works as usual), started as a goroutine when the host starts, and its token is
/// cancelled when the host stops.
/// </summary>
public interface IGoroutineService
{
    /// <summary>
    /// The goroutine's body. Return when <paramref name="stoppingToken"/> is cancelled; an exception escaping it is
    /// logged and, by default, stops the host (<see cref="WeftHostingOptions.StopHostOnFailure"/>).
    /// </summary>
    /// <param name="stoppingToken">Cancelled when the host stops.</param>
    GoTask ExecuteAsync(CancellationToken stoppingToken);
}
