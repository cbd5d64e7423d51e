using Weft.Tests.Channels;

namespace Weft.Tests.Scopes;

/// <summary>golang.org/x/sync/errgroup behaviours (errgroup_test.go): first error, context cancellation, limits, TryGo.</summary>
public class ErrGroupTests
{
    [Fact]
    public void Wait_ReturnsTheFirstError_OrNull()
    {
        // Go's TestZeroGroup.
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var g = new ErrGroup();
            for (int i = 0; i < 5; i++) await g.Go(async () => await Go.Yield());
            Assert.Null(await g.WaitAsync());

            var first = new InvalidOperationException("first");
            // The group's context is canceled when the group records its first error: the second goroutine is let go
            // only after that, so "first" is first by the group's own account, not by a guess about scheduling.
            var (g2, recorded) = ErrGroup.WithContext(GoContext.Background);
            var gate = new Chan<bool>();
            await g2.Go(() => throw first);
            await g2.Go(async () =>
            {
                await gate.ReceiveAsync();
                throw new FormatException("second");
            });
            await recorded.Done.ReceiveAsync();
            gate.Close();
            Assert.Same(first, await g2.WaitAsync());
        });
    }

    [Fact]
    public void WithContext_FirstErrorCancelsTheContext_WaitCancelsItAnyway()
    {
        // Go's TestWithContext.
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var (g, ctx) = ErrGroup.WithContext(GoContext.Background);
            var boom = new IOException("boom");
            await g.Go(async () => await Go.Sleep(TimeSpan.FromHours(1), ctx));
            await g.Go(() => throw boom);
            Assert.Same(boom, await g.WaitAsync());
            Assert.Same(GoContext.Canceled, ctx.Err);
            Assert.Same(boom, GoContext.Cause(ctx));

            var (ok, okCtx) = ErrGroup.WithContext(GoContext.Background);
            await ok.Go(() => GoTask.CompletedTask);
            Assert.Null(await ok.WaitAsync());
            Assert.Same(GoContext.Canceled, okCtx.Err);
        });
    }

    [Fact]
    public void SetLimit_BoundsActiveSubtasks_GoWaitsForASlot_TryGoRefuses()
    {
        // Go's TestGoLimit / TestTryGo.
        using var rt = new TestRuntime(4);
        rt.Run(async () =>
        {
            var g = new ErrGroup();
            g.SetLimit(3);
            int active = 0, peak = 0;
            for (int i = 0; i < 40; i++)
            {
                await g.Go(async () =>
                {
                    int now = Interlocked.Increment(ref active);
                    int p;
                    while ((p = Volatile.Read(ref peak)) < now) Interlocked.CompareExchange(ref peak, now, p);
                    await Go.Sleep(TimeSpan.FromMilliseconds(0.5));
                    Interlocked.Decrement(ref active);
                });
            }

            Assert.Null(await g.WaitAsync());
            Assert.InRange(peak, 1, 3);

            var t = new ErrGroup();
            t.SetLimit(1);
            var release = new Chan<bool>();
            Assert.True(t.TryGo(async () => await release.ReceiveAsync()));
            Assert.False(t.TryGo(() => GoTask.CompletedTask));
            Assert.Throws<InvalidOperationException>(() => t.SetLimit(2));
            release.Close();
            Assert.Null(await t.WaitAsync());
            t.SetLimit(-1);
            Assert.True(t.TryGo(() => GoTask.CompletedTask));
            Assert.Null(await t.WaitAsync());
        });
    }
}
