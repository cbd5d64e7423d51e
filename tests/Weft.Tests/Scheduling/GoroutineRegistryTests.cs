namespace Weft.Tests.Scheduling;

/// <summary>
/// The registry of live goroutines (Go's allgs) under churn: goroutines start on one P and exit on another (stolen,
/// readied elsewhere), removal takes no lock, and freed slots are reused. At every quiescent point the registry must
/// list exactly the goroutines that are alive — none lost, none twice, no dead one kept.
/// </summary>
public class GoroutineRegistryTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void WavesOfGoroutines_StartedEverywhere_ExitingElsewhere_AreListedExactly(int maxProcs)
    {
        using var rt = new TestRuntime(maxProcs);
        var random = new Random(maxProcs);
        for (int wave = 0; wave < 8; wave++)
        {
            int spawners = random.Next(1, 9);
            int perSpawner = random.Next(100, 3_000);
            var (listed, live, expected) = rt.Run(async () =>
            {
                var gate = new Chan<bool>();
                var started = new Chan<long>(spawners * perSpawner);
                var spawnersDone = new Chan<bool>(spawners);
                for (int s = 0; s < spawners; s++)
                {
                    Go.Start(async () =>
                    {
                        for (int i = 0; i < perSpawner; i++)
                        {
                            Go.Start(async () =>
                            {
                                await started.SendAsync(Go.CurrentId);
                                await gate.ReceiveWithOkAsync(); // parked until the gate closes
                            });
                            if (i % 64 == 0) await Go.Yield(); // let other Ps steal some of them
                        }

                        await spawnersDone.SendAsync(true);
                    });
                }

                var ids = new HashSet<long>();
                for (int i = 0; i < spawners * perSpawner; i++) Assert.True(ids.Add(await started.ReceiveAsync()));
                for (int s = 0; s < spawners; s++) await spawnersDone.ReceiveAsync();
                await WaitUntil(() => Go.NumGoroutine == ids.Count + 1); // spawners exiting after their last send
                var listed = rt.Runtime.Scheduler.Registry.Snapshot().Select(g => g.Id).ToList();
                int live = Go.NumGoroutine;
                gate.Close(); // every parked goroutine wakes and exits, wherever it runs
                ids.Add(Go.CurrentId);
                return (listed, live, ids);
            });

            Assert.Equal(expected.Count, live);
            Assert.Equal(listed.Count, listed.Distinct().Count());
            Assert.True(expected.SetEquals(listed), $"wave {wave}: the registry listed {listed.Count} goroutines, {expected.Count} were alive");
            SpinWait.SpinUntil(() => rt.Runtime.NumGoroutine == 0, TestRuntime.HangGuard);
            Assert.Equal(0, rt.Runtime.NumGoroutine);
            Assert.Empty(rt.Runtime.Scheduler.Registry.Snapshot());
        }
    }

    private static async GoTask WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TestRuntime.HangGuard;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not reached within the hang guard");
            await Go.Yield();
        }
    }
}
