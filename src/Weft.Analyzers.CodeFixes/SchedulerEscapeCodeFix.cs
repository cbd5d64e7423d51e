using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Weft.Analyzers.CodeFixes;

/// <summary>
/// Fixes for WEFT002: <c>Task.Delay(x)</c> → <c>Go.Sleep(x)</c> (not with a cancellation token, which Go.Sleep does
/// not take) and <c>Task.Yield()</c> → <c>Go.Yield()</c>. <c>Task.Run</c> has no mechanical fix: whether the work
/// should be a goroutine or a declared blocking call is the author's choice.
/// </summary>
[ExportCodeFixProvider(Microsoft.CodeAnalysis.LanguageNames.CSharp, Name = nameof(SchedulerEscapeCodeFix)), Shared]
public sealed class SchedulerEscapeCodeFix : WeftCodeFix
{
    /// <summary>Creates the fix provider.</summary>
    public SchedulerEscapeCodeFix() : base(Descriptors.SchedulerEscape) { }

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var diagnostic = context.Diagnostics[0];
        if (await WeftSyntax.NodeAtAsync(context.Document, diagnostic, context.CancellationToken).ConfigureAwait(false)
            is not InvocationExpressionSyntax invocation)
            return;
        diagnostic.Properties.TryGetValue(SchedulerEscapeAnalyzer.MethodProperty, out var method);
        ExpressionSyntax? replacement = method switch
        {
            "Delay" when invocation.ArgumentList.Arguments.Count == 1 =>
                InvocationExpression(WeftSyntax.GoMember("Sleep"), invocation.ArgumentList),
            "Yield" => InvocationExpression(WeftSyntax.GoMember("Yield")),
            _ => null,
        };
        if (replacement is null) return;
        // Weft's awaitables have no ConfigureAwait (they always resume on the goroutine): drop it with the Task call.
        ExpressionSyntax replaced = invocation;
        if (invocation.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait", Parent: InvocationExpressionSyntax configured })
            replaced = configured;
        var title = method == "Delay" ? "Use Go.Sleep(...)" : "Use Go.Yield()";
        var document = context.Document;
        context.RegisterCodeFix(CodeAction.Create(title,
            ct => WeftSyntax.ReplaceAsync(document, replaced, replacement.WithTriviaFrom(replaced), ct), equivalenceKey: title), diagnostic);
    }
}
