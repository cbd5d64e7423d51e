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
            int done = 0;
            var hogs = new List<GoTask>();
            for (int i = 0; i < procs * 2; i++)
                hogs.Add(Go.Spawn(async () =>
                {
                    while (Volatile.Read(ref done) == 0) await Go.Yield();
                }));

            var reader = Go.Spawn(async () =>
            {
                var buffer = new byte[8];
                int n = await conn.ReadAsync(buffer);
                Volatile.Write(ref done, 1);
                return n;
            });

            // Written from a plain .NET thread while the hogs run.
            _ = Task.Run(async () =>
            {
                while (ConnTests.CountIoWaits(rt.Runtime.Dump()) == 0) await Task.Delay(1);
                await peer.SendAsync(new byte[] { 1, 2, 3 });
            });

            Assert.Equal(3, await reader);
            foreach (var h in hogs) await h;
        });
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
        while (ConnTests.CountIoWaits(rt.Runtime.Dump()) == 0) Thread.Sleep(1);
        Thread.Sleep(5 * (int)Weft.Scheduling.Scheduler.DeadlockGrace.TotalMilliseconds);
        Assert.False(run.IsCompleted, run.IsFaulted ? run.Exception!.InnerException!.Message : "finished early");
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
