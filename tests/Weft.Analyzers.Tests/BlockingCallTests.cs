using VerifyCS = Weft.Analyzers.Tests.Verify<Weft.Analyzers.BlockingCallAnalyzer, Weft.Analyzers.CodeFixes.BlockingCallCodeFix>;

namespace Weft.Analyzers.Tests;

/// <summary>WEFT001: blocking calls in goroutine code, and the fixes.</summary>
public sealed class BlockingCallTests
{
    [Fact]
    public Task ThreadSleep_InAsyncGoroutine_BecomesAwaitGoSleep() => VerifyCS.Fix("""
        class C
        {
            void M() => Go.Start(async () =>
            {
                await Go.Yield();
                {|WEFT001:Thread.Sleep(5)|};
            });
        }
        """, """
        class C
        {
            void M() => Go.Start(async () =>
            {
                await Go.Yield();
                await Go.Sleep(5);
            });
        }
        """, "Use await Go.Sleep(...)");

    [Fact]
    public Task ThreadSleep_InSynchronousGoroutine_IsWrappedInGoBlocking() => VerifyCS.Fix("""
        class C
        {
            void M() => Go.Start(() => { {|WEFT001:Thread.Sleep(5)|}; });
        }
        """, """
        class C
        {
            void M() => Go.Start(() => { Go.Blocking(() => Thread.Sleep(5)); });
        }
        """, "Declare it with Go.Blocking(...)");

    [Fact]
    public Task TaskResult_InGoTaskMethod_BecomesAwait() => VerifyCS.Fix("""
        class C
        {
            async GoTask<int> M(Task<int> task)
            {
                await Go.Yield();
                return {|WEFT001:task.Result|} + 1;
            }
        }
        """, """
        class C
        {
            async GoTask<int> M(Task<int> task)
            {
                await Go.Yield();
                return await task + 1;
            }
        }
        """, "Await the task");

    [Fact]
    public Task GetAwaiterGetResult_AndWait_BecomeAwait() => VerifyCS.Fix("""
        class C
        {
            async GoTask M(Task<int> a, Task b)
            {
                int x = {|WEFT001:a.GetAwaiter().GetResult()|};
                {|WEFT001:b.Wait()|};
            }
        }
        """, """
        class C
        {
            async GoTask M(Task<int> a, Task b)
            {
                int x = await a;
                await b;
            }
        }
        """, "Await the task");

    [Fact]
    public Task ChanSendAndReceive_BecomeTheirAsyncForms() => VerifyCS.Fix("""
        class C
        {
            void M(Chan<int> ch) => Go.Start(async () =>
            {
                {|WEFT001:ch.Send(1)|};
                int v = {|WEFT001:ch.Receive()|};
            });
        }
        """, """
        class C
        {
            void M(Chan<int> ch) => Go.Start(async () =>
            {
                await ch.SendAsync(1);
                int v = await ch.ReceiveAsync();
            });
        }
        """, "Await the channel's async form");

    [Fact]
    public Task FileAndStreamIo_InGoroutine_AreReported() => VerifyCS.Diagnostics("""
        class C
        {
            void M(Stream s, byte[] buffer) => Go.Start(() =>
            {
                string text = {|WEFT001:File.ReadAllText("a.txt")|};
                int n = {|WEFT001:s.Read(buffer, 0, buffer.Length)|};
                new MemoryStream().Write(buffer, 0, 1); // memory streams never block
            });
        }
        """);

    [Fact]
    public Task DeclaredOrElsewhere_IsNotReported() => VerifyCS.Diagnostics("""
        class C
        {
            void Plain() => Thread.Sleep(5);                       // not goroutine code
            async Task TaskMethod(Task<int> t) => Thread.Sleep(t.Result);
            void M(Task<int> t, SemaphoreSlim gate) => Go.Start(async () =>
            {
                Go.Blocking(() => Thread.Sleep(5));                // declared
                var th = new Thread(() => Thread.Sleep(5));        // runs on its own thread
                await Task.WhenAll(t);
                int v = t.Result;                                  // already complete
                bool free = gate.Wait(0);                          // a poll
                if (t.IsCompleted) v += t.GetAwaiter().GetResult();
            });
        }
        """);
}
