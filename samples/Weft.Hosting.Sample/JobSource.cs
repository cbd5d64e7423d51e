using Weft;
using Weft.Hosting;

namespace Weft.Hosting.Sample;

/// <summary>Puts a job on the queue every 50 ms until the host stops, then closes the queue.</summary>
public sealed class JobSource(Jobs jobs, ILogger<JobSource> logger) : IGoroutineService
{
    /// <inheritdoc />
    public async GoTask ExecuteAsync(CancellationToken stoppingToken)
    {
        int next = 0;
        try
        {
            using var ticks = new TickerScope(TimeSpan.FromMilliseconds(50));
            while (true)
            {
                await ticks.Ticker.C.ReceiveAsync(stoppingToken);
                await jobs.Queue.SendAsync(next++, stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            logger.LogInformation("Job source stopping after {Count} jobs", next);
        }
        finally
        {
            jobs.Queue.Close(); // the workers drain what is left and return
        }
    }

    /// <summary>Stops the ticker when the source ends.</summary>
    private sealed class TickerScope(TimeSpan period) : IDisposable
    {
        public Time.Ticker Ticker { get; } = Time.NewTicker(period);

        public void Dispose() => Ticker.Stop();
    }
}
