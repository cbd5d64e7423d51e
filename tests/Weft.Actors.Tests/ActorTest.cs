using System.Runtime.ExceptionServices;

namespace Weft.Actors.Tests;

/// <summary>Runs a test body as a process on a private runtime and rethrows whatever ended it abnormally.</summary>
internal static class ActorTest
{
    /// <summary>Hang guard for receives in tests: generous, only so a bug fails instead of hanging.</summary>
    internal static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    internal static void Run(Func<ProcessContext, GoTask> body, int maxProcs = 2)
    {
        using var runtime = new TestRuntime(maxProcs);
        try
        {
            Execute(runtime, body);
        }
        catch
        {
            runtime.IgnoreLeaks(); // the test's own failure is the news, not the processes it left behind
            throw;
        }

        Assert.Empty(runtime.Panics);
    }

    private static void Execute(TestRuntime runtime, Func<ProcessContext, GoTask> body)
    {
        runtime.Run(async () =>
        {
            Exception? failure = null;
            var done = new Chan<bool>(1);
            Process.Spawn(async self =>
            {
                try
                {
                    await body(self);
                }
                catch (Exception e)
                {
                    failure = e;
                }
                finally
                {
                    done.TrySend(true);
                }
            });
            await done.ReceiveAsync();
            if (failure is not null) ExceptionDispatchInfo.Throw(failure);
        });
    }

    /// <summary>Receives the next message of type <typeparamref name="T"/> (that <paramref name="match"/> accepts) within the hang guard.</summary>
    internal static async GoTask<T> Expect<T>(this ProcessContext self, Func<T, bool>? match = null)
    {
        var (ok, message) = await self.ReceiveAsync(Guard, match);
        Assert.True(ok, $"no {typeof(T).Name} within {Guard.TotalSeconds} s");
        return message;
    }

    /// <summary>Monitors <paramref name="pid"/> and waits for its Down; returns the reason.</summary>
    internal static async GoTask<ExitReason> AwaitExit(this ProcessContext self, Pid pid)
    {
        var monitor = self.Monitor(pid);
        return (await self.Expect<Down>(d => d.Ref == monitor)).Reason;
    }

    /// <summary>Spawns <paramref name="body"/> monitored from its start and waits for its Down; returns the reason.</summary>
    internal static async GoTask<ExitReason> RunToExit(this ProcessContext self, Func<ProcessContext, GoTask> body)
    {
        var (_, monitor) = self.SpawnMonitor(body);
        return (await self.Expect<Down>(d => d.Ref == monitor)).Reason;
    }

    /// <summary>A process that waits for messages forever (until it is killed), forwarding nothing.</summary>
    internal static async GoTask Idle(ProcessContext self)
    {
        while (true) await self.ReceiveAsync();
    }
}
