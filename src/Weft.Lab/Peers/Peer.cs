using System.Diagnostics;
using System.Text;
using Weft.Lab.Measurement;
using Weft.Lab.Workloads;

namespace Weft.Lab.Peers;

/// <summary>
/// A peer runtime (Go, Erlang, Node.js, Python, Java, Rust/tokio) whose program, part of the Lab (<c>Peers/&lt;name&gt;/</c>), does the same work
/// as Weft's version of each workload it supports and prints <see cref="PeerOutput"/> lines. The Lab builds it once
/// and runs it once per workload, each run bounded in time; a missing toolchain is a note, not an error. The program
/// follows the in-process protocol inside its own process: the Lab passes the warm-up size and the number of measured
/// runs, the program prints every measured run, and the Lab reports the median run as for its own models.
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
    /// The build folder of <paramref name="sourceFile"/>: named after a hash of its content, so two copies of the
    /// Lab with different peer sources (two worktrees, an older checkout) never run each other's builds, and the
    /// same source is built once. (A shared folder once let another checkout's older Go build answer for this one.)
    /// </summary>
    protected string BuildDirFor(string sourceFile) => BuildDirFor([sourceFile]);

    /// <summary>The build folder of a program made of several <paramref name="sourceFiles"/>: a hash of them all, in order.</summary>
    protected string BuildDirFor(IReadOnlyList<string> sourceFiles)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(sourceFiles.SelectMany(File.ReadAllBytes).ToArray());
        return Path.Combine(BuildRoot, $"{Name}-{Convert.ToHexString(hash, 0, 6).ToLowerInvariant()}");
    }

    /// <summary>The full path of <see cref="Tool"/>, or null when it is not installed.</summary>
    public string? ToolPath => Toolchain.Find(Tool);

    /// <summary>Builds the program if needed. Returns null on success, else the error to print.</summary>
    public abstract string? Prepare(TimeSpan timeout);

    /// <summary>
    /// The command that runs <paramref name="workload"/>: a warm-up at <paramref name="warmupSize"/> (none when 0), then
    /// <paramref name="repeats"/> measured runs at <paramref name="size"/>. The program's arguments are always
    /// <c>&lt;workload&gt; &lt;size&gt; &lt;warmup size&gt; &lt;repeats&gt;</c>.
    /// </summary>
    public abstract ProcessStartInfo Command(string workload, long size, long warmupSize, int repeats);

    /// <summary>The program's arguments (see <see cref="Command"/>).</summary>
    protected static string[] Arguments(string workload, long size, long warmupSize, int repeats) =>
        [workload, Invariant(size), Invariant(warmupSize), Invariant(repeats)];

    private static string Invariant(long v) => v.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>What a reader must know beside this peer's figures of <paramref name="workload"/>, or null.</summary>
    public virtual string? Caveat(string workload) => null;

    /// <summary>The caveat of a one-thread runtime's <c>c10k</c>: its CPU limit is the machine's, like every model's.</summary>
    protected string OneThreadCeiling() =>
        $"{Name} runs on one thread; its cpu_limit_pct is against all {C10kWorkload.Cores} cores like every model's, " +
        $"so {100.0 / C10kWorkload.Cores:0.#} % is its ceiling";

    /// <summary>The toolchain's version, for notes and the chart (best effort).</summary>
    public virtual string Version() => "";

    /// <summary>
    /// Runs <paramref name="w"/> at <paramref name="size"/> with the in-process protocol (warm-up unless
    /// <paramref name="warmup"/> is false, <see cref="Workload.Repeats"/> measured runs, the median reported), bounded
    /// by <paramref name="timeout"/>; never throws.
    /// </summary>
    public ModelRun Run(Workload w, long size, bool warmup, TimeSpan timeout)
    {
        string workload = w.Name;
        try
        {
            long warmupSize = warmup ? Math.Max(0, w.WarmupSize(size)) : 0;
            if (warmupSize > 0) warmupSize = w.NormalizeSize(warmupSize);
            int repeats = Math.Max(1, w.Repeats);
            var result = ProcessRunner.Run(Command(workload, size, warmupSize, repeats), timeout);
            if (result.TimedOut) return ModelRun.Failure(workload, Name, $"timed out after {timeout.TotalSeconds:0} s (killed)");
            var parsed = PeerOutput.Parse(Name, result.Stdout);
            var runs = parsed.Runs.Where(r => r.All(f => f.Workload == workload)).ToList();
            var problems = new List<string>(parsed.Errors);
            if (result.ExitCode != 0) problems.Add($"exit code {result.ExitCode}: {Tail(result.Stderr)}");
            foreach (var (cw, name, value) in parsed.Checks)
            {
                if (cw == workload && ExpectedCheck(workload, name, size) is { } expected && expected != value)
                    problems.Add($"wrong answer: {name} = {value}, expected {expected}");
            }

            if (problems.Count > 0) return ModelRun.Failure(workload, Name, string.Join("; ", problems.Distinct()));
            if (runs.Count == 0) return ModelRun.Failure(workload, Name, "printed no result line" + (result.Stderr.Length > 0 ? ": " + Tail(result.Stderr) : ""));
            if (runs.Count != repeats) return ModelRun.Failure(workload, Name, $"printed {runs.Count} measured runs, expected {repeats}");
            string key = w.Figures[0].Name;
            var median = Measure.MedianBy(runs, r => r.FirstOrDefault(f => f.Name == key)?.Value ?? double.MaxValue);
            return new ModelRun(workload, Name, median) { Size = size };
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
        ("pipeline", "sum") => PipelineWorkload.ExpectedSum(size).ToString(System.Globalization.CultureInfo.InvariantCulture),
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
    public static IReadOnlyList<Peer> All { get; } = [new GoPeer(), new ErlangPeer(), new NodePeer(), new PythonPeer(), new JavaPeer(), new TokioPeer()];

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
