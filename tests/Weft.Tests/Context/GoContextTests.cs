using Weft.Tests.Channels;

namespace Weft.Tests.Context;

/// <summary>Go's context behaviours (context_test.go, x_test.go): propagation, deadlines, values, cause, AfterFunc, interop.</summary>
public class GoContextTests
{
    [Fact]
    public void Background_IsNeverCanceled_AndItsDoneIsANilChannel()
    {
        var bg = GoContext.Background;
        Assert.Null(bg.Err);
        Assert.Null(bg.Deadline);
        Assert.Null(bg.Done.Channel);
        Assert.False(bg.CancellationToken.CanBeCanceled);
        Assert.Equal("context.Background", bg.ToString());
        Assert.Equal("context.TODO", GoContext.TODO.ToString());
    }

    [Fact]
    public void WithCancel_CancelClosesDoneForThisAndEveryDescendant_NotTheParent()
    {
        // Go's TestWithCancel / TestParentFinishesChild.
        var (parent, cancelParent) = GoContext.WithCancel(GoContext.Background);
        var (child, _) = GoContext.WithCancel(parent);
        var valueChild = GoContext.WithValue(child, "k", "v");
        var (grandchild, _) = GoContext.WithTimeout(valueChild, TimeSpan.FromHours(1));
        var (sibling, cancelSibling) = GoContext.WithCancel(parent);

        cancelSibling();
        Assert.Same(GoContext.Canceled, sibling.Err);
        Assert.Null(parent.Err);
        Assert.Null(child.Err);

        cancelParent();
        foreach (var c in new[] { parent, child, valueChild, grandchild })
        {
            Assert.Same(GoContext.Canceled, c.Err);
            Assert.False(c.Done.TryReceive(out _, out bool ok) && ok);
            Assert.True(c.Done.TryReceive(out _, out ok)); // closed: receives at once
            Assert.False(ok);
            Assert.True(c.CancellationToken.IsCancellationRequested);
        }

        cancelParent(); // again: nothing happens
        Assert.Equal("context.Background.WithCancel.WithCancel", child.ToString());
    }

    [Fact]
    public void ChildOfCanceledParent_IsCanceledAtOnce()
    {
        var (parent, cancel) = GoContext.WithCancelCause(GoContext.Background);
        var cause = new TimeoutException("upstream");
        cancel(cause);
        var (child, _) = GoContext.WithCancel(parent);
        Assert.Same(GoContext.Canceled, child.Err);
        Assert.Same(cause, GoContext.Cause(child));
    }

    [Fact]
    public void Cause_IsTheGivenCause_ElseErr_AndNullWhileLive()
    {
        // Go's TestCause.
        var (a, cancelA) = GoContext.WithCancelCause(GoContext.Background);
        Assert.Null(GoContext.Cause(a));
        var why = new InvalidDataException("why");
        cancelA(why);
        cancelA(new Exception("later cause is ignored"));
        Assert.Same(GoContext.Canceled, a.Err);
        Assert.Same(why, GoContext.Cause(a));

        var (b, cancelB) = GoContext.WithCancel(GoContext.Background);
        cancelB();
        Assert.Same(GoContext.Canceled, GoContext.Cause(b));

        var (c, cancelC) = GoContext.WithCancelCause(GoContext.Background);
        cancelC(null);
        Assert.Same(GoContext.Canceled, GoContext.Cause(c));
        Assert.Null(GoContext.Cause(GoContext.WithValue(GoContext.Background, 1, 2)));
    }

    [Fact]
    public void Deadline_InsideAGoroutine_FiresOnTheRuntimeTimer_WithDeadlineExceeded()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var (ctx, cancel) = GoContext.WithTimeout(GoContext.Background, TimeSpan.FromMilliseconds(20));
            Assert.NotNull(ctx.Deadline);
            var r = await Select.Of(Select.Receive(ctx.Done), Select.Receive(Time.After(TimeSpan.FromSeconds(30))));
            Assert.Equal(0, r.Index);
            Assert.IsType<ContextDeadlineExceededException>(ctx.Err);
            Assert.Same(GoContext.DeadlineExceeded, GoContext.Cause(ctx));
            Assert.Equal("context deadline exceeded", ctx.Err!.Message);
            cancel(); // after the deadline: does nothing
            Assert.IsType<ContextDeadlineExceededException>(ctx.Err);
        });
    }

    [Fact]
    public void Deadline_OutsideGoroutines_FiresOnADotNetTimer()
    {
        var (ctx, _) = GoContext.WithTimeout(GoContext.Background, TimeSpan.FromMilliseconds(10));
        Assert.True(ctx.CancellationToken.WaitHandle.WaitOne(TestRuntime.HangGuard));
        Assert.IsType<ContextDeadlineExceededException>(ctx.Err);
    }

    [Fact]
    public void Deadline_ParentsEarlierDeadlineWins_AndPastDeadlineCancelsAtOnce()
    {
        // Go's TestDeadline / TestTimeout shapes.
        var (parent, cancelParent) = GoContext.WithTimeout(GoContext.Background, TimeSpan.FromHours(1));
        var (child, cancelChild) = GoContext.WithDeadline(parent, DateTime.UtcNow.AddHours(5));
        Assert.Equal(parent.Deadline, child.Deadline);
        var (past, _) = GoContext.WithDeadline(GoContext.Background, DateTime.UtcNow.AddSeconds(-1));
        Assert.IsType<ContextDeadlineExceededException>(past.Err);
        cancelChild();
        cancelParent();
        Assert.Throws<ArgumentOutOfRangeException>(() => GoContext.WithTimeout(GoContext.Background, TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public void Cancel_BeforeTheDeadline_StopsTheTimer_SoTheRuntimeCanSeeADeadlock()
    {
        // A pending timer keeps the deadlock check quiet; a canceled deadline context must not leave one behind.
        using var rt = new TestRuntime(1);
        var ex = Assert.Throws<DeadlockException>(() => rt.Run(async () =>
        {
            var (_, cancel) = GoContext.WithTimeout(GoContext.Background, TimeSpan.FromHours(1));
            cancel();
            await new Chan<int>().ReceiveAsync();
        }));
        Assert.Contains("[chan receive", ex.Dump);
        rt.IgnoreLeaks();
    }

    [Fact]
    public void Values_AreFoundUpTheChain_InnermostWins()
    {
        // Go's TestValues.
        var c1 = GoContext.WithValue(GoContext.Background, "a", 1);
        var (c2, cancel) = GoContext.WithCancel(c1);
        var c3 = GoContext.WithValue(c2, "b", 2);
        var c4 = GoContext.WithValue(c3, "a", 3);
        Assert.Equal(3, c4.Value("a"));
        Assert.Equal(2, c4.Value("b"));
        Assert.Equal(1, c3.Value("a"));
        Assert.Null(c3.Value("missing"));
        Assert.Null(c1.Value("b"));
        cancel();
        Assert.Equal(1, c3.Value("a")); // values survive cancellation
        Assert.Throws<ArgumentNullException>(() => GoContext.WithValue(GoContext.Background, null!, 1));
    }

    [Fact]
    public void WithoutCancel_KeepsValues_DropsCancellationAndDeadline()
    {
        var (parent, cancel) = GoContext.WithTimeout(GoContext.WithValue(GoContext.Background, "k", "v"), TimeSpan.FromHours(1));
        var detached = GoContext.WithoutCancel(parent);
        var (child, _) = GoContext.WithCancel(detached);
        cancel();
        Assert.NotNull(parent.Err);
        Assert.Null(detached.Err);
        Assert.Null(detached.Deadline);
        Assert.Null(child.Err);
        Assert.Equal("v", child.Value("k"));
    }

    [Fact]
    public void AfterFunc_RunsInItsOwnGoroutineOnCancel_StopPreventsIt()
    {
        // Go's TestAfterFuncCalledAfterCancel / TestAfterFuncNotCalledAfterStop / TestAfterFuncCalledImmediately.
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var ran = new Chan<long>(3);
            var (ctx, cancel) = GoContext.WithCancel(GoContext.Background);
            var stop = GoContext.AfterFunc(ctx, () => ran.TrySend(Go.CurrentId));
            var (ctx2, cancel2) = GoContext.WithCancel(GoContext.Background);
            var stop2 = GoContext.AfterFunc(ctx2, () => ran.TrySend(-1));
            Assert.True(stop2());
            Assert.False(stop2());
            cancel2();

            cancel();
            long id = await ran.ReceiveAsync();
            Assert.NotEqual(Go.CurrentId, id); // its own goroutine
            Assert.False(stop()); // already started

            var late = GoContext.AfterFunc(ctx, () => ran.TrySend(7)); // ctx already done: runs at once
            Assert.Equal(7, await ran.ReceiveAsync());
            Assert.False(late());
            Assert.Equal(0, ran.Len);
        });
    }

    [Fact]
    public void CancellationToken_ConvertsBothWays()
    {
        using var cts = new CancellationTokenSource();
        var ctx = GoContext.FromCancellationToken(cts.Token);
        var (child, _) = GoContext.WithCancel(ctx);
        Assert.Same(GoContext.Background, GoContext.FromCancellationToken(CancellationToken.None));
        var token = child.CancellationToken;
        Assert.False(token.IsCancellationRequested);
        cts.Cancel();
        Assert.Same(GoContext.Canceled, ctx.Err);
        Assert.IsAssignableFrom<OperationCanceledException>(GoContext.Cause(ctx));
        Assert.Same(GoContext.Canceled, child.Err);
        Assert.True(token.IsCancellationRequested);
    }

    [Fact]
    public void EveryWeftWait_AcceptsAContext()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var (ctx, cancel) = GoContext.WithCancel(GoContext.Background);
            var c = new Chan<int>();
            var recv = Go.Spawn(async () => { await c.ReceiveAsync(ctx); });
            var recvOk = Go.Spawn(async () => { await c.Reader.ReceiveWithOkAsync(ctx); });
            var send = Go.Spawn(async () => await new Chan<int>().SendAsync(1, ctx));
            var select = Go.Spawn(async () => { await Select.Of(ctx, Select.Receive(new Chan<int>()), Select.Receive(new Chan<int>())); });
            var sleep = Go.Spawn(async () => await Go.Sleep(TimeSpan.FromHours(1), ctx));
            var mu = new Weft.Sync.Mutex();
            await mu.LockAsync();
            var lockWait = Go.Spawn(async () => await mu.LockAsync(ctx));
            var sem = new Weft.Sync.Semaphore(1);
            await sem.AcquireAsync(1);
            var acquire = Go.Spawn(async () => await sem.AcquireAsync(1, ctx));
            await ChanTestUtil.WaitUntil(() => Go.Dump().Split("[select").Length > 1 && mu.ParkedWaiters == 1 && sem.Waiting == 1, "all parked");
            cancel();
            foreach (var t in new[] { recv, recvOk, send, select, sleep, lockWait, acquire })
                await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await t);
            mu.Unlock();
            sem.Release(1);
            Assert.Same(GoContext.Canceled, ctx.Err);
        });
    }

    [Fact]
    public void DoneChannel_WorksInSelect_WithOtherCases()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var (ctx, cancel) = GoContext.WithCancel(GoContext.Background);
            var work = new Chan<int>();
            Go.Start(async () =>
            {
                await work.SendAsync(1);
                cancel();
            });
            int got = 0;
            while (true)
            {
                var r = await Select.Of(Select.Receive(work), Select.Receive(ctx.Done));
                if (r.Index == 1) break;
                got += r.Value<int>();
            }

            Assert.Equal(1, got);
        });
    }

    [Fact]
    public void DeepChainAndWideTree_CancelIterativelyWithoutGoroutines()
    {
        var (root, cancel) = GoContext.WithCancel(GoContext.Background);
        var ctx = root;
        for (int i = 0; i < 100_000; i++) ctx = GoContext.WithCancel(ctx).Context; // recursion would overflow the stack
        var leaves = new List<GoContext>();
        for (int i = 0; i < 1000; i++) leaves.Add(GoContext.WithCancel(root).Context);
        cancel();
        Assert.Same(GoContext.Canceled, ctx.Err);
        Assert.All(leaves, l => Assert.Same(GoContext.Canceled, l.Err));
    }

    [Fact]
    public void NullContexts_AreRejected()
    {
        Assert.Throws<ArgumentNullException>(() => GoContext.WithCancel(null!));
        Assert.Throws<ArgumentNullException>(() => new Chan<int>().ReceiveAsync((GoContext)null!));
        Assert.Throws<ArgumentNullException>(() => GoContext.AfterFunc(GoContext.Background, null!));
    }
}
