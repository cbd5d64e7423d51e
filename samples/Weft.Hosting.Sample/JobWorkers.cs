using Weft;
using Weft.Hosting;

namespace Weft.Hosting.Sample;

/// <summary>
/// Four worker goroutines range over the job queue until the source closes it; the service waits for them and logs
/// what each did. The workers need no token of their own: closing the queue is how they learn to stop.
/// </summary>
public sealed class JobWorkers(Jobs jobs, ILogger<JobWorkers> logger) : IGoroutineService
{
    private const int Workers = 4;

    /// <inheritdoc />
    public async GoTask ExecuteAsync(CancellationToken stoppingToken)
    {
        var done = new GoTask<int>[Workers];
        for (int w = 0; w < Workers; w++)
        {
            int worker = w;
            done[w] = Go.Spawn(async () =>
            {
                int handled = 0;
                await foreach (int job in jobs.Queue)
                {
                    await Go.Sleep(20); // stands for real work: a call, a query
                    handled++;
                    if (job % 20 == 0) logger.LogInformation("Worker {Worker} on goroutine {Id} finished job {Job}", worker, Go.CurrentId, job);
                }

                return handled;
            });
        }

        int total = 0;
        foreach (var worker in done) total += await worker;
        logger.LogInformation("Workers stopped after {Total} jobs", total);
    }
}
