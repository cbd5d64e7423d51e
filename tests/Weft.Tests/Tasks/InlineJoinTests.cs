namespace Weft.Tests.Tasks;

/// <summary>
/// Joins: awaiting a Spawn handle whose goroutine has not run yet runs it inline (nested on the M, up to a depth) or
/// hands the M over to it. Results must be right for deep and wide trees, with leaves that complete synchronously
/// and leaves that park.
/// </summary>
[Collection(StressCollection.Name)]
public sealed class InlineJoinTests
{
    public static TheoryData<int> Procs => new() { 1, 2, 4 };

    private static async GoTask<long> FibAsync(int n)
    {
        if (n < 2)
        {
            if (n == 1 && Go.CurrentId % 7 == 0) await Go.Yield(); // some leaves park
            return n;
        }

        var a = Go.Spawn(() => FibAsync(n - 1));
        var b = Go.Spawn(() => FibAsync(n - 2));
        return await a + await b;
    }

    private static async GoTask<long> ChainAsync(int depth, bool park)
    {
        if (depth == 0)
        {
            if (park) await Go.Sleep(0.1);
            return 0;
        }

        return 1 + await Go.Spawn(() => ChainAsync(depth - 1, park));
    }

    /// <summary>skynet-await: each node spawns <paramref name="div"/> children and sums their results.</summary>
    private static async GoTask<long> SkynetAsync(long num, long size, int div)
    {
        if (size == 1) return num;
        var children = new GoTask<long>[div];
        long childSize = size / div;
        for (int i = 0; i < div; i++)
        {
            long childNum = num + i * childSize;
            children[i] = Go.Spawn(() => SkynetAsync(childNum, childSize, div));
        }

        long sum = 0;
        foreach (var c in children) sum += await c;
        return sum;
    }

    [Theory]
    [MemberData(nameof(Procs))]
    public void Join_BinaryTreeOfGoroutines_FibonacciIsRight(int procs)
    {
        using var rt = new TestRuntime(procs);
        Assert.Equal(6765, rt.Run(() => FibAsync(20))); // ~22,000 goroutines
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(4, true)]
    [InlineData(1, true)]
    public void Join_ChainDeeperThanTheInlineLimit_CountsEveryLevel(int procs, bool parkAtTheBottom)
    {
        using var rt = new TestRuntime(procs);
        Assert.Equal(2000, rt.Run(() => ChainAsync(2000, parkAtTheBottom)));
    }

    [Theory]
    [MemberData(nameof(Procs))]
    public void Join_WideFanOut_EveryChildsResultArrives(int procs)
    {
        const int n = 20_000;
        using var rt = new TestRuntime(procs);
        long sum = rt.Run(async () =>
        {
            var handles = new GoTask<long>[n];
            for (int i = 0; i < n; i++)
            {
                long k = i;
                handles[i] = (k % 3) switch
                {
                    0 => Go.Spawn(() => new GoTask<long>(k)), // completes synchronously
                    1 => Go.Spawn(async () => { await Go.Yield(); return k; }),
                    _ => Go.Spawn(async () => { await Go.Sleep(0.05); return k; }),
                };
            }

            long total = 0;
            foreach (var h in handles) total += await h;
            return total;
        });
        Assert.Equal((long)n * (n - 1) / 2, sum);
    }

    [Theory]
    [MemberData(nameof(Procs))]
    public void Join_AwaitInReverseOrder_EveryChildsResultArrives(int procs)
    {
        const int n = 5_000;
        using var rt = new TestRuntime(procs);
        long sum = rt.Run(async () =>
        {
            var handles = new GoTask<long>[n];
            for (int i = 0; i < n; i++)
            {
                long k = i;
                handles[i] = Go.Spawn(async () => { if (k % 2 == 0) await Go.Yield(); return k; });
            }

            long total = 0;
            for (int i = n - 1; i >= 0; i--) total += await handles[i];
            return total;
        });
        Assert.Equal((long)n * (n - 1) / 2, sum);
    }

    [Theory]
    [MemberData(nameof(Procs))]
    public void SkynetAwait_SmallTree_SumIsRight(int procs)
    {
        using var rt = new TestRuntime(procs);
        const long size = 100_000;
        Assert.Equal(size * (size - 1) / 2, rt.Run(() => SkynetAsync(0, size, 10)));
    }

    [Fact]
    public void Join_HandleAwaitedFromOutside_ResultArrivesThroughAsTask()
    {
        using var rt = new TestRuntime(2);
        var handle = rt.Runtime.Spawn(() => FibAsync(15));
        var t = handle.AsTask();
        Assert.True(t.Wait(TestRuntime.HangGuard));
        Assert.Equal(610, t.Result);
    }
}
