using System.Threading.Channels;
using Weft.Lab.Measurement;

namespace Weft.Lab.Workloads;

/// <summary>
/// <c>pingpong</c>: two units bounce a value over two unbuffered channels N times (1M): one sends i on <c>ping</c> and
/// waits for i+1 on <c>pong</c>, the other answers. Figure: <c>ns_per_roundtrip</c>. Rendezvous channels
/// everywhere: Weft's <c>Chan&lt;int&gt;()</c>, <c>Channel.CreateBounded&lt;int&gt;(0)</c> for tasks, a slot handed
/// over with two <see cref="SemaphoreSlim"/>s for threads.
/// </summary>
public sealed class PingPongWorkload : Workload
{
    /// <inheritdoc />
    public override string Name => "pingpong";

    /// <inheritdoc />
    public override string Description => "two units bounce a value over two unbuffered channels, 1M times";

    /// <inheritdoc />
    public override IReadOnlyList<FigureSpec> Figures { get; } = [new("ns_per_roundtrip", "ns", true, "ns per round trip")];

    /// <inheritdoc />
    public override IReadOnlyList<string> Models { get; } = [Lab.Workloads.Models.Weft, Lab.Workloads.Models.Tasks, Lab.Workloads.Models.Threads];

    /// <inheritdoc />
    public override long DefaultSize => 1_000_000;

    /// <inheritdoc />
    public override long QuickSize => 100_000;

    /// <inheritdoc />
    public override string SizeUnit => "round trips";

    /// <inheritdoc />
    protected override Outcome RunModel(string model, long size)
    {
        int n = (int)size;
        var timed = model switch
        {
            Lab.Workloads.Models.Weft => LabRuntime.Time(lab => Weft(lab, n)),
            Lab.Workloads.Models.Tasks => Measure.Time(() => Tasks(n)),
            Lab.Workloads.Models.Threads => Measure.Time(() => Threads(n)),
            _ => throw new ArgumentOutOfRangeException(nameof(model)),
        };
        double ns = timed.Nanoseconds;
        long check = timed.Value;
        if (check != ExpectedCheck(n)) throw new InvalidOperationException($"pingpong check {check}, expected {ExpectedCheck(n)}");
        return Outcome.Of("ns_per_roundtrip", ns / n);
    }

    /// <summary>The sum of the answers (i+1 for i in 0..n−1) every model returns.</summary>
    public static long ExpectedCheck(long n) => n * (n + 1) / 2;

    /// <summary>Two goroutines and two unbuffered <c>Chan&lt;int&gt;</c>s; returns the sum of the answers (the <c>weft</c> model, on <paramref name="lab"/>).</summary>
    public static long Weft(LabRuntime lab, int n)
    {
        return lab.Run(async () =>
        {
            var ping = new Chan<int>();
            var pong = new Chan<int>();
            Go.Start(async () =>
            {
                for (int i = 0; i < n; i++) await pong.SendAsync(await ping.ReceiveAsync() + 1);
            });
            long sum = 0;
            for (int i = 0; i < n; i++)
            {
                await ping.SendAsync(i);
                sum += await pong.ReceiveAsync();
            }

            return sum;
        });
    }

    /// <summary>Two tasks and two rendezvous channels (<c>Channel.CreateBounded&lt;int&gt;(0)</c>); returns the sum of the answers.</summary>
    public static long Tasks(int n) => Task.Run(async () =>
    {
        var ping = Channel.CreateBounded<int>(new BoundedChannelOptions(0) { SingleReader = true, SingleWriter = true });
        var pong = Channel.CreateBounded<int>(new BoundedChannelOptions(0) { SingleReader = true, SingleWriter = true });
        var echo = Task.Run(async () =>
        {
            for (int i = 0; i < n; i++) await pong.Writer.WriteAsync(await ping.Reader.ReadAsync() + 1);
        });
        long sum = 0;
        for (int i = 0; i < n; i++)
        {
            await ping.Writer.WriteAsync(i);
            sum += await pong.Reader.ReadAsync();
        }

        await echo;
        return sum;
    }).GetAwaiter().GetResult();

    /// <summary>Two threads handing a slot over with two <see cref="SemaphoreSlim"/>s; returns the sum of the answers.</summary>
    public static long Threads(int n)
    {
        using var toEcho = new SemaphoreSlim(0);
        using var toMain = new SemaphoreSlim(0);
        int slot = 0;
        var echo = new Thread(() =>
        {
            for (int i = 0; i < n; i++)
            {
                toEcho.Wait();
                slot++;
                toMain.Release();
            }
        }) { IsBackground = true };
        long sum = 0;
        var main = new Thread(() =>
        {
            for (int i = 0; i < n; i++)
            {
                slot = i;
                toEcho.Release();
                toMain.Wait();
                sum += slot;
            }
        }) { IsBackground = true };
        echo.Start();
        main.Start();
        main.Join();
        echo.Join();
        return sum;
    }
}
