// These tests await Task.Delay/Task.Yield/Task.Run inside goroutines on purpose: that is what they test.
#pragma warning disable WEFT002

namespace Weft.Tests.Scheduling;

/// <summary>
/// ExecutionContext flow (DESIGN §2): AsyncLocal values flow within a goroutine across every kind of await, a child
/// goroutine starts with a copy of its parent's values (like Task.Run), and nothing leaks between goroutines that
/// share an M.
/// </summary>
public sealed class AsyncLocalTests
{
    public static TheoryData<int> Procs => new() { 1, 2, 4 };

    private static readonly AsyncLocal<string?> s_value = new();

    private static async GoTask<string?> ReadAfterSuspendingAsync()
    {
        await Go.Yield();
        return s_value.Value;
    }

    private static async GoTask SetInCalleeAsync()
    {
        s_value.Value = "callee";
        await Go.Yield();
        Assert.Equal("callee", s_value.Value);
    }

    [Theory]
    [MemberData(nameof(Procs))]
    public void AsyncLocal_SetInAGoroutine_FlowsAcrossWeftAndForeignAwaits(int procs)
    {
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            s_value.Value = "mine";
            await Go.Yield();
            Assert.Equal("mine", s_value.Value);
            await Go.Sleep(1);
            Assert.Equal("mine", s_value.Value);
            await Task.Delay(1);
            Assert.Equal("mine", s_value.Value);
            await Task.Run(() => { });
            Assert.Equal("mine", s_value.Value);
            Assert.Equal("mine", await ReadAfterSuspendingAsync());
            Assert.Equal("mine", await Go.Spawn(ReadAfterSuspendingAsync)); // copied into the child at start
            Assert.Equal("mine", s_value.Value);
        });
    }

    [Fact]
    public void AsyncLocal_SetInsideACalledGoTaskMethod_DoesNotFlowBackToTheCaller()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            s_value.Value = "caller";
            await SetInCalleeAsync();
            Assert.Equal("caller", s_value.Value);
        });
    }

    [Fact]
    public void AsyncLocal_ChildGoroutine_StartsWithACopyAndItsChangesDoNotFlowBack()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            s_value.Value = "parent";
            var child = Go.Spawn(async () =>
            {
                var seen = s_value.Value;
                s_value.Value = "child";
                await Go.Yield();
                return seen + "/" + s_value.Value;
            });
            Assert.Equal("parent/child", await child);
            Assert.Equal("parent", s_value.Value);
        });
    }

    [Fact]
    public void AsyncLocal_ValueOfTheStartingThread_FlowsIntoTheGoroutine()
    {
        using var rt = new TestRuntime(2);
        s_value.Value = "outside";
        try
        {
            Assert.Equal("outside", rt.Run(async () =>
            {
                await Go.Yield();
                return s_value.Value;
            }));
        }
        finally
        {
            s_value.Value = null;
        }
    }

    [Theory]
    [MemberData(nameof(Procs))]
    public void AsyncLocal_ManyGoroutinesSharingMs_NeverSeeEachOthersValues(int procs)
    {
        const int n = 64, rounds = 50;
        using var rt = new TestRuntime(procs);
        int leaks = 0;
        using var done = new CountdownEvent(n + 1);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Started from a thread whose context has no value, so each goroutine starts empty.
        using (ExecutionContext.SuppressFlow())
        {
            for (int i = 0; i < n; i++)
            {
                string mine = $"g{i}";
                rt.Runtime.Start(async () =>
                {
                    if (s_value.Value is not null) Interlocked.Increment(ref leaks);
                    s_value.Value = mine;
                    await gate.Task;
                    for (int r = 0; r < rounds; r++)
                    {
                        if (r % 3 == 0) await Go.Yield();
                        else if (r % 3 == 1) await Go.Sleep(0.1);
                        else await Task.Yield();
                        if (s_value.Value != mine) Interlocked.Increment(ref leaks);
                    }

                    done.Signal();
                });
            }

            // One goroutine that never sets the value runs among them and must always see nothing.
            rt.Runtime.Start(async () =>
            {
                await gate.Task;
                for (int r = 0; r < rounds * 2; r++)
                {
                    await Go.Yield();
                    if (s_value.Value is not null) Interlocked.Increment(ref leaks);
                }

                done.Signal();
            });
        }

        gate.SetResult();
        Assert.True(done.Wait(TestRuntime.HangGuard));
        Assert.Equal(0, leaks);
    }

    /// <summary>The body shapes a goroutine can have; each sets the value in its first, synchronous step.</summary>
    public static IEnumerable<object[]> BodyShapes() =>
        from procs in new[] { 1, 2, 4 }
        from shape in new[] { "Action", "Func<Task> sync", "Func<Task> async", "Func<GoTask> sync", "Func<GoTask> async", "Spawn sync", "Spawn async", "Spawn joined" }
        select new object[] { procs, shape };

    /// <summary>
    /// Issue 17, bug 8: after <c>Go.Start(() =&gt; { al.Value = 99; })</c> the starter and later goroutines on that thread
    /// read 99: the thread's context was restored after resumed frames but not after a starting body. For every body
    /// shape, a value set by a goroutine never reaches its starter or any goroutine that runs later on the same M.
    /// </summary>
    [Theory]
    [MemberData(nameof(BodyShapes))]
    public void AsyncLocal_SetByAnyBodyShape_NeverLeaksToTheStarterOrLaterGoroutines(int procs, string shape)
    {
        using var rt = new TestRuntime(procs);
        int leaks = 0;
        rt.Run(async () =>
        {
            for (int round = 0; round < 50; round++)
            {
                string mine = $"{shape}#{round}";
                var done = new Chan<bool>(1);
                switch (shape)
                {
                    case "Action":
                        Go.Start(() => { s_value.Value = mine; done.TrySend(true); });
                        break;
                    case "Func<Task> sync":
                        Go.Start(() => { s_value.Value = mine; done.TrySend(true); return Task.CompletedTask; });
                        break;
                    case "Func<Task> async":
                        Go.Start(async () => { s_value.Value = mine; done.TrySend(true); await Task.Yield(); });
                        break;
                    case "Func<GoTask> sync":
                        Go.Start(() => { s_value.Value = mine; done.TrySend(true); return default(GoTask); });
                        break;
                    case "Func<GoTask> async":
                        Go.Start(async () => { s_value.Value = mine; await done.SendAsync(true); await Go.Yield(); });
                        break;
                    case "Spawn sync":
                        _ = Go.Spawn(() => { s_value.Value = mine; done.TrySend(true); return default(GoTask); });
                        break;
                    case "Spawn async":
                        _ = Go.Spawn(async () => { s_value.Value = mine; await done.SendAsync(true); await Go.Yield(); });
                        break;
                    case "Spawn joined":
                        await Go.Spawn(() => { s_value.Value = mine; done.TrySend(true); return default(GoTask); });
                        break;
                }

                await done.ReceiveAsync();
                if (s_value.Value is not null) Interlocked.Increment(ref leaks); // the starter
                // Goroutines that run next, most likely on the same M (runnext), must start clean too.
                var probe = Go.Spawn(async () =>
                {
                    bool clean = s_value.Value is null;
                    await Go.Yield();
                    return clean && s_value.Value is null;
                });
                if (!await probe) Interlocked.Increment(ref leaks);
                Go.Start(() => { if (s_value.Value is not null) Interlocked.Increment(ref leaks); });
                await Go.Yield();
            }
        });
        Assert.Equal(0, leaks);
    }
}
