using Microsoft.CodeAnalysis.Diagnostics;

namespace Weft.Analyzers.Tests;

/// <summary>Every diagnostic links to its help page, and the page exists in docs/analyzers.</summary>
public sealed class HelpPageTests
{
    public static TheoryData<string> Analyzers => new()
    {
        nameof(BlockingCallAnalyzer), nameof(SchedulerEscapeAnalyzer), nameof(SharedCaptureAnalyzer), nameof(DiscardedOperationAnalyzer),
    };

    [Theory]
    [MemberData(nameof(Analyzers))]
    public void EachDiagnostic_LinksToItsHelpPage_WhichExists(string analyzerName)
    {
        var analyzer = (DiagnosticAnalyzer)Activator.CreateInstance(typeof(WeftAnalyzer).Assembly.GetType("Weft.Analyzers." + analyzerName)!)!;
        var descriptor = Assert.Single(analyzer.SupportedDiagnostics);
        Assert.StartsWith("https://", descriptor.HelpLinkUri);
        Assert.EndsWith($"/docs/analyzers/{descriptor.Id}.md", descriptor.HelpLinkUri);
        Assert.True(File.Exists(Path.Combine(RepositoryRoot(), "docs", "analyzers", descriptor.Id + ".md")), descriptor.Id + " has no help page");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Weft.sln"))) return dir.FullName;
        }

        throw new InvalidOperationException("Weft.sln not found above " + AppContext.BaseDirectory);
    }
}
