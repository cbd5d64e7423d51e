// These tests await Task.Delay/Task.Yield/Task.Run inside goroutines on purpose: that is what they test.
#pragma warning disable WEFT002

using Weft.Scheduling;

namespace Weft.Tests.Scheduling;

/// <summary>
/// Awaiting ordinary .NET tasks inside goroutines (DESIGN §2): the continuation readies the same goroutine on Weft's
/// scheduler — a runtime thread of the same runtime, never the .NET ThreadPool — for GoTask bodies and for plain
/// <c>Func&lt;Task&gt;</c> bodies.
/// </summary>
public sealed class ForeignAwaitTests : IDisposable
{
    public static TheoryData<int> Procs => new() { 1, 2, 4 };

    private readonly string _file = Path.Combine(Path.GetTempPath(), $"weft-foreign-await-{Guid.NewGuid():N}.txt");

    public ForeignAwaitTests() => File.WriteAllText(_file, "hello from a file");

    public void Dispose() => File.Delete(_file);

    /// <summary>Asserts the code runs on a runtime thread of <paramref name="rt"/>, in goroutine <paramref name="id"/>.</summary>
    private static void AssertOnGoroutine(TestRuntime rt, long id, string after)
    {
        Assert.True(M.Current is not null, $"after {after}: not on a Weft thread");
        Assert.Same(rt.Runtime.Scheduler, M.Current!.Scheduler);
        Assert.False(Thread.CurrentThread.IsThreadPoolThread, $"after {after}: on a ThreadPool thread");
        Assert.Equal(id, Go.CurrentId);
        Assert.Same(rt.Runtime, GoRuntime.Current);
    }

    /// <summary>Runs a Task-based body as a goroutine (Start(Func&lt;Task&gt;)) and waits for it, rethrowing its failure.</summary>
    private static void RunTaskBody(TestRuntime rt, Func<Task> body)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        rt.Runtime.Start((Func<Task>)(async () =>
        {
            try
            {
                await body();
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        }));
        Assert.True(done.Task.Wait(TestRuntime.HangGuard), "the Task goroutine did not finish");
        done.Task.GetAwaiter().GetResult();
    }

    /// <summary>A task completed from a plain thread once <paramref name="g"/> has parked on it.</summary>
    private static Task<int> CompleteFromPlainThreadWhenParked(G g, int value)
    {
        var tcs = new TaskCompletionSource<int>(); // no RunContinuationsAsynchronously: the plain thread runs the continuation
        new Thread(() =>
        {
            SpinWait.SpinUntil(() => g.Status == GStatus.Waiting, TestRuntime.HangGuard);
            tcs.SetResult(value);
        }) { IsBackground = true, Name = "plain completer" }.Start();
        return tcs.Task;
    }

    [Theory]
    [MemberData(nameof(Procs))]
    public void GoTaskBody_AwaitTaskCompletedFromPlainThread_ResumesSameGoroutineOnWeftThread(int procs)
    {
        using var rt = new TestRuntime(procs);
        int value = rt.Run(async () =>
        {
            long id = Go.CurrentId;
            int v = await CompleteFromPlainThreadWhenParked(G.Current!, 42);
            AssertOnGoroutine(rt, id, "a TaskCompletionSource completed from a plain thread");
            return v;
        });
        Assert.Equal(42, value);
    }

    [Theory]
    [MemberData(nameof(Procs))]
    public void TaskBody_AwaitTaskCompletedFromPlainThread_ResumesSameGoroutineOnWeftThread(int procs)
    {
        using var rt = new TestRuntime(procs);
        RunTaskBody(rt, async () =>
        {
            long id = Go.CurrentId;
            Assert.NotEqual(0, id);
            Assert.Equal(42, await CompleteFromPlainThreadWhenParked(G.Current!, 42));
            AssertOnGoroutine(rt, id, "a TaskCompletionSource completed from a plain thread");
        });
    }

    [Theory]
    [MemberData(nameof(Procs))]
    public void GoTaskBody_AwaitTaskDelayAndTaskYield_ResumesSameGoroutineOnWeftThread(int procs)
    {
        using var rt = new TestRuntime(procs);
        rt.Run(async () =>
        {
            long id = Go.CurrentId;
            await Task.Delay(2);
            AssertOnGoroutine(rt, id, "Task.Delay");
            await Task.Yield();
            AssertOnGoroutine(rt, id, "Task.Yield");
            await new ValueTask(Task.Delay(1));
            AssertOnGoroutine(rt, id, "a ValueTask");
        });
    }

    [Theory]
    [MemberData(nameof(Procs))]
    public void TaskBody_AwaitTaskDelayAndTaskYield_ResumesSameGoroutineOnWeftThread(int procs)
    {
        using var rt = new TestRuntime(procs);
        RunTaskBody(rt, async () =>
        {
            long id = Go.CurrentId;
            await Task.Yield();
            AssertOnGoroutine(rt, id, "Task.Yield");
            await Task.Delay(2);
            AssertOnGoroutine(rt, id, "Task.Delay");
            await Go.Yield();
            AssertOnGoroutine(rt, id, "Go.Yield");
            await Go.Sleep(1);
            AssertOnGoroutine(rt, id, "Go.Sleep");
        });
    }

    [Theory]
    [MemberData(nameof(Procs))]
    public void GoTaskBody_AwaitFileReadAllTextAsync_ResumesSameGoroutineOnWeftThread(int procs)
    {
        using var rt = new TestRuntime(procs);
        string text = rt.Run(async () =>
        {
            long id = Go.CurrentId;
            var t = await File.ReadAllTextAsync(_file);
            AssertOnGoroutine(rt, id, "File.ReadAllTextAsync");
            await using var stream = new FileStream(_file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous);
            var buffer = new byte[5];
            int n = await stream.ReadAsync(buffer);
            AssertOnGoroutine(rt, id, "FileStream.ReadAsync");
            Assert.Equal(5, n);
            return t;
        });
        Assert.Equal("hello from a file", text);
    }

    [Fact]
    public void TaskBody_AwaitFileReadAllTextAsync_ResumesSameGoroutineOnWeftThread()
    {
        using var rt = new TestRuntime(2);
        RunTaskBody(rt, async () =>
        {
            long id = Go.CurrentId;
            Assert.Equal("hello from a file", await File.ReadAllTextAsync(_file));
            AssertOnGoroutine(rt, id, "File.ReadAllTextAsync");
        });
    }

    [Fact]
    public void GoTaskBody_AwaitFaultedTask_ExceptionReachesTheGoroutine()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            long id = Go.CurrentId;
            var ex = await Assert.ThrowsAsync<TimeoutException>(async () =>
            {
                await Task.Delay(1);
                throw new TimeoutException("foreign failure");
            });
            Assert.Equal("foreign failure", ex.Message);
            var tcs = new TaskCompletionSource();
            _ = Task.Run(() => tcs.SetException(new FormatException("from the pool")));
            try
            {
                await tcs.Task;
                Assert.Fail("no exception");
            }
            catch (FormatException e)
            {
                Assert.Equal("from the pool", e.Message);
            }

            AssertOnGoroutine(rt, id, "a faulted task");
        });
    }

    [Theory]
    [MemberData(nameof(Procs))]
    public void GoTaskBody_ManyGoroutinesAwaitingForeignTasks_AllResumeInTheirOwnGoroutine(int procs)
    {
        const int n = 2_000;
        using var rt = new TestRuntime(procs);
        int wrong = 0;
        using var done = new CountdownEvent(n);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        for (int i = 0; i < n; i++)
        {
            rt.Runtime.Start(async () =>
            {
                long id = Go.CurrentId;
                await gate.Task; // all complete at once, from the ThreadPool
                if (Go.CurrentId != id || M.Current is null || Thread.CurrentThread.IsThreadPoolThread) Interlocked.Increment(ref wrong);
                await Task.Delay(1);
                if (Go.CurrentId != id || M.Current is null || Thread.CurrentThread.IsThreadPoolThread) Interlocked.Increment(ref wrong);
                done.Signal();
            });
        }

        gate.SetResult();
        Assert.True(done.Wait(TestRuntime.HangGuard));
        Assert.Equal(0, wrong);
    }
}
