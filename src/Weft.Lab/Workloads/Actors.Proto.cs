using Proto;
using Weft.Lab.Measurement;
using ProtoSystem = Proto.ActorSystem;

namespace Weft.Lab.Workloads;

/// <summary>The <c>protoactor</c> model of <see cref="ActorsWorkload"/>: Proto.Actor 1.8.0 with its defaults.</summary>
public sealed partial class ActorsWorkload
{
    private static (double, double, long, double) RunProto(long leaves, int batches, int restarts)
    {
        var system = new ProtoSystem();
        try
        {
            var pingPong = Measure.Time(() => ProtoPingPong(system, batches));
            var skynet = Measure.Time(() => ProtoSkynet(system, leaves));
            return (pingPong.Milliseconds, skynet.Milliseconds, skynet.Value, ProtoRestarts(system, restarts));
        }
        finally
        {
            system.ShutdownAsync().GetAwaiter().GetResult();
        }
    }

    private static bool ProtoPingPong(ProtoSystem system, int batches)
    {
        var done = new List<Task>();
        var echoProps = Props.FromProducer(() => new ProtoEcho());
        for (int p = 0; p < Pairs; p++)
        {
            var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var echo = system.Root.Spawn(echoProps);
            system.Root.Spawn(Props.FromProducer(() => new ProtoClient(echo, batches, finished)));
            done.Add(finished.Task);
        }

        Task.WaitAll(done);
        return true;
    }

    private static long ProtoSkynet(ProtoSystem system, long leaves)
    {
        var result = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        system.Root.Spawn(Props.FromProducer(() => new ProtoSkynetRoot(leaves, result)));
        return result.Task.GetAwaiter().GetResult();
    }

    private static double ProtoRestarts(ProtoSystem system, int restarts)
    {
        var done = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
        var strategy = new OneForOneStrategy((_, _) => SupervisorDirective.Restart, int.MaxValue, null);
        var parent = system.Root.Spawn(Props.FromProducer(() => new ProtoRestartParent(restarts, done)).WithChildSupervisorStrategy(strategy));
        double ms = done.Task.GetAwaiter().GetResult();
        system.Root.Stop(parent);
        return ms;
    }

    /// <summary>A ping carrying its client, so the echo can answer without a sender header.</summary>
    private sealed record ProtoPing(PID From);

    private sealed class ProtoEcho : IActor
    {
        public Task ReceiveAsync(IContext context)
        {
            if (context.Message is ProtoPing ping) context.Send(ping.From, ping);
            return Task.CompletedTask;
        }
    }

    private sealed class ProtoClient(PID echo, int batches, TaskCompletionSource done) : IActor
    {
        private ProtoPing? _ping;
        private int _outstanding, _sent;

        public Task ReceiveAsync(IContext context)
        {
            switch (context.Message)
            {
                case Started:
                    _ping = new ProtoPing(context.Self);
                    SendBatch(context);
                    break;
                case ProtoPing:
                    if (--_outstanding > 0) break;
                    if (_sent == batches)
                    {
                        context.Stop(echo);
                        done.TrySetResult();
                    }
                    else
                    {
                        SendBatch(context);
                    }

                    break;
            }

            return Task.CompletedTask;
        }

        private void SendBatch(IContext context)
        {
            _sent++;
            _outstanding = Batch;
            for (int i = 0; i < Batch; i++) context.Send(echo, _ping!);
        }
    }

    /// <summary>What a skynet node is told to do once spawned (one Props for every node).</summary>
    private sealed record SkynetStart(long Num, long Size);

    private static readonly Props ProtoNodeProps = Props.FromProducer(() => new ProtoNode());

    private sealed class ProtoSkynetRoot(long leaves, TaskCompletionSource<long> result) : IActor
    {
        public Task ReceiveAsync(IContext context)
        {
            switch (context.Message)
            {
                case Started:
                    context.Send(context.Spawn(ProtoNodeProps), new SkynetStart(0, leaves));
                    break;
                case long sum:
                    result.TrySetResult(sum);
                    context.Stop(context.Self);
                    break;
            }

            return Task.CompletedTask;
        }
    }

    private sealed class ProtoNode : IActor
    {
        private long _sum;
        private int _pending;

        public Task ReceiveAsync(IContext context)
        {
            switch (context.Message)
            {
                case SkynetStart { Size: 1 } leaf:
                    context.Send(context.Parent!, leaf.Num);
                    context.Stop(context.Self);
                    break;
                case SkynetStart start:
                    long sub = start.Size / SkynetWorkload.Div;
                    _pending = SkynetWorkload.Div;
                    for (int i = 0; i < SkynetWorkload.Div; i++) context.Send(context.Spawn(ProtoNodeProps), new SkynetStart(start.Num + i * sub, sub));
                    break;
                case long value:
                    _sum += value;
                    if (--_pending == 0)
                    {
                        context.Send(context.Parent!, _sum);
                        context.Stop(context.Self);
                    }

                    break;
            }

            return Task.CompletedTask;
        }
    }

    private sealed class ProtoRestartParent(int restarts, TaskCompletionSource<double> done) : IActor
    {
        private PID? _child;
        private int _ups;
        private long _t0;

        public Task ReceiveAsync(IContext context)
        {
            switch (context.Message)
            {
                case Started:
                    _child = context.Spawn(Props.FromProducer(() => new ProtoCrasher()));
                    break;
                case "up":
                    if (_ups++ == 0) _t0 = System.Diagnostics.Stopwatch.GetTimestamp();
                    if (_ups > restarts) done.TrySetResult(System.Diagnostics.Stopwatch.GetElapsedTime(_t0).TotalMilliseconds);
                    else context.Send(_child!, "crash");
                    break;
            }

            return Task.CompletedTask;
        }
    }

    private sealed class ProtoCrasher : IActor
    {
        public Task ReceiveAsync(IContext context) => context.Message switch
        {
            Started => Up(context),
            "crash" => throw new InvalidOperationException("crash"),
            _ => Task.CompletedTask,
        };

        private static Task Up(IContext context)
        {
            context.Send(context.Parent!, "up");
            return Task.CompletedTask;
        }
    }
}
