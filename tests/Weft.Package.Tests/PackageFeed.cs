using System.IO.Compression;
using System.Xml.Linq;

namespace Weft.Package.Tests;

/// <summary>
/// The folder of packed packages named by <c>WEFT_PACKAGE_FEED</c> (.ci/run sets it), and the repository they were
/// packed from. Tests skip, saying why, when the packages were not packed.
/// </summary>
public static class PackageFeed
{
    public const string Variable = "WEFT_PACKAGE_FEED";

    public static string? Directory
    {
        get
        {
            var dir = Environment.GetEnvironmentVariable(Variable);
            return string.IsNullOrEmpty(dir) ? null : Path.GetFullPath(dir);
        }
    }

    /// <summary>Skips the test unless the feed holds the Weft package.</summary>
    public static string Require()
    {
        var dir = Directory;
        Skip.If(dir is null,
            $"{Variable} is not set: the packages were not packed. `bash .ci/run` packs them into artifacts/packages and " +
            $"sets it; by hand: dotnet pack Weft.sln -c Release -o DIR && {Variable}=DIR dotnet test -c Release");
        Skip.IfNot(System.IO.Directory.Exists(dir) && System.IO.Directory.GetFiles(dir!, "Weft.*.nupkg").Length > 0,
            $"{Variable}={dir} holds no Weft package: the packages were not packed.");
        return dir!;
    }

    /// <summary>Every package in the feed (not the symbol packages).</summary>
    public static IReadOnlyList<string> Packages(string dir) =>
        System.IO.Directory.GetFiles(dir, "*.nupkg").Where(p => !p.EndsWith(".snupkg", StringComparison.Ordinal)).OrderBy(p => p).ToList();

    /// <summary>The package with the given id; fails when there is none.</summary>
    public static string Find(string dir, string id) =>
        Packages(dir).SingleOrDefault(p => Id(p) == id) ?? throw new Xunit.Sdk.XunitException($"no {id} package in {dir}");

    /// <summary>The id in the package's .nuspec.</summary>
    public static string Id(string package)
    {
        var nuspec = Nuspec(package);
        return nuspec.Element(nuspec.Name.Namespace + "metadata")!.Element(nuspec.Name.Namespace + "id")!.Value;
    }

    /// <summary>The version in the package's .nuspec.</summary>
    public static string Version(string package)
    {
        var nuspec = Nuspec(package);
        return nuspec.Element(nuspec.Name.Namespace + "metadata")!.Element(nuspec.Name.Namespace + "version")!.Value;
    }

    /// <summary>The package's file names, with forward slashes.</summary>
    public static HashSet<string> Entries(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        return zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The package's .nuspec.</summary>
    public static XElement Nuspec(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        var entry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/'));
        using var stream = entry.Open();
        return XDocument.Load(stream).Root!;
    }

    /// <summary>The repository root: the nearest folder above the test's output that holds Weft.sln.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Weft.sln"))) return dir.FullName;
        }

        throw new InvalidOperationException("Weft.sln not found above " + AppContext.BaseDirectory);
    }
}
