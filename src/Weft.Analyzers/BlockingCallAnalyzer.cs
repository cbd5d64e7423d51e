using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Weft.Analyzers;

/// <summary>
/// WEFT001: a call that blocks its OS thread inside goroutine code — Thread.Sleep, Task.Wait/.Result/
/// GetAwaiter().GetResult(), wait handles, synchronous file/stream/socket I/O, and Chan's thread-blocking
/// Send/Receive. Calls inside Go.Blocking(...) are declared and not reported.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BlockingCallAnalyzer : WeftAnalyzer
{
    /// <summary>Creates the analyzer.</summary>
    public BlockingCallAnalyzer() : base(Descriptors.BlockingCall) { }

    /// <summary>Diagnostic property naming the fix that fits (see <see cref="BlockingFix"/>).</summary>
    internal const string FixProperty = "WeftFix";

    private protected override void Register(CompilationStartAnalysisContext context, WeftSymbols weft)
    {
        context.RegisterOperationAction(c => AnalyzeInvocation(c, weft), OperationKind.Invocation);
        context.RegisterOperationAction(c => AnalyzeProperty(c, weft), OperationKind.PropertyReference);
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, WeftSymbols weft)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (Classify(invocation, weft) is not { } fix) return;
        Report(context, weft, invocation.Syntax, invocation.TargetMethod, fix, invocation.Instance);
    }

    private static void AnalyzeProperty(OperationAnalysisContext context, WeftSymbols weft)
    {
        var reference = (IPropertyReferenceOperation)context.Operation;
        var property = reference.Property;
        if (property.Name != "Result" || !IsTaskType(property.ContainingType)) return;
        // Writes (there are none on Task) and nameof(...) are not calls.
        if (reference.Parent is INameOfOperation) return;
        Report(context, weft, reference.Syntax, property, BlockingFix.Await, reference.Instance);
    }

    private static void Report(OperationAnalysisContext context, WeftSymbols weft, SyntaxNode syntax, ISymbol member,
        BlockingFix fix, IOperation? receiver)
    {
        var model = context.Operation.SemanticModel!;
        if (!GoroutineCode.IsInGoroutine(syntax, model, weft, context.CancellationToken)) return;
        if (fix == BlockingFix.Await && KnownComplete(receiver, syntax)) return;
        var advice = fix switch
        {
            BlockingFix.GoSleep => "await Go.Sleep(...) instead",
            BlockingFix.Await => "await it instead",
            BlockingFix.ChanAsync => "await the channel's async form instead",
            _ => "use its async form, or declare it with Go.Blocking(...)",
        };
        var name = member.ContainingType.Name + "." + member.Name;
        var properties = ImmutableDictionary<string, string?>.Empty.Add(FixProperty, fix.ToString());
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.BlockingCall, syntax.GetLocation(), properties, name, advice));
    }

    /// <summary>What kind of blocking call this is, or null when it does not block.</summary>
    private static BlockingFix? Classify(IInvocationOperation invocation, WeftSymbols weft)
    {
        var method = invocation.TargetMethod;
        var type = method.ContainingType;
        if (type is null) return null;
        string typeName = type.OriginalDefinition.ToDisplayString();
        string name = method.Name;

        if (weft.IsChan(type))
            return name is "Send" or "Receive" or "ReceiveWithOk" ? BlockingFix.ChanAsync : null;

        switch (typeName)
        {
            case "System.Threading.Thread":
                if (name == "Sleep") return ZeroTimeout(invocation) ? null : BlockingFix.GoSleep;
                return name == "Join" ? BlockingFix.GoBlocking : null;
            case "System.Threading.Tasks.Task":
            case "System.Threading.Tasks.Task<TResult>":
                if (name == "Wait") return ZeroTimeout(invocation) ? null : method.IsStatic ? BlockingFix.GoBlocking : BlockingFix.Await;
                return name is "WaitAll" or "WaitAny" && !ZeroTimeout(invocation) ? BlockingFix.GoBlocking : null;
            case "System.Threading.WaitHandle":
            case "System.Threading.SemaphoreSlim":
            case "System.Threading.ManualResetEventSlim":
            case "System.Threading.CountdownEvent":
                return name is "WaitOne" or "WaitAll" or "WaitAny" or "Wait" && !ZeroTimeout(invocation) ? BlockingFix.GoBlocking : null;
            case "System.Threading.Barrier":
                return name == "SignalAndWait" ? BlockingFix.GoBlocking : null;
            case "System.IO.File":
                return IsSyncFileCall(name) ? BlockingFix.GoBlocking : null;
            case "System.IO.StreamReader":
                return name is "Read" or "ReadLine" or "ReadToEnd" or "ReadBlock" ? BlockingFix.GoBlocking : null;
            case "System.IO.StreamWriter":
                return name == "Flush" ? BlockingFix.GoBlocking : null;
            case "System.Net.Sockets.Socket":
                return name is "Send" or "Receive" or "SendTo" or "ReceiveFrom" or "Accept" or "Connect" or "SendFile"
                    ? BlockingFix.GoBlocking
                    : null;
            case "System.Net.Sockets.TcpClient":
                return name == "Connect" ? BlockingFix.GoBlocking : null;
            case "System.Net.Sockets.TcpListener":
                return name is "AcceptTcpClient" or "AcceptSocket" ? BlockingFix.GoBlocking : null;
            case "System.Net.Dns":
                return name is "GetHostEntry" or "GetHostAddresses" ? BlockingFix.GoBlocking : null;
            case "System.Net.Http.HttpClient":
                return name == "Send" ? BlockingFix.GoBlocking : null;
            case "System.Diagnostics.Process":
                return name == "WaitForExit" && !ZeroTimeout(invocation) ? BlockingFix.GoBlocking : null;
        }

        if (name == "GetResult" && type.ContainingNamespace?.ToDisplayString() == "System.Runtime.CompilerServices" &&
            type.Name.EndsWith("Awaiter") && invocation.Instance is IInvocationOperation { TargetMethod.Name: "GetAwaiter" } getAwaiter &&
            IsTaskType(getAwaiter.TargetMethod.ContainingType))
            return BlockingFix.Await;

        if (IsStreamIo(invocation)) return BlockingFix.GoBlocking;
        return null;
    }

    private static bool IsSyncFileCall(string name) =>
        name is "ReadAllText" or "ReadAllBytes" or "ReadAllLines" or "ReadLines" or "WriteAllText" or "WriteAllBytes"
            or "WriteAllLines" or "AppendAllText" or "AppendAllLines" or "Copy" or "Move" or "Replace";

    /// <summary>Stream.Read/Write/Flush/CopyTo... on a stream that may do I/O (memory streams never block).</summary>
    private static bool IsStreamIo(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        if (method.IsStatic || !DerivesFrom(method.ContainingType, "System.IO.Stream")) return false;
        if (method.Name is not ("Read" or "Write" or "Flush" or "CopyTo" or "ReadByte" or "WriteByte" or "ReadExactly" or "ReadAtLeast"))
            return false;
        var receiver = invocation.Instance?.Type;
        return !DerivesFrom(receiver, "System.IO.MemoryStream") && !DerivesFrom(receiver, "System.IO.UnmanagedMemoryStream");
    }

    private static bool DerivesFrom(ITypeSymbol? type, string fullName)
    {
        for (var t = type; t is not null; t = t.BaseType)
            if (t.ToDisplayString() == fullName) return true;
        return false;
    }

    internal static bool IsTaskType(INamedTypeSymbol? type)
    {
        if (type is null) return false;
        var name = type.OriginalDefinition.ToDisplayString();
        return name is "System.Threading.Tasks.Task" or "System.Threading.Tasks.Task<TResult>"
            or "System.Threading.Tasks.ValueTask" or "System.Threading.Tasks.ValueTask<TResult>";
    }

    /// <summary>A wait with a zero timeout (<c>Wait(0)</c>, <c>WaitOne(TimeSpan.Zero)</c>) polls; it does not block.</summary>
    private static bool ZeroTimeout(IInvocationOperation invocation)
    {
        if (invocation.Arguments.Length == 0) return false;
        var value = invocation.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0).First().Value;
        if (value.ConstantValue is { HasValue: true, Value: 0 }) return true;
        return value is IFieldReferenceOperation { Field.Name: "Zero" } field && field.Field.ContainingType.Name == "TimeSpan";
    }

    /// <summary>
    /// The task was awaited, or its IsCompleted checked, earlier in the same function: reading its result does not
    /// block. A syntactic check on the receiver's name — enough for <c>await Task.WhenAll(a, b); a.Result</c>.
    /// </summary>
    private static bool KnownComplete(IOperation? receiver, SyntaxNode syntax)
    {
        while (receiver is IInvocationOperation { TargetMethod.Name: "GetAwaiter" or "ConfigureAwait" } inner) receiver = inner.Instance;
        string? name = receiver switch
        {
            ILocalReferenceOperation l => l.Local.Name,
            IParameterReferenceOperation p => p.Parameter.Name,
            IFieldReferenceOperation f => f.Field.Name,
            _ => null,
        };
        if (name is null || GoroutineCode.EnclosingFunction(syntax) is not { } function) return false;
        foreach (var node in function.DescendantNodes())
        {
            if (node.SpanStart >= syntax.SpanStart) break;
            if (node is AwaitExpressionSyntax await && await.Expression.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(i => i.Identifier.ValueText == name))
                return true;
            if (node is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "IsCompleted" or "IsCompletedSuccessfully" } access &&
                access.Expression is IdentifierNameSyntax id && id.Identifier.ValueText == name)
                return true;
        }

        return false;
    }
}

/// <summary>The fix that suits a WEFT001 finding.</summary>
internal enum BlockingFix
{
    /// <summary>Only declaring the call: wrap it in Go.Blocking(...).</summary>
    GoBlocking,

    /// <summary>Thread.Sleep(x) becomes await Go.Sleep(x).</summary>
    GoSleep,

    /// <summary>A wait on a task becomes an await of it.</summary>
    Await,

    /// <summary>Chan.Send/Receive become await SendAsync/ReceiveAsync.</summary>
    ChanAsync,
}
