namespace Weft.Package.Tests;

/// <summary>What every package holds: the library with its XML docs, the README, the license, symbols, one version.</summary>
public sealed class PackageContentsTests
{
    [SkippableFact]
    public void EveryPackage_HasItsLibraryDocsReadmeLicenseAndSymbols_AtOneVersion()
    {
        var feed = PackageFeed.Require();
        var versions = new HashSet<string>();
        foreach (var package in PackageFeed.Packages(feed))
        {
            var nuspec = PackageFeed.Nuspec(package);
            var ns = nuspec.Name.Namespace;
            var metadata = nuspec.Element(ns + "metadata")!;
            string id = metadata.Element(ns + "id")!.Value;
            string version = metadata.Element(ns + "version")!.Value;
            versions.Add(version);

            var entries = PackageFeed.Entries(package);
            Assert.Contains($"lib/net10.0/{id}.dll", entries);
            Assert.Contains($"lib/net10.0/{id}.xml", entries);
            Assert.Contains("README.md", entries);
            Assert.Contains("LICENSE", entries);
            Assert.Equal("README.md", metadata.Element(ns + "readme")?.Value);
            Assert.Equal("MIT", metadata.Element(ns + "license")?.Value);

            var symbols = Path.ChangeExtension(package, ".snupkg");
            Assert.True(File.Exists(symbols), $"{Path.GetFileName(package)} has no symbol package");
            Assert.Contains($"lib/net10.0/{id}.pdb", PackageFeed.Entries(symbols));

            // Packages of this repository depend on each other at exactly the version they were packed with.
            foreach (var dependency in metadata.Descendants(ns + "dependency").Where(d => d.Attribute("id")!.Value.StartsWith("Weft", StringComparison.Ordinal)))
                Assert.Equal($"[{version}, )", NormalizeRange(dependency.Attribute("version")!.Value));
        }

        Assert.Single(versions);
    }

    [SkippableFact]
    public void TheWeftPackage_CarriesTheAnalyzersAndDependsOnNothing()
    {
        var feed = PackageFeed.Require();
        var weft = PackageFeed.Find(feed, "Weft");
        var entries = PackageFeed.Entries(weft);
        Assert.Contains("analyzers/dotnet/cs/Weft.Analyzers.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/Weft.Analyzers.CodeFixes.dll", entries);
        var nuspec = PackageFeed.Nuspec(weft);
        Assert.Empty(nuspec.Descendants(nuspec.Name.Namespace + "dependency")); // the runtime needs only the base library
    }

    [SkippableFact]
    public void TheHostingPackage_DependsOnWeftAndTheHostingAbstractions()
    {
        var feed = PackageFeed.Require();
        var hosting = PackageFeed.Find(feed, "Weft.Hosting");
        var nuspec = PackageFeed.Nuspec(hosting);
        var ids = nuspec.Descendants(nuspec.Name.Namespace + "dependency").Select(d => d.Attribute("id")!.Value).ToList();
        Assert.Contains("Weft", ids);
        Assert.Contains("Microsoft.Extensions.Hosting.Abstractions", ids);
    }

    /// <summary>NuGet writes a minimum version either as "1.0.0" or as "[1.0.0, )".</summary>
    private static string NormalizeRange(string range) => range.StartsWith('[') ? range : $"[{range}, )";
}
