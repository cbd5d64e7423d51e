namespace Weft.Tests.Scheduling;

/// <summary>DESIGN §8: every misuse fails at once with an exception that names the mistake.</summary>
public sealed class ArgumentValidationTests
{
    [Fact]
    public void StartSpawnRun_NullDelegate_ThrowArgumentNullExceptionAndStartNothing()
    {
        using var rt = new TestRuntime(1);
        var r = rt.Runtime;
        Assert.Equal("body", Assert.Throws<ArgumentNullException>(() => r.Start((Func<GoTask>)null!)).ParamName);
        Assert.Equal("body", Assert.Throws<ArgumentNullException>(() => r.Start((Func<Task>)null!)).ParamName);
        Assert.Equal("body", Assert.Throws<ArgumentNullException>(() => r.Start((Action)null!)).ParamName);
        Assert.Equal("body", Assert.Throws<ArgumentNullException>(() => r.Spawn((Func<GoTask>)null!)).ParamName);
        Assert.Equal("body", Assert.Throws<ArgumentNullException>(() => r.Spawn((Func<GoTask<int>>)null!)).ParamName);
        Assert.Throws<ArgumentNullException>(() => r.Run((Func<GoTask>)null!));
        Assert.Throws<ArgumentNullException>(() => r.Run((Func<GoTask<int>>)null!));
        Assert.Throws<ArgumentNullException>(() => { _ = r.RunAsync((Func<GoTask>)null!); });
        Assert.Throws<ArgumentNullException>(() => { _ = r.RunAsync((Func<GoTask<int>>)null!); });
        Assert.Equal(0, r.NumGoroutine);
        Assert.Equal(0, r.Scheduler.ThreadCount);
    }

    [Fact]
    public void GoStaticMethods_NullDelegate_ThrowArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => Go.Start((Func<GoTask>)null!));
        Assert.Throws<ArgumentNullException>(() => Go.Start((Func<Task>)null!));
        Assert.Throws<ArgumentNullException>(() => Go.Start((Action)null!));
        Assert.Throws<ArgumentNullException>(() => Go.Spawn((Func<GoTask>)null!));
        Assert.Throws<ArgumentNullException>(() => Go.Spawn((Func<GoTask<int>>)null!));
        Assert.Throws<ArgumentNullException>(() => Go.Run((Func<GoTask>)null!));
        Assert.Throws<ArgumentNullException>(() => Go.Run((Func<GoTask<int>>)null!));
    }

    [Fact]
    public void StartInsideAGoroutine_NullDelegate_ThrowsInThatGoroutine()
    {
        using var rt = new TestRuntime(1);
        rt.Run(async () =>
        {
            await Go.Yield();
            Assert.Throws<ArgumentNullException>(() => Go.Start((Action)null!));
            Assert.Throws<ArgumentNullException>(() => Go.Spawn((Func<GoTask>)null!));
        });
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void SetMaxProcs_LessThanOne_ThrowsArgumentOutOfRangeAndKeepsTheValue(int n)
    {
        using var rt = new TestRuntime(2);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => rt.Runtime.SetMaxProcs(n));
        Assert.Equal("n", e.ParamName);
        Assert.Contains("SetMaxProcs", e.Message);
        Assert.Equal(2, rt.Runtime.MaxProcs);
        Assert.Throws<ArgumentOutOfRangeException>(() => Go.SetMaxProcs(n));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-4)]
    public void GoOptions_MaxProcsOrMaxThreadsNotPositive_ConstructorThrows(int n)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new GoRuntime(new GoOptions { MaxProcs = n }));
        Assert.Contains("MaxProcs", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new GoRuntime(new GoOptions { MaxProcs = 1, MaxThreads = n }));
        Assert.Contains("MaxThreads", e.Message);
    }

    [Fact]
    public void Sleep_NegativeOrNaN_ThrowsArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Go.Sleep(TimeSpan.FromMilliseconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Go.Sleep(TimeSpan.FromTicks(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Go.Sleep(TimeSpan.MinValue));
        Assert.Throws<ArgumentOutOfRangeException>(() => Go.Sleep(-0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Go.Sleep(double.NegativeInfinity));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Go.Sleep(double.NaN));
        Assert.Equal("milliseconds", e.ParamName);
    }

    [Fact]
    public void DisposedRuntime_StartSpawnRunSetMaxProcs_ThrowObjectDisposedException()
    {
        var rt = new GoRuntime(new GoOptions { MaxProcs = 1 });
        rt.Run(async () => await Go.Yield());
        rt.Dispose();

        Assert.Throws<ObjectDisposedException>(() => rt.Start(() => { }));
        Assert.Throws<ObjectDisposedException>(() => rt.Start(async () => await Go.Yield()));
        Assert.Throws<ObjectDisposedException>(() => rt.Start((Func<Task>)(() => Task.CompletedTask)));
        Assert.Throws<ObjectDisposedException>(() => rt.Spawn(async () => await Go.Yield()));
        Assert.Throws<ObjectDisposedException>(() => rt.Spawn(() => new GoTask<int>(1)));
        Assert.Throws<ObjectDisposedException>(() => rt.Run(async () => await Go.Yield()));
        Assert.Throws<ObjectDisposedException>(() => { _ = rt.RunAsync(async () => await Go.Yield()); });
        Assert.Throws<ObjectDisposedException>(() => rt.SetMaxProcs(2));
        Assert.Equal(0, rt.Scheduler.ThreadCount);
    }

    [Fact]
    public void DisposedRuntime_GoroutineStartingAChildDuringShutdown_GetsObjectDisposedException()
    {
        var rt = new GoRuntime(new GoOptions { MaxProcs = 1, PanicHandler = _ => { } });
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var caught = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var inGoroutine = new ManualResetEventSlim();
        rt.Start(() =>
        {
            inGoroutine.Set();
#pragma warning disable WEFT001 // hold the M (a blocking wait, on purpose) until the runtime is shut down
            gate.Task.Wait();
#pragma warning restore WEFT001
            try
            {
                Go.Start(() => { });
                caught.SetResult(null);
            }
            catch (Exception e)
            {
                caught.SetResult(e);
            }
        });
        Assert.True(inGoroutine.Wait(TestRuntime.HangGuard));
        var shutdown = rt.ShutdownAsync();
        gate.SetResult();
        Assert.True(caught.Task.Wait(TestRuntime.HangGuard));
        Assert.IsType<ObjectDisposedException>(caught.Task.Result);
        Assert.True(shutdown.Wait(TestRuntime.HangGuard));
    }

    [Fact]
    public void Run_InsideAGoroutine_ThrowsInvalidOperationException()
    {
        using var rt = new TestRuntime(1);
        var messages = rt.Run(async () =>
        {
            await Go.Yield();
            var a = Assert.Throws<InvalidOperationException>(() => Go.Run(async () => await Go.Yield()));
            var b = Assert.Throws<InvalidOperationException>(() => GoRuntime.Current!.Run(async () => await Go.Yield()));
            var c = Assert.Throws<InvalidOperationException>(() => GoRuntime.Current!.Run(() => new GoTask<int>(1)));
            return new[] { a.Message, b.Message, c.Message };
        });
        Assert.All(messages, m => Assert.Contains("cannot be called from a goroutine", m));
        Assert.Equal(0, rt.Runtime.NumGoroutine);
    }
}
