namespace Weft.Actors.Tests;

/// <summary>
/// OTP's promises under load, with faults injected at random while messages flow, at MaxProcs 1, 2 and 4. Each check
/// is exact: counts and orders, never timings.
/// </summary>
[Collection(StressCollection.Name)]
public sealed class FaultInjectionTests
{
    private sealed record Ack(Pid Worker, int Seq);

    private sealed record Marker(int Round);

    private sealed record MarkerAck(Pid Worker);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void PermanentChildrenAlwaysComeBack_AndNoAcceptedMessageIsLostWhileItsProcessLives(int maxProcs)
    {
        const int workers = 8, messages = 20_000, faults = 300;
        ActorTest.Run(async self =>
        {
            var collector = self.Pid;
            var current = new Pid[workers];
            int starts = 0;
            var specs = Enumerable.Range(0, workers).Select(i => new ChildSpec($"w{i}", parent =>
            {
                Interlocked.Increment(ref starts);
                var pid = parent.SpawnLink(async p =>
                {
                    while (true)
                    {
                        switch (await p.ReceiveAsync())
                        {
                            case int seq: Process.Send(collector, new Ack(p.Pid, seq)); break;
                            case "crash": throw new InvalidOperationException("injected");
                            case Marker: Process.Send(collector, new MarkerAck(p.Pid)); break;
                        }
                    }
                });
                lock (current) current[i] = pid; // a Pid is three words: read and written under a lock, never torn
                return new GoTask<Pid>(pid);
            }));
            var sup = await Supervisor.StartAsync(new SupervisorOptions { Intensity = 1_000_000, Period = TimeSpan.FromSeconds(60) }, specs);

            var sent = new Dictionary<Pid, List<int>>();
            var producer = Go.Spawn(async () =>
            {
                for (int seq = 0; seq < messages; seq++)
                {
                    Pid pid;
                    lock (current) pid = current[seq % workers];
                    Process.Send(pid, seq);
                    (sent.TryGetValue(pid, out var list) ? list : sent[pid] = []).Add(seq);
                    if (seq % 32 == 0) await Go.Yield();
                }
            });
            var injector = Go.Spawn(async () =>
            {
                var random = new Random(maxProcs);
                for (int k = 0; k < faults; k++)
                {
                    for (int y = random.Next(40); y > 0; y--) await Go.Yield();
                    Pid victim;
                    lock (current) victim = current[random.Next(workers)];
                    if (random.Next(3) == 0) Process.Send(victim, "crash");
                    else Process.Exit(victim, random.Next(2) == 0 ? ExitReason.Kill : ExitReason.Custom("injected"));
                }
            });

            var acked = new Dictionary<Pid, List<int>>();
            void Record(Ack a) => (acked.TryGetValue(a.Worker, out var list) ? list : acked[a.Worker] = []).Add(a.Seq);
            while (!producer.IsCompleted || !injector.IsCompleted)
                if (await self.ReceiveAsync(m => m is Ack, TimeSpan.FromMilliseconds(5)) is Ack a) Record(a);
            await producer;
            await injector;

            // Every worker is back (permanent), and each live incarnation acknowledges a marker sent after all traffic:
            // mailboxes are FIFO, so by then it has handled everything it accepted.
            var live = new HashSet<Pid>();
            for (int i = 0; i < workers; i++)
            {
                while (true)
                {
                    var pid = await Workers.PidOf(sup, $"w{i}");
                    var monitor = self.Monitor(pid);
                    Process.Send(pid, new Marker(i));
                    while (true)
                    {
                        var m = await self.ReceiveAsync(m => m is Ack || (m is MarkerAck k && k.Worker == pid) || (m is Down d && d.Ref == monitor));
                        if (m is Ack a) Record(a);
                        else if (m is MarkerAck) break;
                        else goto retry; // it died of a crash message queued before the marker: ask its successor
                    }

                    self.Demonitor(monitor, flush: true);
                    live.Add(pid);
                    break;
                    retry:;
                }
            }

            while (await self.ReceiveAsync(m => m is Ack, TimeSpan.Zero) is Ack rest) Record(rest);
            foreach (var (pid, got) in acked)
            {
                var expected = sent[pid];
                Assert.True(got.Count <= expected.Count, $"{pid}: more acks than sends");
                Assert.Equal(expected.Take(got.Count), got); // in order, no gaps, no duplicates: a prefix of what was sent
            }

            foreach (var pid in live)
                Assert.Equal(sent.GetValueOrDefault(pid) ?? [], acked.GetValueOrDefault(pid) ?? []); // alive: nothing lost

            var children = await Supervisor.WhichChildrenAsync(sup);
            Assert.All(children, c => Assert.True(c.Pid is { } p && Process.IsAlive(p)));
            Assert.Equal(Volatile.Read(ref starts) - workers, children.Sum(c => c.Restarts));
            Assert.True(children.Sum(c => c.Restarts) > 0);
            await GenServer.StopAsync(sup, ExitReason.Shutdown);
        }, maxProcs);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void MonitorsFireExactlyOnce_WhileExitSignalsRace(int maxProcs)
    {
        const int targets = 100, watchers = 8, killers = 4;
        ActorTest.Run(async self =>
        {
            var me = self.Pid;
            var victims = Enumerable.Range(0, targets).Select(_ => Process.Spawn(ActorTest.Idle)).ToArray();
            var ready = new Chan<bool>(watchers);
            var watcherPids = Enumerable.Range(0, watchers).Select(w => Process.Spawn(async p =>
            {
                // Each watcher monitors every target twice and withdraws some monitors (with flush) while they die.
                var refs = victims.SelectMany(v => new[] { p.Monitor(v), p.Monitor(v) }).ToList();
                var withdrawn = refs.Where((_, i) => i % 7 == w % 7).ToHashSet();
                await ready.SendAsync(true);
                foreach (var r in withdrawn) p.Demonitor(r, flush: true);
                var seen = new HashSet<MonitorRef>();
                int duplicates = 0, afterDemonitor = 0;
                while (seen.Count < refs.Count - withdrawn.Count)
                {
                    var down = await p.ReceiveAsync<Down>();
                    if (withdrawn.Contains(down.Ref)) afterDemonitor++;
                    else if (!seen.Add(down.Ref)) duplicates++;
                }

                Process.Send(me, (p.Pid, duplicates, afterDemonitor, p.MailboxLength));
            })).ToArray();
            for (int i = 0; i < watchers; i++) await ready.ReceiveAsync();

            var killing = Enumerable.Range(0, killers).Select(k => Go.Spawn(async () =>
            {
                var random = new Random(k * 31 + maxProcs);
                foreach (var v in victims.OrderBy(_ => random.Next()))
                {
                    Process.Exit(v, k % 2 == 0 ? ExitReason.Kill : ExitReason.Custom($"killer {k}"));
                    if (random.Next(8) == 0) await Go.Yield();
                }
            })).ToArray();
            foreach (var k in killing) await k;

            for (int i = 0; i < watchers; i++)
            {
                var (_, duplicates, afterDemonitor, left) = await self.Expect<(Pid, int, int, int)>();
                Assert.Equal(0, duplicates);
                Assert.Equal(0, afterDemonitor);
                Assert.Equal(0, left); // every target dead and every Down received: no stray Down remains
            }

            Assert.All(victims, v => Assert.False(Process.IsAlive(v)));
            Assert.All(watcherPids, w => Assert.True(Process.ExitReasonOf(w) is null || Process.ExitReasonOf(w) == ExitReason.Normal));
        }, maxProcs);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void ALinksExitReachesEveryLinkedProcess(int maxProcs)
    {
        const int plain = 150, trapping = 50, rounds = 3;
        ActorTest.Run(async self =>
        {
            var me = self.Pid;
            for (int round = 0; round < rounds; round++)
            {
                var reason = ExitReason.Custom($"hub down {round}");
                var hubGate = new Chan<bool>();
                var hub = Process.Spawn(async p =>
                {
                    await hubGate.ReceiveAsync();
                    p.Exit(reason);
                });
                var linked = new Chan<bool>(plain + trapping);
                var monitors = new Dictionary<MonitorRef, Pid>();
                for (int i = 0; i < plain + trapping; i++)
                {
                    bool traps = i >= plain;
                    var (pid, monitor) = self.SpawnMonitor(async p =>
                    {
                        p.Link(hub);
                        linked.TrySend(true);
                        if (!traps)
                        {
                            await ActorTest.Idle(p);
                            return;
                        }

                        var exit = await p.ReceiveAsync<Exit>();
                        Process.Send(me, (p.Pid, exit));
                        var extra = await p.ReceiveAsync(m => m is Exit, TimeSpan.FromMilliseconds(10));
                        Assert.Null(extra); // exactly one Exit per link
                    }, new SpawnOptions { TrapExit = traps });
                    monitors[monitor] = pid;
                }

                for (int i = 0; i < plain + trapping; i++) await linked.ReceiveAsync();
                await hubGate.SendAsync(true);
                var reported = new HashSet<Pid>();
                for (int i = 0; i < trapping; i++)
                {
                    var (pid, exit) = await self.Expect<(Pid, Exit)>();
                    Assert.Equal(new Exit(hub, reason), exit);
                    Assert.True(reported.Add(pid));
                }

                for (int i = 0; i < plain + trapping; i++)
                {
                    var down = await self.Expect<Down>(d => monitors.ContainsKey(d.Ref));
                    Assert.Equal(reported.Contains(down.Pid) ? ExitReason.Normal : reason, down.Reason);
                    monitors.Remove(down.Ref);
                }

                Assert.Empty(monitors);
            }
        }, maxProcs);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Mailbox_ManySenders_SelectiveReceive_LosesNothing_KeepsEachSendersOrder(int maxProcs)
    {
        const int senders = 8, each = 5_000;
        ActorTest.Run(async self =>
        {
            var me = self.Pid;
            for (int s = 0; s < senders; s++)
            {
                int sender = s;
                Go.Start(async () =>
                {
                    for (int i = 0; i < each; i++)
                    {
                        Process.Send(me, (sender, i));
                        if (i % 64 == 0) await Go.Yield();
                    }
                });
            }

            var next = new int[senders];
            var random = new Random(maxProcs);
            for (int n = 0; n < senders * each; n++)
            {
                // Half the time ask for one sender's messages only: the others stay queued in order.
                (int Sender, int Seq) m;
                if (random.Next(2) == 0)
                {
                    m = await self.ReceiveAsync<(int, int)>();
                }
                else
                {
                    int wanted = Enumerable.Range(0, senders).Where(k => next[k] < each).OrderBy(_ => random.Next()).First();
                    m = await self.ReceiveAsync<(int Sender, int Seq)>(x => x.Sender == wanted);
                }

                Assert.Equal(next[m.Sender], m.Seq);
                next[m.Sender]++;
            }

            Assert.All(next, count => Assert.Equal(each, count));
            Assert.Equal(0, self.MailboxLength);
        }, maxProcs);
    }
}
