using Weft.Tests.Channels;

namespace Weft.Tests.Scopes;

/// <summary>Structured scopes: join, failure propagation, ownership, nesting, deadlines, policies, supervisor, dumps.</summary>
public class ScopeTests
{
    [Fact]
    public void Scope_WaitsForEveryChild_BeforeReturning()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            int finished = 0;
            await Go.Scope(async s =>
            {
                for (int i = 0; i < 50; i++)
                {
                    int n = i;
                    s.Go(async () =>
                    {
                        await Go.Sleep(TimeSpan.FromMilliseconds(n % 5));
                        Interlocked.Increment(ref finished);
                    });
                }

                await Go.Yield();
            });
            Assert.Equal(50, finished); // no child outlives the scope
            int sum = await Go.Scope(async s =>
            {
                int total = 0;
                for (int i = 1; i <= 10; i++)
                {
                    int n = i;
                    s.Go(async () =>
                    {
                        await Go.Yield();
                        Interlocked.Add(ref total, n);
                    });
                }

                await Go.Yield();
                return 0;
            });
            Assert.Equal(0, sum);
        });
    }

    [Fact]
    public void FirstFailure_CancelsTheOthers_IsRethrown_WithLaterFailuresAttached()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            int canceled = 0;
            var ex = await Assert.ThrowsAsync<InvalidOperationException>(async () => await Go.Scope(async s =>
            {
                for (int i = 0; i < 5; i++)
                {
                    s.Go(async () =>
                    {
                        try
                        {
                            await Go.Sleep(TimeSpan.FromHours(1), s.Context);
                        }
                        catch (OperationCanceledException)
                        {
                            Interlocked.Increment(ref canceled);
                            throw;
                        }
                    });
                }

                s.Go(async () =>
                {
                    await s.Context.Done.ReceiveWithOkAsync(); // fails only after the first failure shut the scope down
                    throw new FormatException("second");
                });
                s.Go(async () =>
                {
                    await Go.Yield();
                    throw new InvalidOperationException("first");
                });
                await Go.Yield();
            }));
            Assert.Equal("first", ex.Message);
            Assert.Equal(5, canceled);
            var later = Weft.Scope.SuppressedOf(ex);
            Assert.Single(later);
            Assert.IsType<FormatException>(later[0]); // not lost; the cancellations are not counted as failures
        });
    }

    [Fact]
    public void OnlyTheOwnerForks_AndNotAfterTheBodyReturned()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            Weft.Scope? escaped = null;
            await Go.Scope(async s =>
            {
                escaped = s;
                var fromChild = new Chan<Exception?>(1);
                s.Go(async () =>
                {
                    try
                    {
                        s.Go(() => GoTask.CompletedTask);
                        await fromChild.SendAsync(null);
                    }
                    catch (InvalidOperationException e)
                    {
                        await fromChild.SendAsync(e);
                    }
                });
                var e = await fromChild.ReceiveAsync();
                Assert.NotNull(e);
                Assert.Contains("Only the goroutine that opened scope", e!.Message);
            });
            var late = Assert.Throws<InvalidOperationException>(() => escaped!.Go(() => GoTask.CompletedTask));
            Assert.Contains("no more children", late.Message);
        });
    }

    [Fact]
    public void NestedScopes_CancelDownward_AndTheTreeShowsInTheDump()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var inner = new Chan<bool>();
            string dump = "";
            var ex = await Assert.ThrowsAsync<TimeoutException>(async () => await Go.Scope(async outer =>
            {
                outer.Go(async () =>
                {
                    await Go.Scope(async nested =>
                    {
                        nested.Go(async () =>
                        {
                            await inner.SendAsync(true);
                            await Go.Sleep(TimeSpan.FromHours(1), nested.Context); // canceled from the outer scope
                        });
                        await Go.Yield();
                    });
                });
                await inner.ReceiveAsync();
                await ChanTestUtil.WaitUntil(() => (dump = Go.Dump()).Contains("[sleep") || dump.Contains("[chan receive") && dump.Contains("scope"), "nested child parked");
                dump = Go.Dump();
                throw new TimeoutException("body fails: everything below is canceled");
            }));
            Assert.Contains("scopes:", dump);
            Assert.Contains("[all-succeed] owned by goroutine", dump);
            Assert.Matches(@"scope \d+ \[all-succeed\] owned by goroutine \d+: goroutines \d+\n    scope \d+ \[all-succeed\]", dump.Replace("\r", ""));
            Assert.Contains("in scope", dump);
        });
    }

    [Fact]
    public void Deadline_CancelsTheChildren_AndTheScopeThrowsDeadlineExceeded()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var ex = await Assert.ThrowsAsync<ContextDeadlineExceededException>(async () =>
                await Go.Scope(new ScopeOptions { Timeout = TimeSpan.FromMilliseconds(10) }, async s =>
                {
                    s.Go(async () => await Go.Sleep(TimeSpan.FromHours(1), s.Context));
                    await Go.Yield();
                }));
            Assert.NotEmpty(Weft.Scope.SuppressedOf(ex));

            // Children that finish in time: no exception.
            await Go.Scope(new ScopeOptions { Timeout = TimeSpan.FromHours(1) }, async s =>
            {
                s.Go(async () => await Go.Yield());
                await Go.Yield();
            });
        });
    }

    [Fact]
    public void FirstSuccess_WinsAndCancelsTheRest_AllFailing_ThrowsTheFirst()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var race = new FirstSuccess<string>();
            int canceled = 0;
            await Go.Scope(new ScopeOptions { Join = race }, async s =>
            {
                s.Go<string>(async () =>
                {
                    try
                    {
                        await Go.Sleep(TimeSpan.FromHours(1), s.Context);
                    }
                    catch (OperationCanceledException)
                    {
                        Interlocked.Increment(ref canceled);
                        throw;
                    }

                    return "slow";
                });
                s.Go<string>(async () =>
                {
                    await Go.Yield();
                    return "fast";
                });
                await Go.Yield();
            });
            Assert.Equal("fast", race.Result);
            Assert.Equal(1, canceled);

            var none = new FirstSuccess<int>();
            var ex = await Assert.ThrowsAsync<ArgumentException>(async () => await Go.Scope(new ScopeOptions { Join = none }, async s =>
            {
                s.Go<int>(() => throw new ArgumentException("a"));
                s.Go<int>(async () =>
                {
                    await Go.Yield();
                    await Go.Yield();
                    throw new ArgumentException("b");
                });
                await Go.Yield();
            }));
            Assert.Single(Weft.Scope.SuppressedOf(ex));
            Assert.Throws<InvalidOperationException>(() => none.Result);
        });
    }

    [Fact]
    public void SupervisorScope_And_WaitAll_ChildrenFailAlone()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            int completed = 0;
            await Go.SupervisorScope(async s =>
            {
                s.Go(() => throw new InvalidOperationException("alone"));
                for (int i = 0; i < 3; i++)
                {
                    s.Go(async () =>
                    {
                        await Go.Sleep(TimeSpan.FromMilliseconds(2));
                        Assert.Null(s.Context.Err); // a sibling's failure canceled nothing
                        Interlocked.Increment(ref completed);
                    });
                }

                await Go.Yield();
            });
            Assert.Equal(3, completed);

            var all = new WaitAll();
            await Go.Scope(new ScopeOptions { Join = all }, async s =>
            {
                s.Go(() => throw new FormatException("1"));
                s.Go(() => throw new FormatException("2"));
                await Go.Yield();
            });
            Assert.Equal(2, all.Failures.Count);
            Assert.Throws<InvalidOperationException>(() => Go.Scope(new ScopeOptions { Join = all }, _ => GoTask.CompletedTask)); // one policy, one scope
        });
    }

    [Fact]
    public void CustomPolicy_DecidesShutdownAndOutcome()
    {
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            var policy = new StopAfterTwo();
            var ex = await Assert.ThrowsAsync<InvalidOperationException>(async () => await Go.Scope(new ScopeOptions { Join = policy }, async s =>
            {
                for (int i = 0; i < 5; i++)
                {
                    int n = i;
                    s.Go(async () =>
                    {
                        if (n < 2) return;
                        await Go.Sleep(TimeSpan.FromHours(1), s.Context);
                    });
                }

                await Go.Yield();
            }));
            Assert.Equal("2 succeeded, 3 canceled", ex.Message);
        });
    }

    // "protected internal" only because the tests see Weft's internals; user code overrides these as "protected".
    private sealed class StopAfterTwo : JoinPolicy
    {
        private int _ok, _canceled;

        protected internal override bool OnChildCompleted(ScopeChild child, bool shuttingDown)
        {
            if (child.Succeeded) _ok++;
            else if (child.Failure is OperationCanceledException) _canceled++;
            return _ok == 2;
        }

        protected internal override void OnJoined(Exception? bodyFailure) =>
            throw new InvalidOperationException($"{_ok} succeeded, {_canceled} canceled");
    }

    [Fact]
    public void Deadlock_InsideAScope_IsDetected_AndTheDumpShowsTheScope()
    {
        using var rt = new TestRuntime(1);
        var ex = Assert.Throws<DeadlockException>(() => rt.Run(async () =>
        {
            await Go.Scope(async s =>
            {
                s.Go(async () => await new Chan<int>().ReceiveAsync());
                await Go.Yield();
            });
        }));
        Assert.Contains("[goroutine await", ex.Dump); // the owner joins its children's handles
        Assert.Contains("[chan receive", ex.Dump);
        Assert.Contains("scopes:", ex.Dump);
        rt.IgnoreLeaks();
    }
}
