namespace Weft.Actors.Tests;

public sealed class GenServerTests
{
    /// <summary>A counter: calls "get", "inc", "self-call", "never" (no reply), "crash"; casts add an int; other ints are infos.</summary>
    private sealed class Counter(Chan<string>? log = null, bool failInit = false) : GenServer<int>
    {
        protected override GoTask<int> InitAsync()
        {
            if (failInit) throw new InvalidOperationException("no config");
            log?.TrySend("init");
            return new GoTask<int>(0);
        }

        protected override async GoTask<(object? Reply, int State)> HandleCallAsync(object request, ReplyTo from, int state)
        {
            switch (request)
            {
                case "get": return (state, state);
                case "inc": return (state + 1, state + 1);
                case "never": return (NoReply, state);
                case "crash": throw new InvalidOperationException("asked to crash");
                case "self-call":
                    try
                    {
                        await GenServer.CallAsync(Self.Pid, "get");
                        return ("no error", state);
                    }
                    catch (InvalidOperationException e)
                    {
                        return (e.Message, state);
                    }

                default: throw new ArgumentException($"unknown {request}");
            }
        }

        protected override GoTask<int> HandleCastAsync(object message, int state) => new(state + (int)message);

        protected override GoTask<int> HandleInfoAsync(object message, int state) => new(message is int n ? state + 100 * n : state);

        protected override GoTask TerminateAsync(ExitReason reason, int state)
        {
            log?.TrySend($"terminate {reason} {state}");
            return GoTask.CompletedTask;
        }
    }

    [Fact]
    public void CallCastInfo_KeepState_AndStopRunsTerminate()
    {
        ActorTest.Run(async self =>
        {
            var log = new Chan<string>(4);
            var server = await GenServer.StartAsync(new Counter(log));
            Assert.Equal("init", await log.ReceiveAsync());
            Assert.Equal(1, await GenServer.CallAsync<int>(server, "inc"));
            GenServer.Cast(server, 10);
            Process.Send(server, 2); // info
            Assert.Equal(211, await GenServer.CallAsync<int>(server, "get"));
            Assert.Contains("gen_server", Actors.Dump());
            await GenServer.StopAsync(server);
            Assert.Equal("terminate normal 211", await log.ReceiveAsync());
            Assert.False(Process.IsAlive(server));
        });
    }

    [Fact]
    public void InitFailure_FailsTheStart()
    {
        ActorTest.Run(async self =>
        {
            var e = await Assert.ThrowsAsync<InvalidOperationException>(async () => await GenServer.StartAsync(new Counter(failInit: true)));
            Assert.Equal("no config", e.InnerException!.Message);
        });
    }

    [Fact]
    public void Call_TimesOut_AndTheLateReplyNeverReachesTheCallersMailbox()
    {
        ActorTest.Run(async self =>
        {
            var server = await GenServer.StartAsync(new Counter());
            await Assert.ThrowsAsync<TimeoutException>(async () => await GenServer.CallAsync(server, "never", TimeSpan.FromMilliseconds(30)));
            Assert.Equal(0, await GenServer.CallAsync<int>(server, "get")); // the server lives on, the next call is answered
            Assert.Equal(0, self.MailboxLength);
            await GenServer.StopAsync(server);
        });
    }

    [Fact]
    public void Call_FailsAtOnce_WhenTheServerDies_OrIsDead()
    {
        ActorTest.Run(async self =>
        {
            var server = await GenServer.StartAsync(new Counter());
            var failed = await Assert.ThrowsAsync<CallFailedException>(async () => await GenServer.CallAsync(server, "crash", Timeout.InfiniteTimeSpan));
            Assert.Equal(ExitKind.Exception, failed.Reason.Kind);
            var gone = await Assert.ThrowsAsync<CallFailedException>(async () => await GenServer.CallAsync(server, "get"));
            Assert.Equal(server, gone.Server);

            var parked = await GenServer.StartAsync(new Counter());
            var call = Go.Spawn(async () =>
            {
                await Assert.ThrowsAsync<CallFailedException>(async () => await GenServer.CallAsync(parked, "never", Timeout.InfiniteTimeSpan));
            });
            while (Processes.ProcessTable.Resolve(parked)!.WatcherCount == 0 && Process.IsAlive(parked)) await Go.Yield();
            Process.Exit(parked, ExitReason.Kill);
            await call; // an infinite call returns because the server died
        });
    }

    [Fact]
    public void CallingItself_Raises()
    {
        ActorTest.Run(async self =>
        {
            var server = await GenServer.StartAsync(new Counter());
            var message = await GenServer.CallAsync<string>(server, "self-call");
            Assert.Contains("called itself", message);
            await GenServer.StopAsync(server);
        });
    }
}
