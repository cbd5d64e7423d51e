using System.Globalization;
using Weft.Lab.Measurement;
using Weft.Lab.Peers;

namespace Weft.Lab.Explore;

/// <summary>
/// Microsoft.Coyote 1.7.11 on the same planted bugs written with Tasks (Peers/coyote). Coyote controls Tasks only in
/// an assembly rewritten by its CLI (<c>coyote rewrite</c>), so the Lab builds the program into a folder keyed by a
/// hash of its source, rewrites it with the <c>coyote</c> tool (on PATH, in ~/.dotnet/tools, or installed there from
/// NuGet with <c>dotnet tool install</c> on first use), and runs it as a child process.
/// </summary>
public static class CoyotePeer
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(30);

    private static string SourceDirectory => Path.Combine(AppContext.BaseDirectory, "Peers", "coyote");

    /// <summary>Builds, rewrites and runs the Coyote program; null (with the reason written to <paramref name="error"/>) when it cannot.</summary>
    public static IReadOnlyList<Figure>? Measure(TextWriter error, int explorations = ExploreCommand.Explorations, int timedSchedules = ExploreCommand.TimedSchedules)
    {
        var files = new[] { "CoyoteBugs.csproj", "Program.cs" }.Select(f => Path.Combine(SourceDirectory, f)).ToArray();
        if (files.FirstOrDefault(f => !File.Exists(f)) is { } missing)
        {
            error.WriteLine($"coyote: source not found: {missing}");
            return null;
        }

        var hash = System.Security.Cryptography.SHA256.HashData(files.SelectMany(File.ReadAllBytes).ToArray());
        var buildDir = Path.Combine(Path.GetTempPath(), "weft-lab-peers", $"coyote-{Convert.ToHexString(hash, 0, 6).ToLowerInvariant()}");
        var dll = Path.Combine(buildDir, "out", "CoyoteBugs.dll");
        var rewrittenMark = Path.Combine(buildDir, "rewritten");
        if (!File.Exists(rewrittenMark))
        {
            var tool = FindOrInstallTool(buildDir, error);
            if (tool is null) return null;
            var project = Path.Combine(buildDir, "project");
            Directory.CreateDirectory(project);
            foreach (var f in files) File.Copy(f, Path.Combine(project, Path.GetFileName(f)), overwrite: true);
            var build = ProcessRunner.Run(ProcessRunner.Start("dotnet", project, "build", "-c", "Release", "-o", Path.Combine(buildDir, "out")), Timeout);
            if (build.ExitCode != 0 || !File.Exists(dll))
            {
                error.WriteLine($"coyote: dotnet build failed: {build.Stdout.Split('\n').LastOrDefault(l => l.Contains("error"))}");
                return null;
            }

            var rewrite = ProcessRunner.Start(tool, buildDir, "rewrite", dll);
            rewrite.Environment["DOTNET_ROLL_FORWARD"] = "Major"; // the 1.7.11 tool targets an older .NET
            var r = ProcessRunner.Run(rewrite, Timeout);
            if (r.ExitCode != 0)
            {
                error.WriteLine($"coyote: coyote rewrite failed: {r.Stderr}{r.Stdout}");
                return null;
            }

            File.WriteAllText(rewrittenMark, tool);
        }

        var run = ProcessRunner.Run(ProcessRunner.Start("dotnet", buildDir, dll,
            explorations.ToString(CultureInfo.InvariantCulture), timedSchedules.ToString(CultureInfo.InvariantCulture)), Timeout);
        if (run.TimedOut || run.ExitCode != 0)
        {
            error.WriteLine($"coyote: the run {(run.TimedOut ? "timed out" : $"failed with exit code {run.ExitCode}")}");
            return null;
        }

        // Coyote's engine logs every bug it finds to the console; the figures are the tab-separated lines.
        var figures = new List<Figure>();
        foreach (var line in run.Stdout.Split('\n'))
        {
            var parts = line.Trim().Split('\t');
            if (parts.Length == 3 && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
                figures.Add(new Figure("explore", parts[0], "coyote", value, parts[2]));
        }

        return figures;
    }

    private static string? FindOrInstallTool(string buildDir, TextWriter error)
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var candidates = new[]
        {
            Environment.GetEnvironmentVariable("WEFT_COYOTE"), Toolchain.Find("coyote"), Path.Combine(home, ".dotnet", "tools", "coyote"),
            Path.Combine(buildDir, "tool", "coyote"),
        };
        if (candidates.FirstOrDefault(File.Exists) is { } found) return found;
        var install = ProcessRunner.Run(ProcessRunner.Start("dotnet", null, "tool", "install", "--tool-path", Path.Combine(buildDir, "tool"),
            "Microsoft.Coyote.CLI", "--version", "1.7.11"), Timeout);
        var installed = Path.Combine(buildDir, "tool", "coyote");
        if (install.ExitCode == 0 && File.Exists(installed)) return installed;
        error.WriteLine($"coyote: the coyote CLI is not installed and 'dotnet tool install Microsoft.Coyote.CLI --version 1.7.11' failed: {install.Stderr.Trim()}");
        return null;
    }
}
