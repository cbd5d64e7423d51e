using Weft.Tests.Channels;

namespace Weft.Tests.Sync;

/// <summary>x/sync/semaphore behaviours (semaphore_test.go): weights, FIFO, TryAcquire, context cancellation, misuse.</summary>
public class SemaphoreTests
{
    [Fact]
    public void Acquire_WithinSize_DoesNotWait_TryAcquireRespectsTheSize()
    {
        using var rt = new TestRuntime(1);
        rt.Run(async () =>
        {
            var sem = new Weft.Sync.Semaphore(3);
            await sem.AcquireAsync(2, GoContext.Background);
            Assert.True(sem.TryAcquire(1));
            Assert.False(sem.TryAcquire(1));
            sem.Release(3);
            Assert.True(sem.TryAcquire(3));
            sem.Release(3);
        });
    }

    [Fact]
    public void LargeWaiterAtTheHead_IsNotOvertakenBySmallerOnes()
    {
        // Go's TestLargeAcquireDoesntStarve: FIFO, no barging past the head.
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var sem = new Weft.Sync.Semaphore(2);
            await sem.AcquireAsync(1);
            var order = new Chan<int>(3);
            var big = Go.Spawn(async () =>
            {
                await sem.AcquireAsync(2);
                await order.SendAsync(2);
                sem.Release(2);
            });
            await ChanTestUtil.WaitUntil(() => sem.Waiting == 1, "big waiter queued");
            Assert.False(sem.TryAcquire(1)); // a unit is free, but the big waiter is first
            var small = Go.Spawn(async () =>
            {
                await sem.AcquireAsync(1);
                await order.SendAsync(1);
                sem.Release(1);
            });
            await ChanTestUtil.WaitUntil(() => sem.Waiting == 2, "small waiter queued behind");
            sem.Release(1);
            Assert.Equal(2, await order.ReceiveAsync());
            Assert.Equal(1, await order.ReceiveAsync());
            await big;
            await small;
            Assert.Equal(0, sem.Held);
        });
    }

    [Fact]
    public void Acquire_CanceledWhileWaiting_TakesNothing_AndWakesThoseBehind()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var sem = new Weft.Sync.Semaphore(2);
            await sem.AcquireAsync(1);
            var (ctx, cancel) = GoContext.WithCancel(GoContext.Background);
            var big = Go.Spawn(async () => await sem.AcquireAsync(2, ctx));
            await ChanTestUtil.WaitUntil(() => sem.Waiting == 1, "big waiter queued");
            var small = Go.Spawn(async () => await sem.AcquireAsync(1));
            await ChanTestUtil.WaitUntil(() => sem.Waiting == 2, "small waiter queued");
            cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await big);
            Assert.Same(GoContext.Canceled, ctx.Err);
            await small; // the head left: the small one fits now
            Assert.Equal(2, sem.Held);
            sem.Release(2);

            // Done before the call: fails even with free units (Go prefers failing).
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await sem.AcquireAsync(1, ctx));
            Assert.Equal(0, sem.Held);
        });
    }

    [Fact]
    public void Acquire_MoreThanTheSize_WaitsOnlyForTheContext_WithoutBlockingOthers()
    {
        using var rt = new TestRuntime(1);
        rt.Run(async () =>
        {
            var sem = new Weft.Sync.Semaphore(1);
            var (ctx, cancel) = GoContext.WithTimeout(GoContext.Background, TimeSpan.FromMilliseconds(5));
            var doomed = Go.Spawn(async () => await sem.AcquireAsync(5, ctx));
            await sem.AcquireAsync(1); // not stuck behind the doomed request
            sem.Release(1);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await doomed);
            Assert.IsType<ContextDeadlineExceededException>(ctx.Err);
            cancel();
        });
    }

    [Fact]
    public void Misuse_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Weft.Sync.Semaphore(-1));
        var sem = new Weft.Sync.Semaphore(1);
        Assert.Contains("released more than held", Assert.Throws<InvalidOperationException>(() => sem.Release(1)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => sem.TryAcquire(-1));
        Assert.Throws<InvalidOperationException>(() => sem.Acquire(2)); // could never be satisfied: would block forever
    }
}
