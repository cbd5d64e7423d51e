using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Weft.Analyzers;

/// <summary>
/// Decides whether code runs as goroutine code. Only the innermost function around a node counts: a lambda handed to
/// something else (Go.Blocking, a new Thread, Task.Run, a LINQ query) may run elsewhere, so code in it is not treated
/// as goroutine code unless that lambda is itself a goroutine body. This keeps the analyzers free of false positives
/// at the price of missing blocking calls in synchronous callbacks.
/// </summary>
internal static class GoroutineCode
{
    /// <summary>The innermost lambda, anonymous method, local function, method or accessor around <paramref name="node"/>.</summary>
    public static SyntaxNode? EnclosingFunction(SyntaxNode node)
    {
        for (var n = node.Parent; n is not null; n = n.Parent)
        {
            switch (n)
            {
                case AnonymousFunctionExpressionSyntax:
                case LocalFunctionStatementSyntax:
                case BaseMethodDeclarationSyntax:
                case AccessorDeclarationSyntax:
                case PropertyDeclarationSyntax:
                case IndexerDeclarationSyntax:
                    return n;
            }
        }

        return null;
    }

    /// <summary>
    /// True when <paramref name="function"/> is goroutine code: a delegate handed to Go.Start/Spawn/Run (or a
    /// GoRuntime's, or Time.AfterFunc), or a method, local function or lambda returning GoTask/GoTask&lt;T&gt;.
    /// </summary>
    public static bool IsGoroutineFunction(SyntaxNode? function, SemanticModel model, WeftSymbols weft, CancellationToken ct)
    {
        switch (function)
        {
            case AnonymousFunctionExpressionSyntax lambda:
                if (IsGoroutineBody(lambda, model, weft, ct)) return true;
                var converted = model.GetTypeInfo(lambda, ct).ConvertedType as INamedTypeSymbol;
                return weft.IsGoTask(converted?.DelegateInvokeMethod?.ReturnType);
            case LocalFunctionStatementSyntax local:
                return weft.IsGoTask(model.GetTypeInfo(local.ReturnType, ct).Type);
            case MethodDeclarationSyntax method:
                return weft.IsGoTask(model.GetTypeInfo(method.ReturnType, ct).Type);
            default:
                return false;
        }
    }

    /// <summary>True when <paramref name="lambda"/> is passed straight to a method that runs it as a new goroutine.</summary>
    public static bool IsGoroutineBody(AnonymousFunctionExpressionSyntax lambda, SemanticModel model, WeftSymbols weft, CancellationToken ct) =>
        InvokedWith(lambda, model, ct) is { } method && weft.StartsGoroutine(method);

    /// <summary>The method a lambda is passed to as an argument, if any.</summary>
    public static IMethodSymbol? InvokedWith(AnonymousFunctionExpressionSyntax lambda, SemanticModel model, CancellationToken ct)
    {
        SyntaxNode node = lambda;
        while (node.Parent is ParenthesizedExpressionSyntax or CastExpressionSyntax) node = node.Parent;
        if (node.Parent is not ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax invocation } })
            return null;
        return model.GetSymbolInfo(invocation, ct).Symbol as IMethodSymbol;
    }

    /// <summary>Whether <paramref name="node"/> sits in goroutine code (its innermost function is one).</summary>
    public static bool IsInGoroutine(SyntaxNode node, SemanticModel model, WeftSymbols weft, CancellationToken ct) =>
        IsGoroutineFunction(EnclosingFunction(node), model, weft, ct);

    /// <summary>Whether the innermost function around <paramref name="node"/> is async (so an await can be added).</summary>
    public static bool IsInAsyncFunction(SyntaxNode node) =>
        EnclosingFunction(node) switch
        {
            AnonymousFunctionExpressionSyntax f => f.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword),
            LocalFunctionStatementSyntax f => f.Modifiers.Any(SyntaxKind.AsyncKeyword),
            MethodDeclarationSyntax f => f.Modifiers.Any(SyntaxKind.AsyncKeyword),
            _ => false,
        };
}
