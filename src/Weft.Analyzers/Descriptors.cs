using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace Weft.Analyzers;

/// <summary>The Weft diagnostics. Each has a help page at docs/analyzers/WEFTnnn.md.</summary>
internal static class Descriptors
{
    private const string Category = "Weft.Concurrency";

    /// <summary>Where the help pages live (src/Directory.Build.props, WeftDocsUrl), read from this assembly's metadata.</summary>
    internal static readonly string DocsUrl =
        typeof(Descriptors).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "WeftDocsUrl")?.Value ?? "";

    private static string Help(string id) => DocsUrl + "analyzers/" + id + ".md";

    /// <summary>WEFT001: a call that blocks its OS thread, inside goroutine code.</summary>
    public static readonly DiagnosticDescriptor BlockingCall = new(
        "WEFT001",
        "Blocking call inside a goroutine",
        "'{0}' blocks the goroutine's thread and stalls every goroutine queued on its P; {1}",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        description: "Goroutine code runs on a few scheduler threads. A call that blocks its thread (Thread.Sleep, " +
                     "Task.Wait/.Result, synchronous I/O, Chan.Send/Receive) holds a P until sysmon notices. Await the " +
                     "asynchronous form, or declare the call with Go.Blocking(...) so the P is handed off at once.",
        helpLinkUri: Help("WEFT001"));

    /// <summary>WEFT002: Task.Run/Task.Delay/Task.Yield awaited inside goroutine code.</summary>
    public static readonly DiagnosticDescriptor SchedulerEscape = new(
        "WEFT002",
        "Task-based scheduling inside a goroutine",
        "'{0}' leaves Weft's scheduler for the .NET ThreadPool or timer queue; use {1}",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        description: "Task.Run runs work on the ThreadPool, Task.Delay waits on the .NET timer queue and Task.Yield " +
                     "queues to the ThreadPool. Inside a goroutine, Go.Spawn, Go.Sleep and Go.Yield do the same on " +
                     "Weft's own run queues and timer heaps, where the deadlock check, dumps and metrics can see them.",
        helpLinkUri: Help("WEFT002"));

    /// <summary>WEFT003: a captured local written by a goroutine and by other code without synchronization.</summary>
    public static readonly DiagnosticDescriptor SharedCapture = new(
        "WEFT003",
        "Captured variable written by a goroutine and by other code",
        "'{0}' is written inside a goroutine and {1} with no channel operation, lock or Interlocked between; " +
        "this is a data race",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        description: "A local captured by a goroutine lambda is shared memory. Writing it from the goroutine and from " +
                     "the code that started it (or from two goroutines) without a channel, lock or Interlocked in " +
                     "between races. Share by communicating: send the value over a channel, or use Interlocked.",
        helpLinkUri: Help("WEFT003"));

    /// <summary>WEFT004: a GoTask or channel operation whose result is dropped.</summary>
    public static readonly DiagnosticDescriptor DiscardedOperation = new(
        "WEFT004",
        "GoTask or channel operation result discarded",
        "The result of '{0}' is discarded: {1}",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        description: "Chan.SendAsync, ReceiveAsync, Select.Of, Go.Sleep and Go.Yield return awaitables that do " +
                     "nothing until awaited, so an un-awaited send never happens. A discarded GoTask loses the " +
                     "goroutine's exception and completion; use Go.Start for fire-and-forget goroutines.",
        helpLinkUri: Help("WEFT004"));
}
