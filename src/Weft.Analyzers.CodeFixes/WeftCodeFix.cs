using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace Weft.Analyzers.CodeFixes;

/// <summary>What every Weft code fix shares: one diagnostic id, and fix-all by batching the single fixes.</summary>
public abstract class WeftCodeFix : CodeFixProvider
{
    private readonly string _id;

    private protected WeftCodeFix(DiagnosticDescriptor descriptor) => _id = descriptor.Id;

    /// <inheritdoc />
    public sealed override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(_id);

    /// <inheritdoc />
    public sealed override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;
}
