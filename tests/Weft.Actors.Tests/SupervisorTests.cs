namespace Weft.Actors.Tests;

public sealed class SupervisorTests
{
    private static readonly SupervisorOptions Generous = new() { Intensity = 100, Period = TimeSpan.FromSeconds(60) };

    [Fact]
    public void StartsChildrenInOrder_StopsThemInReverse()
    {
        ActorTest.Run(async self =>
        {
            var log = Workers.NewLog();
            var sup = await Supervisor.StartAsync(Generous, Workers.Logged("a", log), Workers.Logged("b", log), Workers.Logged("c", log));
            Assert.Equal(["start a", "start b", "start c"], await log.Take(3));
            await GenServer.StopAsync(sup, ExitReason.Shutdown);
            Assert.Equal(["stop c", "stop b", "stop a"], await log.Take(3));
        });
    }

    [Fact]
    public void OneForOne_RestartsOnlyTheCrashedChild()
    {
        ActorTest.Run(async self =>
        {
            var log = Workers.NewLog();
            var sup = await Supervisor.StartAsync(Generous, Workers.Logged("a", log), Workers.Logged("b", log), Workers.Logged("c", log));
            await log.Take(3);
            var before = await Supervisor.WhichChildrenAsync(sup);
            Process.Send(before[1].Pid!.Value, "crash");
            Assert.Equal(["start b"], await log.Take(1));
            var after = await Supervisor.WhichChildrenAsync(sup);
            Assert.Equal(before[0].Pid, after[0].Pid);
            Assert.NotEqual(before[1].Pid, after[1].Pid);
            Assert.Equal(before[2].Pid, after[2].Pid);
            Assert.Equal([0, 1, 0], after.Select(c => c.Restarts));
            Assert.Contains("restarts=1", Actors.Dump());
            await GenServer.StopAsync(sup, ExitReason.Shutdown);
        });
    }

    [Fact]
    public void RestartTypes_TransientOnlyAfterAnAbnormalEnd_TemporaryNever()
    {
        ActorTest.Run(async self =>
        {
            var log = Workers.NewLog();
            var sup = await Supervisor.StartAsync(Generous,
                Workers.Logged("t", log, RestartType.Transient), Workers.Logged("tmp", log, RestartType.Temporary));
            await log.Take(2);
            var t = await Workers.PidOf(sup, "t");
            Process.Send(t, "crash");
            Assert.Equal(["start t"], await log.Take(1));
            var t2 = await Workers.PidOf(sup, "t", not: t);
            Assert.Equal(ExitReason.Normal, await Quit(self, t2));
            Process.Send(await Workers.PidOf(sup, "tmp"), "crash");
            while ((await Supervisor.WhichChildrenAsync(sup)).Count != 1) await Go.Sleep(1);
            var children = await Supervisor.WhichChildrenAsync(sup);
            Assert.Equal("t", children[0].Id);
            Assert.Null(children[0].Pid); // transient, ended normally: kept, not restarted
            var restarted = await Supervisor.RestartChildAsync(sup, "t");
            Assert.Equal(["start t"], await log.Take(1));
            Assert.True(Process.IsAlive(restarted));
            await GenServer.StopAsync(sup, ExitReason.Shutdown);
        });

        static async GoTask<ExitReason> Quit(ProcessContext self, Pid pid)
        {
            var monitor = self.Monitor(pid);
            Process.Send(pid, "quit");
            return (await self.Expect<Down>(d => d.Ref == monitor)).Reason;
        }
    }

    [Fact]
    public void OneForAll_StopsTheOthersInReverse_ThenRestartsAllInOrder()
    {
        ActorTest.Run(async self =>
        {
            var log = Workers.NewLog();
            var sup = await Supervisor.StartAsync(Generous with { Strategy = RestartStrategy.OneForAll },
                Workers.Logged("a", log), Workers.Logged("b", log), Workers.Logged("c", log));
            await log.Take(3);
            Process.Send(await Workers.PidOf(sup, "b"), "crash");
            Assert.Equal(["stop c", "stop a", "start a", "start b", "start c"], await log.Take(5));
            await GenServer.StopAsync(sup, ExitReason.Shutdown);
        });
    }

    [Fact]
    public void RestForOne_RestartsExactlyTheLaterSiblings_InOrder()
    {
        ActorTest.Run(async self =>
        {
            var log = Workers.NewLog();
            var sup = await Supervisor.StartAsync(Generous with { Strategy = RestartStrategy.RestForOne },
                Workers.Logged("a", log), Workers.Logged("b", log), Workers.Logged("c", log), Workers.Logged("d", log));
            await log.Take(4);
            var a = await Workers.PidOf(sup, "a");
            Process.Send(await Workers.PidOf(sup, "b"), "crash");
            Assert.Equal(["stop d", "stop c", "start b", "start c", "start d"], await log.Take(5));
            Assert.Equal(a, await Workers.PidOf(sup, "a"));
            Assert.Equal([0, 1, 1, 1], (await Supervisor.WhichChildrenAsync(sup)).Select(c => c.Restarts));
            await GenServer.StopAsync(sup, ExitReason.Shutdown);
        });
    }

    [Fact]
    public void IntensityExceeded_StopsTheRestInReverse_AndExitsWithShutdown()
    {
        ActorTest.Run(async self =>
        {
            var log = Workers.NewLog();
            var sup = await Supervisor.StartAsync(new SupervisorOptions { Clock = () => 0 }, // default: 1 restart in 5 s
                Workers.Logged("a", log), Workers.Logged("b", log), Workers.Logged("c", log));
            await log.Take(3);
            var down = self.Monitor(sup);
            Process.Send(await Workers.PidOf(sup, "a"), "crash");
            Assert.Equal(["start a"], await log.Take(1));
            Process.Send(await Workers.PidOf(sup, "a"), "crash");
            Assert.Equal(["stop c", "stop b"], await log.Take(2));
            Assert.Equal(ExitReason.Shutdown, (await self.Expect<Down>(d => d.Ref == down)).Reason);
        });
    }

    [Fact]
    public void Intensity_IsCountedInASlidingWindow()
    {
        ActorTest.Run(async self =>
        {
            long now = 0;
            var log = Workers.NewLog();
            var sup = await Supervisor.StartAsync(
                new SupervisorOptions { Intensity = 2, Period = TimeSpan.FromSeconds(1), Clock = () => Volatile.Read(ref now) },
                Workers.Logged("a", log));
            await log.Take(1);
            foreach (long at in new long[] { 0, 10, 1500, 1600 })
            {
                Volatile.Write(ref now, at);
                Process.Send(await Workers.PidOf(sup, "a"), "crash");
                Assert.Equal(["start a"], await log.Take(1)); // at 1500 the two early restarts have left the window
            }

            var down = self.Monitor(sup);
            Volatile.Write(ref now, 1700); // the third inside [700, 1700]
            Process.Send(await Workers.PidOf(sup, "a"), "crash");
            Assert.Equal(ExitReason.Shutdown, (await self.Expect<Down>(d => d.Ref == down)).Reason);
        });
    }

    [Fact]
    public void DuplicateChildIds_Raise()
    {
        ActorTest.Run(async self =>
        {
            var log = Workers.NewLog();
            Assert.Throws<ArgumentException>(() => Supervisor.StartAsync(Generous, Workers.Logged("x", log), Workers.Logged("x", log)));
            var sup = await Supervisor.StartAsync(Generous, Workers.Logged("x", log));
            var e = await Assert.ThrowsAsync<InvalidOperationException>(async () => await Supervisor.StartChildAsync(sup, Workers.Logged("x", log)));
            Assert.Contains("already started", e.Message);
            var y = await Supervisor.StartChildAsync(sup, Workers.Logged("y", log));
            Assert.True(Process.IsAlive(y));
            await Supervisor.TerminateChildAsync(sup, "y");
            Assert.False(Process.IsAlive(y));
            await Supervisor.DeleteChildAsync(sup, "y");
            Assert.Single(await Supervisor.WhichChildrenAsync(sup));
            await GenServer.StopAsync(sup, ExitReason.Shutdown);
        });
    }

    [Fact]
    public void SimpleOneForOne_StartsFromTheTemplate_RestartsWithTheSameArgument()
    {
        ActorTest.Run(async self =>
        {
            var log = Workers.NewLog();
            var template = ChildSpec.Template("conn", (parent, arg) =>
            {
                log.TrySend($"start conn:{arg}");
                return new GoTask<Pid>(parent.SpawnLink(p => Workers.Body(p, $"conn:{arg}", log), new SpawnOptions { TrapExit = true }));
            });
            var sup = await Supervisor.StartAsync(Generous with { Strategy = RestartStrategy.SimpleOneForOne }, template);
            var first = await Supervisor.StartChildAsync(sup, 1);
            var second = await Supervisor.StartChildAsync(sup, 2);
            Assert.Equal(["start conn:1", "start conn:2"], await log.Take(2));
            Process.Send(second, "crash");
            Assert.Equal(["start conn:2"], await log.Take(1));
            await Supervisor.TerminateChildAsync(sup, first);
            Assert.Equal(["stop conn:1"], await log.Take(1));
            var left = await Supervisor.WhichChildrenAsync(sup);
            Assert.Single(left);
            Assert.Equal(1, left[0].Restarts);
            await GenServer.StopAsync(sup, ExitReason.Shutdown);
            Assert.Equal(["stop conn:2"], await log.Take(1));
        });
    }

    [Fact]
    public void Backoff_DelaysTheRestart_ButTheChildComesBack()
    {
        ActorTest.Run(async self =>
        {
            var log = Workers.NewLog();
            var sup = await Supervisor.StartAsync(
                Generous with { Backoff = new RestartBackoff(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(40)) },
                Workers.Logged("a", log));
            await log.Take(1);
            for (int i = 0; i < 3; i++)
            {
                var a = await Workers.PidOf(sup, "a");
                Process.Send(a, "crash");
                Assert.Equal(["start a"], await log.Take(1));
            }

            Assert.Equal(3, (await Supervisor.WhichChildrenAsync(sup))[0].Restarts);
            Assert.Equal(TimeSpan.FromMilliseconds(20), new RestartBackoff(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(40)).Delay(3));
            await GenServer.StopAsync(sup, ExitReason.Shutdown);
        });
    }

    [Fact]
    public void NestedSupervisors_ShowInTheDump_AndStopTogether()
    {
        ActorTest.Run(async self =>
        {
            var log = Workers.NewLog();
            var sup = await Supervisor.StartAsync(Generous with { Name = "top-" + Guid.NewGuid() },
                Workers.Logged("a", log),
                Supervisor.Spec("inner", Generous with { Strategy = RestartStrategy.OneForAll }, Workers.Logged("b", log)));
            await log.Take(2);
            var dump = Actors.Dump();
            Assert.Contains("supervisor one_for_one", dump);
            Assert.Contains("inner", dump);
            Assert.Contains("supervisor one_for_all", dump);
            Assert.Contains("b <", dump);
            await GenServer.StopAsync(sup, ExitReason.Shutdown);
            Assert.Equal(["stop b", "stop a"], await log.Take(2));
        });
    }

    [Fact]
    public void ShutdownTimeout_KillsAChildThatIgnoresTheShutdown()
    {
        ActorTest.Run(async self =>
        {
            var stubborn = new ChildSpec("stubborn", parent => new GoTask<Pid>(parent.SpawnLink(async p =>
            {
                while (true) await p.ReceiveAsync(); // traps exits and ignores them
            }, new SpawnOptions { TrapExit = true })))
            { Shutdown = ShutdownPolicy.After(TimeSpan.FromMilliseconds(20)) };
            var sup = await Supervisor.StartAsync(Generous, stubborn);
            var child = await Workers.PidOf(sup, "stubborn");
            var monitor = self.Monitor(child);
            await GenServer.StopAsync(sup, ExitReason.Shutdown);
            Assert.Equal(ExitReason.Killed, (await self.Expect<Down>(d => d.Ref == monitor)).Reason);
        });
    }
}
