using Weft.Actors;
using Weft.Lab.Measurement;
using AkkaSystem = Akka.Actor.ActorSystem;
using IActorRef = Akka.Actor.IActorRef;
using ProtoSystem = Proto.ActorSystem;

namespace Weft.Lab.Workloads;

/// <summary>
/// <c>actors</c> (issue 12): the actor model's three costs, with the same protocol in every model.
/// <list type="bullet">
/// <item><c>msgs_per_s</c>: 2 ping-pong pairs per P (per core for the peers). Each client sends a batch of
/// <see cref="Batch"/> messages to its echo actor, which answers each one; when the whole batch is back the client
/// sends the next (Proto.Actor's in-process benchmark protocol). 2 × size messages in all, both directions counted.</item>
/// <item><c>ms</c>: skynet with actors: size leaves (a power of 10) in a tree of 10; each node is an actor that spawns
/// its 10 children, sums the 10 numbers they send it, sends the sum to its parent and stops.</item>
/// <item><c>us_per_restart</c>: a one-for-one supervisor restarts a worker that crashes on every message, size / 100
/// times: the driver sends "crash", waits for the new worker's "up", sends the next "crash"; timed from the first
/// worker's "up" to the last one's (starting and stopping the supervisor are not counted).</item>
/// </list>
/// Models: <c>weft</c> (Weft.Actors), <c>protoactor</c> (Proto.Actor 1.8.0), <c>akka</c> (Akka.NET 1.5), and the
/// <c>erlang</c> peer (Peers/erlang/weftpeer.erl, OTP's supervisor). Each with its defaults (dispatchers, mailboxes).
/// </summary>
public sealed partial class ActorsWorkload : Workload
{
    /// <summary>Messages per batch of a ping-pong client.</summary>
    public const int Batch = 100;

    /// <inheritdoc />
    public override string Name => "actors";

    /// <inheritdoc />
    public override string Description => "actor ping-pong pairs, a 1M-actor skynet, supervisor restarts";

    /// <inheritdoc />
    public override IReadOnlyList<FigureSpec> Figures { get; } =
    [
        new("msgs_per_s", "1/s", false, "ping-pong messages per second"),
        new("ms", "ms", true, "ms for the actor skynet"),
        new("us_per_restart", "µs", true, "µs per supervisor restart"),
    ];

    /// <inheritdoc />
    public override IReadOnlyList<string> Models { get; } = [Lab.Workloads.Models.Weft, Lab.Workloads.Models.ProtoActor, Lab.Workloads.Models.Akka];

    /// <inheritdoc />
    public override IReadOnlyList<string> ExtraDefaultModels => [Lab.Workloads.Models.ProtoActor, Lab.Workloads.Models.Akka, "erlang"];

    /// <inheritdoc />
    public override long DefaultSize => 1_000_000;

    /// <inheritdoc />
    public override long QuickSize => 100_000;

    /// <inheritdoc />
    public override string SizeUnit => "skynet leaves (a power of 10); 2× that in messages, 1/100 in restarts";

    /// <inheritdoc />
    public override int Repeats => 3;

    /// <inheritdoc />
    public override long NormalizeSize(long size) => Skynet.PowerOfTen(size);

    /// <inheritdoc />
    public override string? Caveat(string model) => model switch
    {
        Lab.Workloads.Models.ProtoActor or Lab.Workloads.Models.Akka =>
            "in-process peer on its default dispatcher (the .NET ThreadPool), logging off",
        _ => null,
    };

    /// <summary>The ping-pong pairs of a run: 2 per P, as in the issue.</summary>
    public static int Pairs => 2 * Environment.ProcessorCount;

    /// <summary>The batches each client sends so that all pairs together send <paramref name="size"/> pings (at least one).</summary>
    public static int BatchesPerClient(long size) => (int)Math.Max(1, size / Pairs / Batch);

    /// <summary>The restarts of a run.</summary>
    public static int Restarts(long size) => (int)Math.Max(10, size / 100);

    /// <inheritdoc />
    protected override Outcome RunModel(string model, long size)
    {
        int batches = BatchesPerClient(size), restarts = Restarts(size);
        long messages = 2L * Pairs * batches * Batch;
        long expected = Skynet.ExpectedSum(size);
        (double PingPongMs, double SkynetMs, long Sum, double RestartMs) r = model switch
        {
            Lab.Workloads.Models.Weft => RunWeft(size, batches, restarts),
            Lab.Workloads.Models.ProtoActor => RunProto(size, batches, restarts),
            Lab.Workloads.Models.Akka => RunAkka(size, batches, restarts),
            _ => throw new ArgumentOutOfRangeException(nameof(model)),
        };
        if (r.Sum != expected) throw new InvalidOperationException($"actors skynet sum {r.Sum}, expected {expected}");
        return Outcome.Of(
            ("msgs_per_s", messages / (r.PingPongMs / 1000)),
            ("ms", r.SkynetMs),
            ("us_per_restart", r.RestartMs * 1000 / restarts));
    }

    // ---------------------------------------------------------------- weft (Weft.Actors)

    private static (double, double, long, double) RunWeft(long leaves, int batches, int restarts)
    {
        using var lab = new LabRuntime();
        return lab.Run(async () =>
        {
            double pingPong = await Elapsed(() => WeftPingPong(batches));
            long sum = 0;
            double skynet = await Elapsed(async () => sum = await WeftSkynet(leaves));
            double restart = await WeftRestarts(restarts);
            return (pingPong, skynet, sum, restart);
        });
    }

    private static async GoTask<double> Elapsed(Func<GoTask> body)
    {
        long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        await body();
        return System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
    }

    /// <summary>The one message type of the ping-pong: allocated once per pair, bounced back and forth.</summary>
    private sealed record Ping(Pid From);

    private static async GoTask WeftPingPong(int batches)
    {
        var done = new Chan<bool>(Pairs);
        for (int p = 0; p < Pairs; p++)
        {
            var echo = Process.Spawn(async self =>
            {
                while (true)
                {
                    var ping = (Ping)await self.ReceiveAsync();
                    Process.Send(ping.From, ping);
                }
            });
            Process.Spawn(async self =>
            {
                var ping = new Ping(self.Pid);
                for (int b = 0; b < batches; b++)
                {
                    for (int i = 0; i < Batch; i++) Process.Send(echo, ping);
                    for (int i = 0; i < Batch; i++) await self.ReceiveAsync();
                }

                Process.Exit(echo, ExitReason.Kill);
                done.TrySend(true);
            });
        }

        for (int p = 0; p < Pairs; p++) await done.ReceiveAsync();
    }

    private static async GoTask<long> WeftSkynet(long leaves)
    {
        var result = new Chan<long>(1);
        Process.Spawn(async self =>
        {
            var root = self.Pid;
            Process.Spawn(node => WeftNode(node, root, 0, leaves));
            result.TrySend((long)await self.ReceiveAsync());
        });
        return await result.ReceiveAsync();
    }

    private static async GoTask WeftNode(ProcessContext self, Pid parent, long num, long size)
    {
        if (size == 1)
        {
            Process.Send(parent, num);
            return;
        }

        var me = self.Pid;
        long sub = size / SkynetWorkload.Div;
        for (int i = 0; i < SkynetWorkload.Div; i++)
        {
            long childNum = num + i * sub;
            Process.Spawn(child => WeftNode(child, me, childNum, sub));
        }

        long sum = 0;
        for (int i = 0; i < SkynetWorkload.Div; i++) sum += (long)await self.ReceiveAsync();
        Process.Send(parent, sum);
    }

    /// <summary>Milliseconds from the first worker's "up" to the last restarted one's (start and stop not counted).</summary>
    private static async GoTask<double> WeftRestarts(int restarts)
    {
        var finished = new Chan<double>(1);
        Process.Spawn(async self =>
        {
            var driver = self.Pid;
            var worker = ChildSpec.Worker("worker", async w =>
            {
                Process.Send(driver, w.Pid); // "up"
                await w.ReceiveAsync();
                throw new InvalidOperationException("crash");
            });
            var sup = await Supervisor.StartAsync(new SupervisorOptions { Intensity = int.MaxValue, Period = TimeSpan.FromSeconds(1) }, worker);
            long t0 = 0;
            for (int i = 0; i <= restarts; i++)
            {
                var up = await self.ReceiveAsync<Pid>();
                if (i == 0) t0 = System.Diagnostics.Stopwatch.GetTimestamp();
                if (i < restarts) Process.Send(up, "crash");
            }

            double ms = System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            await GenServer.StopAsync(sup, ExitReason.Shutdown);
            finished.TrySend(ms);
        });
        return await finished.ReceiveAsync();
}
}
