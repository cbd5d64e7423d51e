namespace Weft.Tests.Scheduling;

public class SmokeTests
{
    [Fact]
    public void Run_ReturnsResultOfMain()
    {
        using var rt = new TestRuntime();
        int result = rt.Run(async () =>
        {
            await Go.Yield();
            return 42;
        });
        Assert.Equal(42, result);
    }

    [Fact]
    public void Sleep_Resumes()
    {
        using var rt = new TestRuntime();
        rt.Run(async () =>
        {
            for (int i = 0; i < 10; i++) await Go.Sleep(TimeSpan.FromMilliseconds(1));
        });
    }

    [Fact]
    public void Spawn_ManyChildren_AllComplete()
    {
        using var rt = new TestRuntime();
        long sum = rt.Run(async () =>
        {
            var tasks = new GoTask<long>[1000];
            for (int i = 0; i < tasks.Length; i++)
            {
                long n = i;
                tasks[i] = Go.Spawn(async () =>
                {
                    await Go.Yield();
                    return n;
                });
            }

            long total = 0;
            foreach (var t in tasks) total += await t;
            return total;
        });
        Assert.Equal(999L * 1000 / 2, sum);
    }
}
