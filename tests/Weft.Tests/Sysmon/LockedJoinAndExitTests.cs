namespace Weft.Tests.Sysmon;

/// <summary>
/// Goroutines bound to a thread — by LockOSThread, or while they return from a declared blocking call and wait for
/// a P on their own thread's stack — joined, exiting and shut down (issue 17, bugs 4, 5 and 6).
/// </summary>
[Collection(StressCollection.Name)]
public sealed class LockedJoinAndExitTests
{
    public static TheoryData<int> Procs => new() { 1, 2, 4 };

    /// <summary>
    /// Bug 4a: a goroutine locked to its thread parks on a channel, is woken, and is joined by awaiting its handle.
    /// The inline join ran it on the joiner's thread.
    /// </summary>
    [Theory]
    [MemberData(nameof(Procs))]
    public void LockedGoroutine_WokenThenJoined_ResumesOnItsOwnThread(int procs)
    {
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            for (int round = 0; round < 20; round++)
            {
                var wake = new Chan<int>(1);
                var locked = new Chan<bool>(1);
                var handle = Go.Spawn(async () =>
                {
                    Go.LockOSThread();
                    int thread = Environment.CurrentManagedThreadId;
                    await locked.SendAsync(true);
                    await wake.ReceiveAsync(); // parks; the send below makes it runnable
                    int resumedOn = Environment.CurrentManagedThreadId;
                    Go.UnlockOSThread();
                    return (thread, resumedOn);
                });
                await locked.ReceiveAsync();
                await wake.SendAsync(1); // runnable now, and joined at once below
                var (before, after) = await handle;
                Assert.Equal(before, after);
            }
        });
    }

    /// <summary>
    /// Bug 4b: goroutines run short declared blocking calls; main awaits every handle. A goroutine returning from its
    /// call without a P is queued as runnable while still on its own thread's stack; the inline join ran it on
    /// main's thread too, and the run hung with that goroutine "[waiting, locked to thread]" (or a false deadlock).
    /// </summary>
    [Theory]
    [MemberData(nameof(Procs))]
    public void GoroutinesInShortBlockingCalls_JoinedByHandle_AllComplete(int procs)
    {
        using var rt = new TestRuntime(procs);
        for (int round = 0; round < 10; round++)
        {
            int total = rt.Run(async () =>
            {
                var handles = new GoTask<int>[20];
                for (int i = 0; i < handles.Length; i++)
                {
                    int id = i;
                    handles[i] = Go.Spawn(async () =>
                    {
                        int thread = Environment.CurrentManagedThreadId;
                        Go.Blocking(() => Thread.Sleep(2));
                        Assert.Equal(thread, Environment.CurrentManagedThreadId); // the call returns on its own thread
                        await Go.Yield();
                        return id;
                    });
                }

                int sum = 0;
                foreach (var h in handles) sum += await h;
                return sum;
            });
            Assert.Equal(190, total);
        }
    }

    /// <summary>
    /// Bug 6: a goroutine that exits while locked ends its thread, as in Go: no later goroutine runs on it or sees
    /// its thread-static state.
    /// </summary>
    [Theory]
    [MemberData(nameof(Procs))]
    public void GoroutineExitingWhileLocked_ItsThreadRunsNoOtherGoroutine(int procs)
    {
        using var rt = new TestRuntime(procs);
        var lockedThreads = new System.Collections.Concurrent.ConcurrentDictionary<Thread, bool>(); // by reference: managed thread ids are reused
        int reused = 0;
        rt.Run(async () =>
        {
            for (int round = 0; round < 20; round++)
            {
                await Go.Spawn(async () =>
                {
                    Go.LockOSThread();
                    t_mark = "locked goroutine's state";
                    lockedThreads[Thread.CurrentThread] = true;
                    await Go.Yield();
                    // Exits without UnlockOSThread.
                });

                var probes = new GoTask[2 * procs];
                for (int i = 0; i < probes.Length; i++)
                {
                    probes[i] = Go.Spawn(async () =>
                    {
                        for (int k = 0; k < 3; k++)
                        {
                            if (t_mark is not null || lockedThreads.ContainsKey(Thread.CurrentThread)) Interlocked.Increment(ref reused);
                            await Go.Yield();
                        }
                    });
                }

                foreach (var p in probes) await p;
            }
        });
        Assert.Equal(0, reused);
        // Each locked thread ends (it leaves the runtime's M list a moment after its goroutine's handle completes).
        Assert.True(SpinWait.SpinUntil(() => !rt.Runtime.Scheduler.SnapshotMs().Any(m => lockedThreads.ContainsKey(m.Thread!)),
            TestRuntime.HangGuard), "a thread whose goroutine exited locked is still one of the runtime's Ms");
    }

    [ThreadStatic] private static string? t_mark;

    /// <summary>
    /// Bug 5: shutdown while a goroutine is inside a declared blocking call that returns afterwards. The returning
    /// thread waited for a P forever and Dispose waited its whole 10 s.
    /// </summary>
    [Theory]
    [MemberData(nameof(Procs))]
    public void Shutdown_WhileBlockingCallsReturnAfterIt_EveryThreadExits(int procs)
    {
        var rt = new GoRuntime(new GoOptions { MaxProcs = procs, PanicHandler = _ => { }, Name = "test" });
        using var release = new ManualResetEventSlim();
        using var entered = new CountdownEvent(procs + 1);
        for (int i = 0; i < procs + 1; i++)
        {
            rt.Start(async () =>
            {
                entered.Signal();
                Go.Blocking(() => release.Wait(TestRuntime.HangGuard));
                await Go.Yield();
            });
        }

        // Keep every P busy, so a call returning after shutdown cannot get its P straight back.
        for (int i = 0; i < procs; i++) rt.Start(async () => { while (true) await Go.Yield(); });
        Assert.True(entered.Wait(TestRuntime.HangGuard));
        var threads = rt.Scheduler.SnapshotMs().Select(m => m.Thread!).ToList();
        var shutdown = rt.ShutdownAsync();
        release.Set();
        Assert.True(shutdown.Wait(TimeSpan.FromSeconds(30)), "shutdown did not complete after the blocking calls returned");
        Assert.Equal(0, rt.Scheduler.ThreadCount);
        Assert.All(threads, t => Assert.True(t.Join(TestRuntime.HangGuard)));
    }
}
