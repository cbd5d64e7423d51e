using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Weft.Analyzers.CodeFixes;

/// <summary>
/// Fixes for WEFT004: await the dropped operation (in an async function), or, for a dropped
/// <c>Go.Spawn(...)</c>/<c>runtime.Spawn(...)</c> handle, start the goroutine with <c>Start</c> instead.
/// </summary>
[ExportCodeFixProvider(Microsoft.CodeAnalysis.LanguageNames.CSharp, Name = nameof(DiscardedOperationCodeFix)), Shared]
public sealed class DiscardedOperationCodeFix : WeftCodeFix
{
    /// <summary>Creates the fix provider.</summary>
    public DiscardedOperationCodeFix() : base(Descriptors.DiscardedOperation) { }

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var diagnostic = context.Diagnostics[0];
        if (await WeftSyntax.NodeAtAsync(context.Document, diagnostic, context.CancellationToken).ConfigureAwait(false)
            is not ExpressionSyntax expression)
            return;
        // The statement to rewrite: "e;" or "_ = e;".
        SyntaxNode? statement = expression.Parent switch
        {
            ExpressionStatementSyntax s => s,
            AssignmentExpressionSyntax { Parent: ExpressionStatementSyntax s } => s,
            _ => null,
        };
        if (statement is null) return;
        var document = context.Document;

        if (WeftSyntax.InAsyncFunction(expression))
        {
            const string title = "Await the operation";
            var awaited = ExpressionStatement(AwaitExpression(expression.WithoutTrivia())).WithTriviaFrom(statement);
            context.RegisterCodeFix(CodeAction.Create(title,
                ct => WeftSyntax.ReplaceAsync(document, statement, awaited, ct), equivalenceKey: title), diagnostic);
        }

        diagnostic.Properties.TryGetValue(DiscardedOperationAnalyzer.KindProperty, out var kind);
        if (kind == DiscardedOperationAnalyzer.SpawnKind &&
            expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } spawn)
        {
            const string title = "Start the goroutine with Start(...)";
            var started = ExpressionStatement(spawn.WithExpression(access.WithName(IdentifierName("Start")))).WithTriviaFrom(statement);
            context.RegisterCodeFix(CodeAction.Create(title,
                ct => WeftSyntax.ReplaceAsync(document, statement, started, ct), equivalenceKey: title), diagnostic);
        }
    }
}
