using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Weft.Analyzers.CodeFixes;

/// <summary>Syntax the code fixes share: Weft calls written fully qualified and simplified by the IDE.</summary>
internal static class WeftSyntax
{
    /// <summary><c>global::Weft.Go.{name}</c>, reduced to <c>Go.{name}</c> where <c>using Weft;</c> is in scope.</summary>
    public static ExpressionSyntax GoMember(string name) =>
        ParseExpression("global::Weft.Go." + name).WithAdditionalAnnotations(Simplifier.Annotation);

    /// <summary><c>await expr</c>, parenthesized when it sits inside a larger expression (the IDE drops needless parentheses).</summary>
    public static ExpressionSyntax Await(ExpressionSyntax expression, SyntaxNode replaced)
    {
        var awaited = AwaitExpression(expression.WithoutTrivia()).WithTriviaFrom(replaced);
        if (replaced.Parent is ExpressionStatementSyntax or EqualsValueClauseSyntax or ArgumentSyntax or ReturnStatementSyntax)
            return awaited;
        return ParenthesizedExpression(awaited.WithoutTrivia()).WithTriviaFrom(replaced).WithAdditionalAnnotations(Simplifier.Annotation);
    }

    /// <summary><c>Go.Blocking(() => expr)</c>.</summary>
    public static ExpressionSyntax GoBlocking(ExpressionSyntax call) =>
        InvocationExpression(GoMember("Blocking"), ArgumentList(SingletonSeparatedList(Argument(
                ParenthesizedLambdaExpression().WithExpressionBody(call.WithoutTrivia())))))
            .WithTriviaFrom(call);

    /// <summary>Replaces one node and formats the result.</summary>
    public static async Task<Document> ReplaceAsync(Document document, SyntaxNode oldNode, SyntaxNode newNode, CancellationToken ct)
    {
        var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
        var updated = root!.ReplaceNode(oldNode, newNode.WithAdditionalAnnotations(Formatter.Annotation));
        return document.WithSyntaxRoot(updated);
    }

    /// <summary>Whether the innermost function around <paramref name="node"/> is async.</summary>
    public static bool InAsyncFunction(SyntaxNode node) => GoroutineCode.IsInAsyncFunction(node);

    /// <summary>The node a diagnostic points at.</summary>
    public static async Task<SyntaxNode?> NodeAtAsync(Document document, Diagnostic diagnostic, CancellationToken ct)
    {
        var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
        return root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
    }

    /// <summary>The name of a member call: <c>x.Send(..)</c> gives "Send".</summary>
    public static SimpleNameSyntax? CalledName(InvocationExpressionSyntax invocation) =>
        (invocation.Expression as MemberAccessExpressionSyntax)?.Name;

}
