using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Weft.Analyzers;

/// <summary>
/// WEFT004: a statement that drops a GoTask or a Weft awaitable. Channel operations, Select.Of, Go.Sleep and
/// Go.Yield do nothing until awaited, so even <c>_ = ch.SendAsync(x)</c> is reported; a GoTask dropped with an
/// explicit <c>_ =</c> is taken as intended.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DiscardedOperationAnalyzer : WeftAnalyzer
{
    /// <summary>Creates the analyzer.</summary>
    public DiscardedOperationAnalyzer() : base(Descriptors.DiscardedOperation) { }

    /// <summary>Diagnostic property: "GoTask", "Spawn" (a dropped Go.Spawn handle) or "Lazy" (an awaitable that does nothing until awaited).</summary>
    internal const string KindProperty = "WeftDiscarded";

    /// <summary>The <see cref="KindProperty"/> of a dropped non-generic Spawn, which Start can replace.</summary>
    internal const string SpawnKind = "Spawn";

    private protected override void Register(CompilationStartAnalysisContext context, WeftSymbols weft)
    {
        context.RegisterOperationAction(c => Analyze(c, weft), OperationKind.ExpressionStatement);
    }

    private static void Analyze(OperationAnalysisContext context, WeftSymbols weft)
    {
        var value = ((IExpressionStatementOperation)context.Operation).Operation;
        bool explicitDiscard = false;
        if (value is ISimpleAssignmentOperation { Target: IDiscardOperation } discard)
        {
            value = discard.Value;
            explicitDiscard = true;
        }

        while (value is IConversionOperation { IsImplicit: true } conversion) value = conversion.Operand;
        if (value is not (IInvocationOperation or IPropertyReferenceOperation)) return;

        string kind;
        string why;
        if (weft.IsLazyAwaitable(value.Type))
        {
            kind = "Lazy";
            why = "the operation does nothing until it is awaited";
        }
        else if (weft.IsGoTask(value.Type) && !explicitDiscard)
        {
            kind = value is IInvocationOperation { TargetMethod: { Name: "Spawn", IsGenericMethod: false } spawn } && weft.StartsGoroutine(spawn)
                ? SpawnKind
                : "GoTask";
            why = "the goroutine's completion and exception are lost; await it, or start it with Go.Start";
        }
        else
        {
            return;
        }

        string name = value is IInvocationOperation invocation
            ? invocation.TargetMethod.ContainingType.Name + "." + invocation.TargetMethod.Name
            : ((IPropertyReferenceOperation)value).Property.Name;
        var properties = ImmutableDictionary<string, string?>.Empty.Add(KindProperty, kind);
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.DiscardedOperation, value.Syntax.GetLocation(), properties, name, why));
    }
}
