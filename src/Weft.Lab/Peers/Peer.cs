using System.Diagnostics;
using System.Text;
using Weft.Lab.Measurement;
using Weft.Lab.Workloads;

namespace Weft.Lab.Peers;

/// <summary>
/// A peer runtime (Go, Erlang, Node.js) whose program, part of the Lab (<c>Peers/&lt;name&gt;/</c>), does the same work
/// as Weft's version of each workload it supports and prints <see cref="PeerOutput"/> lines. The Lab builds it once
/// and runs it once per workload, each run bounded in time; a missing toolchain is a note, not an error.
/// </summary>
public abstract class Peer
{
    /// <summary>The model name (<c>go</c>, <c>erlang</c>, <c>node</c>).</summary>
    public abstract string Name { get; }

    /// <summary>The executable that must be on PATH.</summary>
    public abstract string Tool { get; }

    /// <summary>The workloads its program implements.</summary>
    public abstract IReadOnlyList<string> Workloads { get; }

    /// <summary>The folder of the peer's sources (next to the Lab's binary, else in the source tree).</summary>
    public string SourceDirectory => Locate(Name);

    /// <summary>Where builds go.</summary>
    protected static string BuildRoot => Path.Combine(Path.GetTempPath(), "weft-lab-peers");

    /// <summary>
    /// A short hash of a source file's content, so builds of different versions of a peer (several worktrees share
    /// the temporary build root) never reuse each other's binaries; "missing" if the file does not exist.
    /// </summary>
    protected static string SourceStamp(string file)
    {
        if (!File.Exists(file)) return "missing";
        var hash = System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file));
        return Convert.ToHexString(hash, 0, 4).ToLowerInvariant();
    }

    /// <summary>The full path of <see cref="Tool"/>, or null when it is not installed.</summary>
    public string? ToolPath => Toolchain.Find(Tool);

    /// <summary>Builds the program if needed. Returns null on success, else the error to print.</summary>
    public abstract string? Prepare(TimeSpan timeout);

    /// <summary>The command that runs <paramref name="workload"/> at <paramref name="size"/>.</summary>
    public abstract ProcessStartInfo Command(string workload, long size);

    /// <summary>The toolchain's version, for notes and the chart (best effort).</summary>
    public virtual string Version() => "";

    /// <summary>Runs one workload, bounded by <paramref name="timeout"/>; never throws.</summary>
    public ModelRun Run(string workload, long size, TimeSpan timeout)
    {
        try
        {
            var result = ProcessRunner.Run(Command(workload, size), timeout);
            if (result.TimedOut) return ModelRun.Failure(workload, Name, $"timed out after {timeout.TotalSeconds:0} s (killed)");
            var parsed = PeerOutput.Parse(Name, result.Stdout);
            var figures = parsed.Figures.Where(f => f.Workload == workload).ToList();
            var problems = new List<string>(parsed.Errors);
            if (result.ExitCode != 0) problems.Add($"exit code {result.ExitCode}: {Tail(result.Stderr)}");
            foreach (var ((w, name), value) in parsed.Checks)
            {
                if (w == workload && ExpectedCheck(workload, name, size) is { } expected && expected != value)
                    problems.Add($"wrong answer: {name} = {value}, expected {expected}");
            }

            if (problems.Count > 0) return ModelRun.Failure(workload, Name, string.Join("; ", problems));
            if (figures.Count == 0) return ModelRun.Failure(workload, Name, "printed no result line" + (result.Stderr.Length > 0 ? ": " + Tail(result.Stderr) : ""));
            return new ModelRun(workload, Name, figures) { Size = size };
        }
        catch (Exception e)
        {
            return ModelRun.Failure(workload, Name, $"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>The answer a peer must print for a check, where the Lab knows it.</summary>
    public static string? ExpectedCheck(string workload, string name, long size) => (workload, name) switch
    {
        ("skynet", "sum") or ("skynet-await", "sum") or ("prodcons", "sum") => Skynet.ExpectedSum(size).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ("pingpong", "sum") => PingPongWorkload.ExpectedCheck(size).ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => null,
    };

    /// <summary>The last lines of a text, for error messages.</summary>
    protected static string Tail(string text, int lines = 6)
    {
        var all = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return string.Join(" | ", all.Skip(Math.Max(0, all.Length - lines))).Trim();
    }

    private static string Locate(string name)
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "Peers", name);
        if (Directory.Exists(beside)) return beside;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "Weft.Lab", "Peers", name);
            if (Directory.Exists(candidate)) return candidate;
        }

        return beside;
    }

    /// <summary>The peers the Lab knows.</summary>
    public static IReadOnlyList<Peer> All { get; } = [new GoPeer(), new ErlangPeer(), new NodePeer()];

    /// <summary>The peer named <paramref name="name"/>, or null.</summary>
    public static Peer? Find(string name) => All.FirstOrDefault(p => p.Name == name);
}

/// <summary>Finds executables on PATH.</summary>
public static class Toolchain
{
    /// <summary>The full path of <paramref name="tool"/> on PATH, or null.</summary>
    public static string? Find(string tool)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var path = Path.Combine(dir, tool);
            if (File.Exists(path)) return path;
            if (OperatingSystem.IsWindows() && File.Exists(path + ".exe")) return path + ".exe";
        }

        return null;
    }
}

/// <summary>Runs a child process with a time bound, capturing its output; kills the whole tree on timeout.</summary>
public static class ProcessRunner
{
    /// <summary>What a child process did.</summary>
    public sealed record Result(int ExitCode, string Stdout, string Stderr, bool TimedOut);

    /// <summary>Runs <paramref name="start"/> for at most <paramref name="timeout"/>.</summary>
    public static Result Run(ProcessStartInfo start, TimeSpan timeout)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        start.UseShellExecute = false;
        using var p = new Process { StartInfo = start };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        p.Start();
        p.StandardInput.Close();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (!p.WaitForExit(timeout))
        {
            try
            {
                p.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }

            p.WaitForExit(5000);
            return new Result(-1, stdout.ToString(), stderr.ToString(), true);
        }

        p.WaitForExit(); // drains the output events
        lock (stdout) lock (stderr) return new Result(p.ExitCode, stdout.ToString(), stderr.ToString(), false);
    }

    /// <summary>A start info for <paramref name="file"/> with <paramref name="args"/>, in <paramref name="workingDirectory"/>.</summary>
    public static ProcessStartInfo Start(string file, string? workingDirectory, params string[] args)
    {
        var psi = new ProcessStartInfo(file);
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        return psi;
    }
}
