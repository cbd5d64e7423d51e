namespace Weft.Tests;

/// <summary>
/// The README's example, verbatim but for the runtime it runs on (a private one instead of <c>Go.Run</c>'s default
/// runtime) and the printing: the first code a newcomer copies must work as described. Keep the two in step.
/// </summary>
public class ReadmeExampleTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Pipeline_SumsTheSquaresOfOneToAHundred(int maxProcs)
    {
        using var rt = new TestRuntime(maxProcs);
        long total = rt.Run(async () =>
        {
            var jobs = new Chan<int>(16);      // buffered
            var results = new Chan<int>();     // unbuffered: a rendezvous

            Go.Start(async () =>
            {
                for (int i = 1; i <= 100; i++) await jobs.SendAsync(i);
                jobs.Close();
            });

            var workers = new GoTask[3];
            for (int w = 0; w < workers.Length; w++)
                workers[w] = Go.Spawn(async () =>
                {
                    await foreach (int n in jobs) await results.SendAsync(n * n);   // until jobs is closed and drained
                });

            Go.Start(async () =>
            {
                foreach (var worker in workers) await worker;
                results.Close();
            });

            long sum = 0;
            var timeout = Time.After(TimeSpan.FromSeconds(5));
            while (true)
            {
                var r = await Select.Of(Select.Receive(results), Select.Receive(timeout));
                if (r.Index == 1) throw new TimeoutException("no result for 5 s");
                if (!r.Ok) break;              // results closed: every worker is done
                sum += r.Value<int>();
            }
            return sum;
        });
        Assert.Equal(338_350, total); // 1² + 2² + … + 100²
        Assert.Empty(rt.Panics);
    }
}
