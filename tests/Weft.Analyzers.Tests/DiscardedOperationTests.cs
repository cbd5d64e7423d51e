using VerifyCS = Weft.Analyzers.Tests.Verify<Weft.Analyzers.DiscardedOperationAnalyzer, Weft.Analyzers.CodeFixes.DiscardedOperationCodeFix>;

namespace Weft.Analyzers.Tests;

/// <summary>WEFT004: GoTasks and channel operations whose result is dropped, and the fixes.</summary>
public sealed class DiscardedOperationTests
{
    [Fact]
    public Task AnUnawaitedSend_IsAwaited() => VerifyCS.Fix("""
        class C
        {
            async GoTask M(Chan<int> ch)
            {
                {|WEFT004:ch.SendAsync(1)|};
                _ = {|WEFT004:ch.ReceiveAsync()|};
                {|WEFT004:Go.Sleep(1)|};
            }
        }
        """, """
        class C
        {
            async GoTask M(Chan<int> ch)
            {
                await ch.SendAsync(1);
                await ch.ReceiveAsync();
                await Go.Sleep(1);
            }
        }
        """, "Await the operation");

    [Fact]
    public Task ADroppedSpawn_BecomesStart() => VerifyCS.Fix("""
        class C
        {
            void M(Chan<int> ch)
            {
                {|WEFT004:Go.Spawn(async () => await ch.SendAsync(1))|};
            }
        }
        """, """
        class C
        {
            void M(Chan<int> ch)
            {
                Go.Start(async () => await ch.SendAsync(1));
            }
        }
        """, "Start the goroutine with Start(...)");

    [Fact]
    public Task AwaitedStoredOrExplicitlyDiscardedGoTasks_AreNotReported() => VerifyCS.Diagnostics("""
        class C
        {
            async GoTask<int> Work() { await Go.Yield(); return 1; }

            async GoTask M(Chan<int> ch)
            {
                await ch.SendAsync(1);
                var pending = ch.ReceiveAsync();
                int v = await pending;
                _ = Go.Spawn(Work);                                      // an explicit discard: intended
                var r = await Select.Of(Select.Receive(ch));
                ch.TrySend(2);                                           // a bool, not an operation
            }
        }
        """);
}
