using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Weft.Analyzers.CodeFixes;

/// <summary>
/// Fixes for WEFT001. In an async function: <c>Thread.Sleep(x)</c> → <c>await Go.Sleep(x)</c>; a wait on a task
/// (<c>.Wait()</c>, <c>.Result</c>, <c>.GetAwaiter().GetResult()</c>) → <c>await</c>; <c>ch.Send(v)</c> /
/// <c>ch.Receive()</c> → <c>await ch.SendAsync(v)</c> / <c>await ch.ReceiveAsync()</c>. Anywhere: wrap the call in
/// <c>Go.Blocking(() => ...)</c>.
/// </summary>
[ExportCodeFixProvider(Microsoft.CodeAnalysis.LanguageNames.CSharp, Name = nameof(BlockingCallCodeFix)), Shared]
public sealed class BlockingCallCodeFix : WeftCodeFix
{
    /// <summary>Creates the fix provider.</summary>
    public BlockingCallCodeFix() : base(Descriptors.BlockingCall) { }

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var diagnostic = context.Diagnostics[0];
        if (await WeftSyntax.NodeAtAsync(context.Document, diagnostic, context.CancellationToken).ConfigureAwait(false)
            is not ExpressionSyntax node)
            return;
        diagnostic.Properties.TryGetValue(BlockingCallAnalyzer.FixProperty, out var fix);
        var document = context.Document;

        if (WeftSyntax.InAsyncFunction(node) && Rewrite(node, fix) is { } rewrite)
        {
            context.RegisterCodeFix(CodeAction.Create(rewrite.Title,
                ct => WeftSyntax.ReplaceAsync(document, node, rewrite.Replacement, ct), equivalenceKey: rewrite.Title), diagnostic);
        }

        const string wrap = "Declare it with Go.Blocking(...)";
        context.RegisterCodeFix(CodeAction.Create(wrap,
            ct => WeftSyntax.ReplaceAsync(document, node, WeftSyntax.GoBlocking(node), ct), equivalenceKey: wrap), diagnostic);
    }

    /// <summary>The async rewrite for this finding, if there is one.</summary>
    private static (string Title, ExpressionSyntax Replacement)? Rewrite(ExpressionSyntax node, string? fix)
    {
        switch (fix)
        {
            case nameof(BlockingFix.GoSleep) when node is InvocationExpressionSyntax sleep:
                var goSleep = InvocationExpression(WeftSyntax.GoMember("Sleep"), sleep.ArgumentList);
                return ("Use await Go.Sleep(...)", WeftSyntax.Await(goSleep, node));

            case nameof(BlockingFix.Await):
                ExpressionSyntax? task = node switch
                {
                    // t.Result
                    MemberAccessExpressionSyntax result => result.Expression,
                    // t.GetAwaiter().GetResult()
                    InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax getAwaiter } } } =>
                        getAwaiter.Expression,
                    // t.Wait()
                    InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax wait, ArgumentList.Arguments.Count: 0 } => wait.Expression,
                    _ => null,
                };
                return task is null ? null : ("Await the task", WeftSyntax.Await(task, node));

            case nameof(BlockingFix.ChanAsync) when node is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax call } invocation:
                var asyncName = call.Name.Identifier.ValueText + "Async";
                var asyncCall = invocation.WithExpression(call.WithName(IdentifierName(asyncName)));
                return ("Await the channel's async form", WeftSyntax.Await(asyncCall, node));

            default:
                return null;
        }
    }
}
