using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Weft.Analyzers;

/// <summary>
/// WEFT002: <c>await Task.Run(...)</c>, <c>await Task.Delay(...)</c> or <c>await Task.Yield()</c> inside goroutine
/// code: the work or the wait leaves Weft's scheduler for the ThreadPool or the .NET timer queue.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SchedulerEscapeAnalyzer : WeftAnalyzer
{
    /// <summary>Creates the analyzer.</summary>
    public SchedulerEscapeAnalyzer() : base(Descriptors.SchedulerEscape) { }

    /// <summary>Diagnostic property: the Task method (Run, Delay, Yield).</summary>
    internal const string MethodProperty = "WeftTaskMethod";

    private protected override void Register(CompilationStartAnalysisContext context, WeftSymbols weft)
    {
        context.RegisterOperationAction(c => Analyze(c, weft), OperationKind.Await);
    }

    private static void Analyze(OperationAnalysisContext context, WeftSymbols weft)
    {
        var operand = ((IAwaitOperation)context.Operation).Operation;
        while (operand is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configured) operand = configured.Instance!;
        if (operand is not IInvocationOperation invocation) return;
        var method = invocation.TargetMethod;
        if (!method.IsStatic || method.ContainingType?.ToDisplayString() != "System.Threading.Tasks.Task") return;
        string? instead = method.Name switch
        {
            "Run" => "Go.Spawn(...) for goroutine work, or Go.Blocking(...) for a blocking call",
            "Delay" => "Go.Sleep(...)",
            "Yield" => "Go.Yield()",
            _ => null,
        };
        if (instead is null) return;
        if (!GoroutineCode.IsInGoroutine(invocation.Syntax, context.Operation.SemanticModel!, weft, context.CancellationToken)) return;
        var properties = ImmutableDictionary<string, string?>.Empty.Add(MethodProperty, method.Name);
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.SchedulerEscape, invocation.Syntax.GetLocation(), properties,
            "Task." + method.Name, instead));
    }
}
