using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Weft.Analyzers;

/// <summary>
/// What every Weft analyzer shares: one diagnostic, no generated code, concurrent execution, and nothing at all to do
/// in a compilation that does not reference Weft.
/// </summary>
public abstract class WeftAnalyzer : DiagnosticAnalyzer
{
    private readonly DiagnosticDescriptor _descriptor;

    private protected WeftAnalyzer(DiagnosticDescriptor descriptor) => _descriptor = descriptor;

    /// <inheritdoc />
    public sealed override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(_descriptor);

    /// <inheritdoc />
    public sealed override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (WeftSymbols.Create(start.Compilation) is { } weft) Register(start, weft);
        });
    }

    /// <summary>Registers the analyzer's actions for a compilation that references Weft.</summary>
    private protected abstract void Register(CompilationStartAnalysisContext context, WeftSymbols weft);
}
