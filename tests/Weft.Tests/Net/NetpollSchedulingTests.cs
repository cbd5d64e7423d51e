using System.Net.Sockets;

namespace Weft.Tests.Net;

/// <summary>How the netpoller and the scheduler meet: readiness under load, deadlock detection, dumps.</summary>
public sealed class NetpollSchedulingTests : NetTestBase
{
    /// <summary>
    /// Every P is kept busy by goroutines that yield in a loop (the global queue is never empty, so find-work never
    /// reaches its own poll); a goroutine parked on a socket must still be woken, by sysmon's backstop poll.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Readiness_IsSeen_WhileEveryPIsBusy(int procs)
    {
        using var rt = new TestRuntime(procs, detectDeadlocks: false);
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        rt.Run(async () =>
        {
            using var listener = Weft.Net.Listen(Loopback);
            await peer.ConnectAsync(listener.LocalEndPoint);
            using var conn = await listener.AcceptAsync();
            int n = await ReadWhileEveryPIsBusyAsync(rt.Runtime, procs, () => conn.ReadAsync(new byte[8]), () => peer.SendAsync(new byte[] { 1, 2, 3 }));
            Assert.Equal(3, n);
        });
    }

    /// <summary>
    /// Runs <paramref name="read"/> in a goroutine beside 2 × <paramref name="procs"/> goroutines that yield in a loop
    /// until it returns; <paramref name="send"/> runs on a plain .NET thread once the reader is parked on the network.
    /// </summary>
    internal static async GoTask<int> ReadWhileEveryPIsBusyAsync(GoRuntime runtime, int procs, Func<GoTask<int>> read, Func<Task> send)
    {
        int done = 0;
        var hogs = new List<GoTask>();
        for (int i = 0; i < procs * 2; i++)
            hogs.Add(Go.Spawn(async () =>
            {
                while (Volatile.Read(ref done) == 0) await Go.Yield();
            }));

        var reader = Go.Spawn(async () =>
        {
            int n = await read();
            Volatile.Write(ref done, 1);
            return n;
        });

        _ = Task.Run(async () =>
        {
            while (ConnTests.CountIoWaits(runtime.Dump()) == 0) await Task.Delay(1);
            await send();
        });

        int result = await reader;
        foreach (var h in hogs) await h;
        return result;
    }

    /// <summary>
    /// Waits until a goroutine of <paramref name="rt"/> is parked on the network, then several deadlock-grace periods,
    /// and asserts that <paramref name="run"/> (whose goroutines are all parked) was not ended as a deadlock.
    /// </summary>
    internal static void AssertNoDeadlockWhileWaitingOnTheNetwork(TestRuntime rt, Task run)
    {
        while (ConnTests.CountIoWaits(rt.Runtime.Dump()) == 0) Thread.Sleep(1);
        Thread.Sleep(5 * (int)Weft.Scheduling.Scheduler.DeadlockGrace.TotalMilliseconds);
        Assert.False(run.IsCompleted, run.IsFaulted ? run.Exception!.InnerException!.Message : "finished early");
    }

    /// <summary>A goroutine waiting on a socket may be woken by the network: that is no deadlock (as in Go).</summary>
    [Fact]
    public void DeadlockDetection_DoesNotFire_WhileAGoroutineWaitsOnASocket()
    {
        using var rt = new TestRuntime(2, detectDeadlocks: true);
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var endpoint = new TaskCompletionSource<System.Net.IPEndPoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = rt.Runtime.RunAsync(async () =>
        {
            using var listener = Weft.Net.Listen(Loopback);
            endpoint.SetResult(listener.LocalEndPoint);
            using var conn = await listener.AcceptAsync();
            var buffer = new byte[4];
            return await conn.ReadAsync(buffer);
        });
        Assert.True(endpoint.Task.Wait(TestRuntime.HangGuard));
        peer.Connect(endpoint.Task.Result);

        // Everything is parked; the only goroutine waits for the network. Give the detector several grace periods.
        AssertNoDeadlockWhileWaitingOnTheNetwork(rt, run);
        peer.Send(new byte[] { 1, 2 });
        TestRuntime.WaitWithHangGuard(run);
        Assert.Equal(2, run.Result);
    }

    /// <summary>The dump names the wait as Go does.</summary>
    [Fact]
    public void Dump_ShowsGoroutinesWaitingOnTheNetwork_AsIoWait()
    {
        if (!Weft.Net.UsesNetpoller) return; // WEFT_NETPOLL=off: the fallback's waits are foreign awaits
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            using var listener = Weft.Net.Listen(Loopback);
            var accept = Go.Spawn(async () =>
            {
                try
                {
                    await listener.AcceptAsync();
                }
                catch (ObjectDisposedException)
                {
                }
            });
            var guard = DateTime.UtcNow + TestRuntime.HangGuard;
            string dump;
            while (!(dump = Go.Dump()).Contains("[IO wait"))
            {
                Assert.True(DateTime.UtcNow < guard, "no IO wait in the dump");
                await Go.Sleep(TimeSpan.FromMilliseconds(1));
            }

            listener.Close();
            await accept;
        });
    }
}
