using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Weft.Package.Tests;

/// <summary>
/// A .NET developer's first minutes with the package: a new console project in a temporary folder outside the
/// repository, Weft referenced from a local folder feed (nothing else is needed, so it works offline), the README's
/// example as Program.cs. It must restore, build with the packaged analyzers active, and print the README's answer.
/// </summary>
public sealed class ConsumerProjectTests
{
    /// <summary>Hang guard per dotnet command (a cold restore and build take seconds; this is only so CI cannot hang).</summary>
    private static readonly TimeSpan CommandGuard = TimeSpan.FromMinutes(5);

    [SkippableFact]
    public void TheReadmeExample_BuildsAndRuns_AgainstThePackage()
    {
        var feed = PackageFeed.Require();
        var version = PackageFeed.Version(PackageFeed.Find(feed, "Weft"));
        var (example, expected) = ReadmeExample();
        var dir = Directory.CreateTempSubdirectory("weft-consumer-").FullName;
        try
        {
            // Empty Directory.Build files stop MSBuild from importing any it would find above the temp folder.
            File.WriteAllText(Path.Combine(dir, "Directory.Build.props"), "<Project />");
            File.WriteAllText(Path.Combine(dir, "Directory.Build.targets"), "<Project />");
            File.WriteAllText(Path.Combine(dir, "NuGet.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="weft-local" value="{feed}" />
                  </packageSources>
                </configuration>
                """);
            File.WriteAllText(Path.Combine(dir, "Consumer.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Weft" Version="{version}" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(dir, "Program.cs"), example);
            // A classic mistake, never called: the packaged analyzer must flag it in this build.
            File.WriteAllText(Path.Combine(dir, "Mistake.cs"), """
                using Weft;

                static class Mistake
                {
                    public static void SleepsOnTheScheduler() => Go.Start(() => Thread.Sleep(10));
                }
                """);

            // A private package folder: a stale Weft of the same version in the user's cache cannot stand in for this one.
            var build = Dotnet(dir, "build", "-c", "Release", "--disable-build-servers", "-nodeReuse:false", "-p:UseSharedCompilation=false");
            Assert.True(build.ExitCode == 0, "dotnet build failed:\n" + build.Output);
            Assert.Matches(@"Mistake\.cs\(\d+,\d+\): warning WEFT001", build.Output);
            // The analyzers loaded and ran cleanly: no load failure (CS8032/CS8034) and no analyzer crash (AD0001).
            Assert.DoesNotMatch(@"warning (CS8032|CS8034|AD0001)", build.Output);
            Assert.DoesNotMatch(@"Program\.cs\(\d+,\d+\): warning", build.Output); // the README example is clean

            var run = Dotnet(dir, Path.Combine(dir, "bin", "Release", "net10.0", "Consumer.dll"));
            Assert.True(run.ExitCode == 0, "the example failed:\n" + run.Output);
            Assert.Equal(expected, run.Output.Trim());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The README's first C# block, and the number its <c>Console.WriteLine(total)</c> line promises.</summary>
    private static (string Code, string Expected) ReadmeExample()
    {
        var readme = File.ReadAllText(Path.Combine(PackageFeed.RepositoryRoot(), "README.md"));
        var code = Regex.Match(readme, @"```csharp\n(.*?)```", RegexOptions.Singleline);
        Assert.True(code.Success, "README.md has no ```csharp block");
        var expected = Regex.Match(code.Groups[1].Value, @"Console\.WriteLine\(total\);\s*// (\S+)");
        Assert.True(expected.Success, "the README example no longer says what it prints");
        return (code.Groups[1].Value, expected.Groups[1].Value);
    }

    private static (int ExitCode, string Output) Dotnet(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(DotnetPath())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        // The test host's MSBuild settings must not leak into a separate build; the package folder is private.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) ||
                                                             k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        start.Environment["NUGET_PACKAGES"] = Path.Combine(workingDirectory, "packages");
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var lockObj = new object();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (lockObj) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (lockObj) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(CommandGuard))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', args)} did not finish within {CommandGuard}:\n{output}");
        }

        process.WaitForExit(); // drains the output
        lock (lockObj) return (process.ExitCode, output.ToString());
    }

    /// <summary>The dotnet that runs this test (DOTNET_HOST_PATH under `dotnet test`), else the one on PATH.</summary>
    private static string DotnetPath() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
