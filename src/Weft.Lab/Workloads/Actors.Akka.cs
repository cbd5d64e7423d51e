using Akka.Actor;
using Akka.Configuration;
using Weft.Lab.Measurement;
using AkkaSystem = Akka.Actor.ActorSystem;

namespace Weft.Lab.Workloads;

/// <summary>The <c>akka</c> model of <see cref="ActorsWorkload"/>: Akka.NET 1.5 with its defaults, logging off.</summary>
public sealed partial class ActorsWorkload
{
    private static readonly Config AkkaQuiet = ConfigurationFactory.ParseString(
        "akka { loglevel = OFF, stdout-loglevel = OFF, log-dead-letters = off, log-dead-letters-during-shutdown = off }");

    private static (double, double, long, double) RunAkka(long leaves, int batches, int restarts)
    {
        var system = AkkaSystem.Create("lab", AkkaQuiet);
        try
        {
            var pingPong = Measure.Time(() => AkkaPingPong(system, batches));
            var skynet = Measure.Time(() => AkkaSkynet(system, leaves));
            return (pingPong.Milliseconds, skynet.Milliseconds, skynet.Value, AkkaRestarts(system, restarts));
        }
        finally
        {
            system.Terminate().GetAwaiter().GetResult();
        }
    }

    private static bool AkkaPingPong(AkkaSystem system, int batches)
    {
        var done = new List<Task>();
        for (int p = 0; p < Pairs; p++)
        {
            var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var echo = system.ActorOf(Props.Create<AkkaEcho>());
            system.ActorOf(Props.Create(() => new AkkaClient(echo, batches, finished)));
            done.Add(finished.Task);
        }

        Task.WaitAll(done);
        return true;
    }

    private static long AkkaSkynet(AkkaSystem system, long leaves)
    {
        var result = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        system.ActorOf(Props.Create(() => new AkkaSkynetRoot(leaves, result)));
        return result.Task.GetAwaiter().GetResult();
    }

    private static double AkkaRestarts(AkkaSystem system, int restarts)
    {
        var done = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
        var parent = system.ActorOf(Props.Create(() => new AkkaRestartParent(restarts, done)));
        double ms = done.Task.GetAwaiter().GetResult();
        system.Stop(parent);
        return ms;
    }

    /// <summary>The ping: one shared instance; replies go to the Sender Akka passes with each message.</summary>
    private sealed class AkkaPing
    {
        public static readonly AkkaPing Instance = new();
    }

    private sealed class AkkaEcho : UntypedActor
    {
        protected override void OnReceive(object message) => Sender.Tell(message, Self);
    }

    private sealed class AkkaClient(IActorRef echo, int batches, TaskCompletionSource done) : UntypedActor
    {
        private int _outstanding, _sent;

        protected override void PreStart() => SendBatch();

        protected override void OnReceive(object message)
        {
            if (--_outstanding > 0) return;
            if (_sent == batches)
            {
                Context.Stop(echo);
                done.TrySetResult();
            }
            else
            {
                SendBatch();
            }
        }

        private void SendBatch()
        {
            _sent++;
            _outstanding = Batch;
            for (int i = 0; i < Batch; i++) echo.Tell(AkkaPing.Instance, Self);
        }
    }

    private static readonly Props AkkaNodeProps = Props.Create<AkkaNode>();

    private sealed class AkkaSkynetRoot(long leaves, TaskCompletionSource<long> result) : UntypedActor
    {
        protected override void PreStart() => Context.ActorOf(AkkaNodeProps).Tell(new SkynetStart(0, leaves), Self);

        protected override void OnReceive(object message)
        {
            if (message is not long sum) return;
            result.TrySetResult(sum);
            Context.Stop(Self);
        }
    }

    private sealed class AkkaNode : UntypedActor
    {
        private long _sum;
        private int _pending;

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case SkynetStart { Size: 1 } leaf:
                    Context.Parent.Tell(leaf.Num, Self);
                    Context.Stop(Self);
                    break;
                case SkynetStart start:
                    long sub = start.Size / SkynetWorkload.Div;
                    _pending = SkynetWorkload.Div;
                    for (int i = 0; i < SkynetWorkload.Div; i++) Context.ActorOf(AkkaNodeProps).Tell(new SkynetStart(start.Num + i * sub, sub), Self);
                    break;
                case long value:
                    _sum += value;
                    if (--_pending == 0)
                    {
                        Context.Parent.Tell(_sum, Self);
                        Context.Stop(Self);
                    }

                    break;
            }
        }
    }

    private sealed class AkkaRestartParent(int restarts, TaskCompletionSource<double> done) : UntypedActor
    {
        private IActorRef? _child;
        private int _ups;
        private long _t0;

        protected override SupervisorStrategy SupervisorStrategy() =>
            new OneForOneStrategy(-1, -1, _ => Directive.Restart, loggingEnabled: false);

        protected override void PreStart() => _child = Context.ActorOf(Props.Create<AkkaCrasher>());

        protected override void OnReceive(object message)
        {
            if (message is not "up") return;
            if (_ups++ == 0) _t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            if (_ups > restarts) done.TrySetResult(System.Diagnostics.Stopwatch.GetElapsedTime(_t0).TotalMilliseconds);
            else _child!.Tell("crash", Self);
        }
    }

    private sealed class AkkaCrasher : UntypedActor
    {
        protected override void PreStart() => Context.Parent.Tell("up", Self);

        protected override void OnReceive(object message)
        {
            if (message is "crash") throw new InvalidOperationException("crash");
        }
    }
}
