using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Weft.Analyzers.Tests;

/// <summary>
/// Runs an analyzer (and its code fix) on a source file that uses Weft. Sources are written with the testing
/// library's markup: <c>{|WEFT001:Thread.Sleep(5)|}</c> marks where a diagnostic is expected. Every source gets
/// <see cref="Usings"/> in front. References are the SDK's own reference assemblies and the Weft assembly, read
/// from disk: no package is downloaded.
/// </summary>
public static class Verify<TAnalyzer, TFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TFix : CodeFixProvider, new()
{
    public const string Usings = "using System;\nusing System.IO;\nusing System.Threading;\nusing System.Threading.Tasks;\nusing Weft;\n\n";

    /// <summary>The analyzer reports exactly the marked diagnostics.</summary>
    public static Task Diagnostics(string source) => Run(source, fixedSource: null, equivalenceKey: null);

    /// <summary>The analyzer reports the marked diagnostics, and the fix titled <paramref name="fix"/> turns the source into <paramref name="fixedSource"/>.</summary>
    public static Task Fix(string source, string fixedSource, string fix) => Run(source, fixedSource, fix);

    private static async Task Run(string source, string? fixedSource, string? equivalenceKey)
    {
        var test = new CSharpCodeFixTest<TAnalyzer, TFix, DefaultVerifier>
        {
            TestCode = Usings + source,
            ReferenceAssemblies = LocalReferences.None,
            CodeActionEquivalenceKey = equivalenceKey,
        };
        test.TestState.AdditionalReferences.AddRange(LocalReferences.All);
        if (fixedSource is not null)
        {
            test.FixedCode = Usings + fixedSource;
            test.FixedState.AdditionalReferences.AddRange(LocalReferences.All);
        }

        await test.RunAsync();
    }
}

/// <summary>The compilation references for the test sources, from the installed SDK and the built Weft assembly.</summary>
internal static class LocalReferences
{
    /// <summary>No reference-assembly package: the tests bring their own references (see <see cref="All"/>).</summary>
    public static readonly ReferenceAssemblies None = new("net10.0");

    public static readonly ImmutableArray<MetadataReference> All = Load();

    private static ImmutableArray<MetadataReference> Load()
    {
        // <dotnet root>/shared/Microsoft.NETCore.App/<version>/System.Private.CoreLib.dll -> <dotnet root>/packs/...
        var runtimeDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var dotnetRoot = Path.GetFullPath(Path.Combine(runtimeDir, "..", "..", ".."));
        var packs = Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref");
        var refDir = Directory.Exists(packs)
            ? Directory.GetDirectories(packs)
                .Select(v => Path.Combine(v, "ref", "net10.0"))
                .Where(Directory.Exists)
                .OrderByDescending(d => Version.TryParse(Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(d))), out var v) ? v : new Version())
                .FirstOrDefault()
            : null;
        // Without the targeting pack, compile against the runtime's own assemblies.
        var framework = refDir is not null
            ? Directory.GetFiles(refDir, "*.dll")
            : Directory.GetFiles(runtimeDir, "System*.dll").Append(Path.Combine(runtimeDir, "netstandard.dll")).ToArray();
        return framework.Append(typeof(Weft.Go).Assembly.Location)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray();
    }
}
