namespace Weft.Actors.Tests;

/// <summary>Test children: workers that log their starts and orderly stops, crash on "crash", end normally on "quit".</summary>
internal static class Workers
{
    internal static Chan<string> NewLog() => new(4096);

    /// <summary>A worker that traps exits, so a supervisor's shutdown shows in the log as "stop id".</summary>
    internal static ChildSpec Logged(string id, Chan<string> log, RestartType restart = RestartType.Permanent) =>
        new(id, parent =>
        {
            log.TrySend("start " + id); // in the start function, which the supervisor calls in its own order
            return new GoTask<Pid>(parent.SpawnLink(self => Body(self, id, log), new SpawnOptions { TrapExit = true }));
        })
        {
            Restart = restart,
        };

    /// <summary>The body of a logged worker: logs its orderly stop (also the template of simple-one-for-one tests).</summary>
    internal static async GoTask Body(ProcessContext self, string id, Chan<string> log)
    {
        while (true)
        {
            switch (await self.ReceiveAsync())
            {
                case Exit exit:
                    log.TrySend("stop " + id);
                    self.Exit(exit.Reason);
                    break;
                case "crash":
                    throw new InvalidOperationException("crash " + id);
                case "quit":
                    return;
            }
        }
    }

    /// <summary>The next <paramref name="count"/> log lines.</summary>
    internal static async GoTask<List<string>> Take(this Chan<string> log, int count)
    {
        var lines = new List<string>();
        var guard = Time.After(ActorTest.Guard);
        while (lines.Count < count)
        {
            var r = await Select.Of(Select.Receive(log), Select.Receive(guard));
            Assert.True(r.Index == 0, $"log stalled after [{string.Join(", ", lines)}]");
            lines.Add(r.Value<string>());
        }

        return lines;
    }

    /// <summary>The pid of child <paramref name="id"/> once it runs (waits through restarts).</summary>
    internal static async GoTask<Pid> PidOf(Pid supervisor, string id, Pid? not = null)
    {
        var guard = DateTime.UtcNow + ActorTest.Guard;
        while (true)
        {
            var child = (await Supervisor.WhichChildrenAsync(supervisor)).FirstOrDefault(c => c.Id == id);
            if (child?.Pid is { } pid && pid != not) return pid;
            Assert.True(DateTime.UtcNow < guard, $"child {id} did not come back");
            await Go.Sleep(1);
        }
    }
}
