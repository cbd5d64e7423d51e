using VerifyCS = Weft.Analyzers.Tests.Verify<Weft.Analyzers.SchedulerEscapeAnalyzer, Weft.Analyzers.CodeFixes.SchedulerEscapeCodeFix>;

namespace Weft.Analyzers.Tests;

/// <summary>WEFT002: Task-based scheduling awaited inside goroutine code, and the fixes.</summary>
public sealed class SchedulerEscapeTests
{
    [Fact]
    public Task TaskDelay_BecomesGoSleep_WithoutConfigureAwait() => VerifyCS.Fix("""
        class C
        {
            void M() => Go.Start(async () =>
            {
                await {|WEFT002:Task.Delay(5)|};
                await {|WEFT002:Task.Delay(TimeSpan.FromMilliseconds(5))|}.ConfigureAwait(false);
            });
        }
        """, """
        class C
        {
            void M() => Go.Start(async () =>
            {
                await Go.Sleep(5);
                await Go.Sleep(TimeSpan.FromMilliseconds(5));
            });
        }
        """, "Use Go.Sleep(...)");

    [Fact]
    public Task TaskYield_BecomesGoYield() => VerifyCS.Fix("""
        class C
        {
            async GoTask M() => await {|WEFT002:Task.Yield()|};
        }
        """, """
        class C
        {
            async GoTask M() => await Go.Yield();
        }
        """, "Use Go.Yield()");

    [Fact]
    public Task TaskDelay_WithAToken_IsReportedWithoutAFix() => VerifyCS.Fix("""
        class C
        {
            async GoTask M(CancellationToken ct) => await {|WEFT002:Task.Delay(5, ct)|};
        }
        """, """
        class C
        {
            async GoTask M(CancellationToken ct) => await {|WEFT002:Task.Delay(5, ct)|};
        }
        """, "Use Go.Sleep(...)");

    [Fact]
    public Task TaskRun_InGoTaskMethod_IsReported() => VerifyCS.Diagnostics("""
        class C
        {
            async GoTask<int> M() => await {|WEFT002:Task.Run(() => 42)|};
        }
        """);

    [Fact]
    public Task OutsideGoroutines_OrWithAToken_NothingOrNoFix() => VerifyCS.Diagnostics("""
        class C
        {
            async Task Plain() { await Task.Delay(5); await Task.Yield(); await Task.Run(() => { }); }
            void M(CancellationToken ct) => Go.Start(async () =>
            {
                var pending = Task.Delay(5);                       // not awaited here: not reported
                await pending;
            });
        }
        """);
}
