using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Weft.Analyzers;

/// <summary>
/// WEFT003: a local (or parameter) captured by a goroutine lambda and written inside it and also
/// <list type="bullet">
/// <item>by every goroutine a loop starts from that lambda, or</item>
/// <item>by the starting code after the start, or</item>
/// <item>by another goroutine lambda of the same function,</item>
/// </list>
/// with no synchronization between: no await, lock, Interlocked/Volatile/Monitor call, channel operation or wait.
/// A conservative hint, syntactic in its ordering: anything that may synchronize silences it, and writes under a lock or
/// through Interlocked never count. Go.Run / GoRuntime.Run bodies are not concurrent with their caller and are skipped.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SharedCaptureAnalyzer : WeftAnalyzer
{
    /// <summary>Creates the analyzer.</summary>
    public SharedCaptureAnalyzer() : base(Descriptors.SharedCapture) { }

    private protected override void Register(CompilationStartAnalysisContext context, WeftSymbols weft)
    {
        context.RegisterSyntaxNodeAction(c => Analyze(c, weft),
            SyntaxKind.SimpleLambdaExpression, SyntaxKind.ParenthesizedLambdaExpression, SyntaxKind.AnonymousMethodExpression);
    }

    private static void Analyze(SyntaxNodeAnalysisContext context, WeftSymbols weft)
    {
        var lambda = (AnonymousFunctionExpressionSyntax)context.Node;
        var model = context.SemanticModel;
        var ct = context.CancellationToken;
        if (!IsConcurrentGoroutine(lambda, model, weft, ct, out var start)) return;
        if (GoroutineCode.EnclosingFunction(start) is not { } function) return;

        var inside = UnprotectedWrites(lambda, model, ct, capturedFrom: lambda)
            .GroupBy(w => w.Symbol, SymbolEqualityComparer.Default)
            .ToList();
        if (inside.Count == 0) return;

        var loop = start.Ancestors().TakeWhile(a => a != function).FirstOrDefault(IsLoop);
        bool awaitedAtOnce = start.Parent is AwaitExpressionSyntax ||
                             start.Parent is MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax { Parent: AwaitExpressionSyntax } };

        // The other goroutine bodies of this function, with their start calls.
        var others = function.DescendantNodes().OfType<AnonymousFunctionExpressionSyntax>()
            .Where(l => l != lambda && !lambda.Span.Contains(l.Span) && !l.Span.Contains(lambda.Span))
            .Select(l => IsConcurrentGoroutine(l, model, weft, ct, out var s) ? (Lambda: l, Start: s) : default)
            .Where(o => o.Lambda is not null)
            .ToList();

        foreach (var group in inside)
        {
            var symbol = group.Key!;
            var first = group.First().Node;
            string? where = null;

            if (loop is not null && !awaitedAtOnce && !loop.Span.Contains(symbol.Locations.FirstOrDefault()?.SourceSpan ?? default))
                where = "by every other goroutine this loop starts";

            if (where is null && !awaitedAtOnce)
            {
                var outsideWrites = UnprotectedWrites(function, model, ct, capturedFrom: null)
                    .Where(w => SymbolEqualityComparer.Default.Equals(w.Symbol, symbol) && w.Node.SpanStart > start.Span.End)
                    .Where(w => !others.Any(o => o.Lambda.Span.Contains(w.Node.Span)) && !lambda.Span.Contains(w.Node.Span))
                    .Where(w => GoroutineCode.EnclosingFunction(w.Node) == function);
                if (outsideWrites.Any(w => !SynchronizesBetween(function, start.Span.End, w.Node.SpanStart, lambda)))
                    where = "by the code that started it";
            }

            if (where is null)
            {
                foreach (var other in others)
                {
                    if (other.Start.SpanStart > start.SpanStart) continue; // each pair is reported at the later start
                    bool otherAwaited = other.Start.Parent is AwaitExpressionSyntax;
                    if (otherAwaited || SynchronizesBetween(function, other.Start.Span.End, start.SpanStart, lambda)) continue;
                    if (UnprotectedWrites(other.Lambda, model, ct, capturedFrom: other.Lambda)
                        .Any(w => SymbolEqualityComparer.Default.Equals(w.Symbol, symbol)))
                    {
                        where = "by another goroutine";
                        break;
                    }
                }
            }

            if (where is not null)
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.SharedCapture, first.GetLocation(), symbol.Name, where));
        }
    }

    /// <summary>
    /// A lambda handed to Go.Start/Spawn/RunAsync (or a GoRuntime's, or Time.AfterFunc): it runs concurrently with the
    /// code that started it. Run is excluded: it blocks its caller until the goroutine returns.
    /// </summary>
    private static bool IsConcurrentGoroutine(AnonymousFunctionExpressionSyntax lambda, SemanticModel model, WeftSymbols weft,
        CancellationToken ct, out InvocationExpressionSyntax start)
    {
        start = null!;
        if (GoroutineCode.InvokedWith(lambda, model, ct) is not { } method || !weft.StartsGoroutine(method) || method.Name == "Run")
            return false;
        start = lambda.FirstAncestorOrSelf<InvocationExpressionSyntax>()!;
        return start is not null;
    }

    private static bool IsLoop(SyntaxNode node) =>
        node is ForStatementSyntax or ForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax;

    private readonly struct Write
    {
        public Write(ISymbol symbol, SyntaxNode node)
        {
            Symbol = symbol;
            Node = node;
        }

        public ISymbol Symbol { get; }
        public SyntaxNode Node { get; }
    }

    /// <summary>
    /// Writes to locals and parameters in <paramref name="scope"/> that are not under a lock and not made through
    /// Interlocked/Volatile. With <paramref name="capturedFrom"/>, only variables declared outside that lambda.
    /// </summary>
    private static IEnumerable<Write> UnprotectedWrites(SyntaxNode scope, SemanticModel model, CancellationToken ct, SyntaxNode? capturedFrom)
    {
        foreach (var node in scope.DescendantNodes())
        {
            ExpressionSyntax? target = node switch
            {
                AssignmentExpressionSyntax a => a.Left,
                PrefixUnaryExpressionSyntax p when p.IsKind(SyntaxKind.PreIncrementExpression) || p.IsKind(SyntaxKind.PreDecrementExpression) => p.Operand,
                PostfixUnaryExpressionSyntax p when p.IsKind(SyntaxKind.PostIncrementExpression) || p.IsKind(SyntaxKind.PostDecrementExpression) => p.Operand,
                ArgumentSyntax arg when !arg.RefKindKeyword.IsKind(SyntaxKind.None) && !arg.RefKindKeyword.IsKind(SyntaxKind.InKeyword) && !IsAtomicCall(arg, model, ct) => arg.Expression,
                _ => null,
            };
            if (target is not IdentifierNameSyntax identifier) continue;
            if (node.Ancestors().TakeWhile(a => a != scope).Any(a => a is LockStatementSyntax)) continue;
            var symbol = model.GetSymbolInfo(identifier, ct).Symbol;
            if (symbol is not (ILocalSymbol or IParameterSymbol)) continue;
            if (capturedFrom is not null && symbol.Locations.Any(l => capturedFrom.Span.Contains(l.SourceSpan))) continue;
            yield return new Write(symbol, node);
        }
    }

    private static bool IsAtomicCall(ArgumentSyntax argument, SemanticModel model, CancellationToken ct) =>
        argument.Parent?.Parent is InvocationExpressionSyntax invocation &&
        model.GetSymbolInfo(invocation, ct).Symbol is IMethodSymbol m &&
        m.ContainingType?.Name is "Interlocked" or "Volatile";

    /// <summary>
    /// Names of calls that may order two pieces of code: waits, joins, channel operations, locks, Run.
    /// Matching by name is deliberately generous: a false "synchronized" only silences the hint.
    /// </summary>
    private static readonly ImmutableHashSet<string> SyncNames = ImmutableHashSet.Create(
        "Wait", "WaitAll", "WaitAny", "WaitOne", "Join", "Send", "Receive", "ReceiveWithOk", "TrySend", "TryReceive",
        "SignalAndWait", "Run", "GetResult", "Enter", "Exit", "TryEnter", "Lock", "Signal", "Set", "Release", "VerifyNone");

    /// <summary>Whether something between two positions of <paramref name="function"/> may synchronize.</summary>
    private static bool SynchronizesBetween(SyntaxNode function, int from, int to, SyntaxNode skip)
    {
        foreach (var node in function.DescendantNodes(n => !skip.Span.Contains(n.Span) || n == function))
        {
            if (node.SpanStart < from || node.SpanStart >= to || skip.Span.Contains(node.Span)) continue;
            switch (node)
            {
                case AwaitExpressionSyntax:
                case LockStatementSyntax:
                case ForEachStatementSyntax f when f.AwaitKeyword.IsKind(SyntaxKind.AwaitKeyword):
                case UsingStatementSyntax u when u.AwaitKeyword.IsKind(SyntaxKind.AwaitKeyword):
                    return true;
                case InvocationExpressionSyntax invocation:
                    var name = invocation.Expression switch
                    {
                        MemberAccessExpressionSyntax m => m.Name.Identifier.ValueText,
                        IdentifierNameSyntax i => i.Identifier.ValueText,
                        _ => "",
                    };
                    var receiver = (invocation.Expression as MemberAccessExpressionSyntax)?.Expression.ToString() ?? "";
                    if (SyncNames.Contains(name) || receiver is "Interlocked" or "Volatile" or "Monitor") return true;
                    break;
                case MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Result" }:
                    return true;
            }
        }

        return false;
    }
}
