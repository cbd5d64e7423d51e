using Microsoft.CodeAnalysis.Testing;
using VerifyCS = Weft.Analyzers.Tests.Verify<Weft.Analyzers.SharedCaptureAnalyzer, Microsoft.CodeAnalysis.Testing.EmptyCodeFixProvider>;

namespace Weft.Analyzers.Tests;

/// <summary>WEFT003: captured locals written by a goroutine and by other code without synchronization.</summary>
public sealed class SharedCaptureTests
{
    [Fact]
    public Task GoroutinesStartedInALoop_WritingOneLocal_AreReported() => VerifyCS.Diagnostics("""
        class C
        {
            int M()
            {
                int count = 0;
                for (int i = 0; i < 10; i++) Go.Start(() => { {|WEFT003:count++|}; });
                return count;
            }
        }
        """);

    [Fact]
    public Task AWriteAfterTheStart_IsReported_UnlessSomethingSynchronizesFirst() => VerifyCS.Diagnostics("""
        class C
        {
            void Racy()
            {
                int x = 0;
                Go.Start(() => { {|WEFT003:x = 1|}; });
                x = 2;
            }

            async GoTask Joined(Chan<bool> done)
            {
                int x = 0;
                Go.Start(async () => { x = 1; await done.SendAsync(true); });
                await done.ReceiveAsync();
                x = 2;
            }

            async GoTask Awaited()
            {
                int x = 0;
                var t = Go.Spawn(async () => { await Go.Yield(); x = 1; });
                await t;
                x = 2;
            }
        }
        """);

    [Fact]
    public Task TwoGoroutinesWritingOneLocal_AreReportedAtTheSecond() => VerifyCS.Diagnostics("""
        class C
        {
            void M()
            {
                string last = "";
                Go.Start(() => { last = "a"; });
                Go.Start(() => { {|WEFT003:last = "b"|}; });
            }
        }
        """);

    [Fact]
    public Task LocksInterlockedAndRun_AreNotReported() => VerifyCS.Diagnostics("""
        class C
        {
            readonly object _gate = new();

            void M()
            {
                int a = 0, b = 0, c = 0;
                for (int i = 0; i < 10; i++)
                {
                    Go.Start(() => { Interlocked.Increment(ref a); });
                    Go.Start(() => { lock (_gate) b++; });
                }

                Go.Run(async () => { await Go.Yield(); c = 1; });
                c = 2;                                                   // Run returned: the goroutine is done
                for (int i = 0; i < 10; i++)
                {
                    int mine = 0;                                        // one per iteration
                    Go.Start(() => { mine++; });
                }
            }
        }
        """);
}
