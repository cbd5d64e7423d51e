using System.Diagnostics;
using Weft.Lab.Measurement;
using Weft.Lab.Output;
using Weft.Lab.Peers;
using Weft.Lab.Workloads;

namespace Weft.Lab.Commands;

/// <summary>
/// One workload × in-process model measured in a fresh process: the Lab starts itself again with the hidden
/// <c>measure</c> command, which runs the model's protocol (warm-up, measured runs, median) and prints the run as
/// one JSON line. So no model inherits ThreadPool threads, heap size or JIT state from the models before it — the
/// pool alone once moved a Tasks figure 2× depending on what ran earlier in the same process.
/// </summary>
public static class IsolatedRun
{
    /// <summary>The hidden command's name.</summary>
    public const string CommandName = "measure";

    /// <summary>Runs <paramref name="model"/> of <paramref name="w"/> in a child process bounded by <paramref name="timeout"/>; never throws.</summary>
    public static ModelRun Run(Workload w, string model, long size, bool warmup, TimeSpan timeout)
    {
        try
        {
            var args = new List<string> { CommandName, w.Name, model, "--size", size.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            if (!warmup) args.Add("--no-warmup");
            var result = ProcessRunner.Run(Start([.. args]), timeout);
            if (result.TimedOut) return ModelRun.Failure(w.Name, model, $"its process timed out after {timeout.TotalSeconds:0} s (killed)");
            var line = result.Stdout.Split('\n').Select(l => l.Trim()).LastOrDefault(JsonLines.IsRunLine);
            if (line is null)
                return ModelRun.Failure(w.Name, model, $"its process printed no result (exit code {result.ExitCode}): {Tail(result.Stderr)}");
            return JsonLines.ParseRun(line);
        }
        catch (Exception e)
        {
            return ModelRun.Failure(w.Name, model, $"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>The child's side: measures one workload × model here and prints the run as one JSON line; returns the exit code.</summary>
    /// <exception cref="ArgumentException">The workload or model is unknown.</exception>
    public static int Measure(string workload, string model, long? size, bool warmup, TextWriter output)
    {
        var w = WorkloadRegistry.Find(workload) ?? throw new ArgumentException($"unknown workload '{workload}'");
        if (!w.Models.Contains(model))
            throw new ArgumentException($"{w.Name} has no in-process model '{model}'; it has: {string.Join(", ", w.Models)}");
        var run = w.Run(model, w.NormalizeSize(size ?? w.DefaultSize), warmup);
        output.WriteLine(JsonLines.RunLine(run));
        return run.Failed ? 1 : 0;
    }

    /// <summary>
    /// A start info that runs this Lab with <paramref name="args"/>: its native launcher when it sits next to the
    /// assembly, else <c>dotnet Weft.Lab.dll</c>. The child gets the same runtime configuration (GC mode, tiering).
    /// </summary>
    public static ProcessStartInfo Start(params string[] args)
    {
        string dll = typeof(IsolatedRun).Assembly.Location;
        string dir = Path.GetDirectoryName(dll)!;
        string launcher = Path.Combine(dir, OperatingSystem.IsWindows() ? "Weft.Lab.exe" : "Weft.Lab");
        if (File.Exists(launcher)) return ProcessRunner.Start(launcher, dir, args);
        string host = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : Toolchain.Find("dotnet") ?? "dotnet";
        return ProcessRunner.Start(host, dir, [dll, .. args]);
    }

    private static string Tail(string text) =>
        string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(6)).Trim();
}
