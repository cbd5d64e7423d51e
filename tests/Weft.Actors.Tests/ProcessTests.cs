namespace Weft.Actors.Tests;

public sealed class ProcessTests
{
    [Fact]
    public void Send_Receive_KeepsOrder_AndSelectiveReceiveLeavesTheRestInOrder()
    {
        ActorTest.Run(async self =>
        {
            for (int i = 0; i < 10; i++) Process.Send(self.Pid, i);
            Process.Send(self.Pid, "odd one");
            Assert.Equal("odd one", await self.ReceiveAsync<string>());
            Assert.Equal(7, await self.ReceiveAsync<int>(i => i == 7));
            var rest = new List<int>();
            for (int i = 0; i < 9; i++) rest.Add((int)await self.ReceiveAsync());
            Assert.Equal([0, 1, 2, 3, 4, 5, 6, 8, 9], rest);
            Assert.Equal(0, self.MailboxLength);
        });
    }

    [Fact]
    public void Receive_WithTimeout_ReturnsNothingWhenNoMessageMatches_AndKeepsTheOthers()
    {
        ActorTest.Run(async self =>
        {
            Process.Send(self.Pid, "kept");
            Assert.Null(await self.ReceiveAsync(m => m is int, TimeSpan.FromMilliseconds(20)));
            Assert.Null(await self.ReceiveAsync(m => m is int, TimeSpan.Zero));
            var (ok, _) = await self.ReceiveAsync<int>(TimeSpan.FromMilliseconds(1));
            Assert.False(ok);
            Assert.Equal("kept", await self.ReceiveAsync(null, TimeSpan.Zero));
        });
    }

    [Fact]
    public void Receive_WithTimeout_GetsAMessageThatArrivesWhileWaiting()
    {
        ActorTest.Run(async self =>
        {
            var me = self.Pid;
            Process.Spawn(_ =>
            {
                Process.Send(me, 42);
                return GoTask.CompletedTask;
            });
            Assert.Equal(42, await self.ReceiveAsync(null, ActorTest.Guard));
        });
    }

    [Fact]
    public void SendToADeadPid_IsDroppedSilently()
    {
        ActorTest.Run(async self =>
        {
            var (pid, monitor) = self.SpawnMonitor(_ => GoTask.CompletedTask);
            Assert.Equal(ExitReason.Normal, (await self.Expect<Down>(d => d.Ref == monitor)).Reason);
            Assert.False(Process.IsAlive(pid));
            Process.Send(pid, "into the void");
            Assert.True(Process.TrySend(pid, "again"));
            await Process.SendAsync(pid, "and again");
        });
    }

    [Fact]
    public void ExitReasons_NormalException_Custom_AndShutdownWithDetail()
    {
        ActorTest.Run(async self =>
        {
            Assert.Equal(ExitReason.Normal, await self.RunToExit(_ => GoTask.CompletedTask));
            var boom = new InvalidOperationException("boom");
            var thrown = await self.RunToExit(_ => throw boom);
            Assert.Equal(ExitKind.Exception, thrown.Kind);
            Assert.Same(boom, thrown.Exception);
            Assert.Equal(ExitReason.Custom("tired"), await self.RunToExit(p =>
            {
                p.Exit(ExitReason.Custom("tired"));
                return GoTask.CompletedTask;
            }));
            Assert.True(ExitReason.ShutdownWith("bye").IsNormalOrShutdown);
            Assert.False(ExitReason.Killed.IsNormalOrShutdown);
        });
    }

    [Fact]
    public void Exit_Kill_EndsEvenATrappingProcess_OtherReasonsBecomeMessages_NormalIsIgnored()
    {
        ActorTest.Run(async self =>
        {
            var me = self.Pid;
            var trapper = Process.Spawn(async p =>
            {
                var exit = await p.ReceiveAsync<Exit>();
                Process.Send(me, exit);
                await ActorTest.Idle(p);
            }, new SpawnOptions { TrapExit = true });
            Process.Exit(trapper, ExitReason.Custom("please"), me);
            var got = await self.Expect<Exit>();
            Assert.Equal(new Exit(me, ExitReason.Custom("please")), got);
            Assert.Equal(ExitReason.Killed, await ExitAfter(self, trapper, ExitReason.Kill));

            var plain = Process.Spawn(ActorTest.Idle);
            Process.Exit(plain, ExitReason.Normal);
            Assert.True(Process.IsAlive(plain));
            Assert.Equal(ExitReason.Shutdown, await ExitAfter(self, plain, ExitReason.Shutdown));
        });

        static async GoTask<ExitReason> ExitAfter(ProcessContext self, Pid pid, ExitReason signal)
        {
            var monitor = self.Monitor(pid);
            Process.Exit(pid, signal);
            return (await self.Expect<Down>(d => d.Ref == monitor)).Reason;
        }
    }

    [Fact]
    public void Links_AbnormalExitKillsLinked_TrappingGetsExit_NormalExitDoesNot()
    {
        ActorTest.Run(async self =>
        {
            self.TrapExit = true;
            var gate = new Chan<bool>();
            var crasher = self.SpawnLink(async p =>
            {
                await gate.ReceiveAsync();
                throw new InvalidOperationException("crash");
            });
            var bystander = Process.Spawn(async p =>
            {
                p.Link(crasher);
                await ActorTest.Idle(p);
            });
            var bystanderDown = self.Monitor(bystander);
            while (Process.IsAlive(bystander) && !LinkedTo(bystander, crasher)) await Go.Yield();
            await gate.SendAsync(true);
            var exit = await self.Expect<Exit>(e => e.From == crasher);
            Assert.Equal(ExitKind.Exception, exit.Reason.Kind);
            var down = await self.Expect<Down>(d => d.Ref == bystanderDown);
            Assert.Equal(exit.Reason, down.Reason); // the bystander died of the crasher's reason

            var quiet = self.SpawnLink(async _ => await gate.ReceiveAsync());
            var survivor = Process.Spawn(async p =>
            {
                p.Link(quiet);
                await ActorTest.Idle(p);
            });
            while (!LinkedTo(survivor, quiet)) await Go.Yield();
            await gate.SendAsync(true);
            Assert.Equal(ExitReason.Normal, (await self.Expect<Exit>(e => e.From == quiet)).Reason);
            Assert.True(Process.IsAlive(survivor));
            Process.Exit(survivor, ExitReason.Kill);

            var dead = Process.Spawn(_ => GoTask.CompletedTask);
            await self.AwaitExit(dead);
            self.Link(dead);
            Assert.Equal(new Exit(dead, ExitReason.NoProc), await self.Expect<Exit>(e => e.From == dead));
        });

        static bool LinkedTo(Pid pid, Pid other) =>
            Processes.ProcessTable.Resolve(pid)!.Relations().Links.Contains(other);
    }

    [Fact]
    public void Monitors_OneDown_AlsoForADeadTarget_DemonitorWithFlushLeavesNone()
    {
        ActorTest.Run(async self =>
        {
            var dead = Process.Spawn(_ => GoTask.CompletedTask);
            await self.AwaitExit(dead);
            var late = self.Monitor(dead);
            Assert.Equal(new Down(late, dead, ExitReason.NoProc), await self.Expect<Down>());

            var target = Process.Spawn(ActorTest.Idle);
            var first = self.Monitor(target);
            var second = self.Monitor(target);
            var withdrawn = self.Monitor(target);
            Assert.True(self.Demonitor(withdrawn));
            Process.Exit(target, ExitReason.Shutdown);
            var downs = new[] { await self.Expect<Down>(), await self.Expect<Down>() };
            Assert.Equal([first, second], downs.Select(d => d.Ref).OrderBy(r => r.Id));
            Assert.Null(await self.ReceiveAsync(m => m is Down, TimeSpan.FromMilliseconds(20)));

            var other = Process.Spawn(ActorTest.Idle);
            var flushed = self.Monitor(other);
            await ExitAndWait(self, other);
            Assert.False(self.Demonitor(flushed, flush: true));
            Assert.Null(await self.ReceiveAsync(m => m is Down d && d.Ref == flushed, TimeSpan.Zero));
        });

        static async GoTask ExitAndWait(ProcessContext self, Pid pid)
        {
            var probe = self.Monitor(pid);
            Process.Exit(pid, ExitReason.Kill);
            await self.Expect<Down>(d => d.Ref == probe);
        }
    }

    [Fact]
    public void RegisteredNames_SendByName_DuplicatesRefused_FreedOnExit()
    {
        ActorTest.Run(async self =>
        {
            string name = "echo-" + Guid.NewGuid();
            var me = self.Pid;
            var echo = Process.Spawn(async p =>
            {
                Process.Send(me, await p.ReceiveAsync());
            }, new SpawnOptions { Name = name });
            Assert.Equal(echo, Process.WhereIs(name));
            Assert.Throws<InvalidOperationException>(() => Process.Register(name, self.Pid));
            Assert.Throws<InvalidOperationException>(() => Process.Send("nobody-" + Guid.NewGuid(), 1));
            Process.Send(name, "hi");
            Assert.Equal("hi", await self.ReceiveAsync());
            await self.AwaitExit(echo);
            Assert.Null(Process.WhereIs(name));
            self.Register(name);
            Assert.Equal(self.Pid, Process.WhereIs(name));
            Assert.True(Process.Unregister(name));
        });
    }

    [Fact]
    public void MessageReady_WorksInSelectBesideChannels()
    {
        ActorTest.Run(async self =>
        {
            var jobs = new Chan<int>(1);
            var me = self.Pid;
            await jobs.SendAsync(1);
            var seen = new List<object>();
            Process.Spawn(_ =>
            {
                Process.Send(me, "mail");
                return GoTask.CompletedTask;
            });
            while (seen.Count < 2)
            {
                var r = await Select.Of(Select.Receive(self.MessageReady()), Select.Receive(jobs));
                if (r.Index == 1) seen.Add(r.Value<int>());
                else if (self.TryReceive(out var message)) seen.Add(message);
            }

            Assert.Contains(1, seen);
            Assert.Contains("mail", seen);
        });
    }

    [Fact]
    public void BoundedMailbox_ParksSendersWhenFull_TrySendAndSendRefuse()
    {
        ActorTest.Run(async self =>
        {
            var go = new Chan<bool>();
            var me = self.Pid;
            var slow = Process.Spawn(async p =>
            {
                await go.ReceiveAsync();
                var got = new List<int>();
                for (int i = 0; i < 5; i++) got.Add((int)await p.ReceiveAsync());
                Process.Send(me, got);
            }, new SpawnOptions { MailboxCapacity = 2 });
            Process.Send(slow, 0);
            Assert.True(Process.TrySend(slow, 1));
            Assert.False(Process.TrySend(slow, 99));
            Assert.Throws<InvalidOperationException>(() => Process.Send(slow, 99));
            var sender = Go.Spawn(async () =>
            {
                for (int i = 2; i < 5; i++) await Process.SendAsync(slow, i);
            });
            await go.SendAsync(true);
            await sender;
            Assert.Equal([0, 1, 2, 3, 4], await self.Expect<List<int>>());
        });
    }

    [Fact]
    public void KilledWhileParked_TheBodyIsUnwound_AndItsGoroutineEnds()
    {
        ActorTest.Run(async self =>
        {
            var unwound = new Chan<bool>(1);
            var victim = Process.Spawn(async p =>
            {
                try
                {
                    await p.ReceiveAsync();
                }
                catch (ProcessExitException e) when (e.Reason == ExitReason.Killed)
                {
                    unwound.TrySend(true);
                    throw;
                }
            });
            var monitor = self.Monitor(victim);
            Process.Exit(victim, ExitReason.Kill);
            Assert.Equal(ExitReason.Killed, (await self.Expect<Down>(d => d.Ref == monitor)).Reason);
            Assert.True(await unwound.ReceiveAsync());
        });
    }

    [Fact]
    public void Pid_IsAValue_ComparedByNodeAndId()
    {
        var a = new Pid("n@h", 7);
        Assert.Equal(a, new Pid("n@h", 7));
        Assert.NotEqual(a, new Pid("m@h", 7));
        Assert.Equal("<n@h.7>", a.ToString());
        Assert.Throws<ArgumentException>(() => new Pid("", 1));
        Assert.Throws<NotSupportedException>(() => Process.Send(a, "x"));
    }

    [Fact]
    public void APidMadeFromNodeAndNumber_AddressesTheSameProcess()
    {
        ActorTest.Run(async self =>
        {
            var copy = new Pid(self.Pid.Node, self.Pid.Id); // what a pid read back from the wire will be
            Assert.Equal(self.Pid, copy);
            Process.Send(copy, "via the table");
            Assert.Equal("via the table", await self.ReceiveAsync());
            Assert.True(Process.IsAlive(copy));
        });
    }

    [Fact]
    public void Dump_ShowsStatusMailboxLinksAndMonitors()
    {
        ActorTest.Run(async self =>
        {
            var other = self.SpawnLink(ActorTest.Idle);
            var monitor = self.Monitor(other);
            Process.Send(other, "unread");
            Process.Send(self.Pid, "pending");
            var dump = Actors.Dump();
            Assert.Contains($"{self.Pid} process running mailbox=1 links=[{other}] monitors=[{other}]", dump);
            Assert.Contains($"monitored_by=[{self.Pid}]", dump);
            self.Unlink(other);
            Process.Exit(other, ExitReason.Kill);
            await self.Expect<Down>(d => d.Ref == monitor);
        });
    }
}
