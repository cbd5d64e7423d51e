using System.Diagnostics;

namespace Weft.Lab.Peers;

/// <summary>Go: <c>Peers/go/weftpeer.go</c>, built with <c>go build</c> into a temporary folder.</summary>
public sealed class GoPeer : Peer
{
    /// <inheritdoc />
    public override string Name => "go";

    /// <inheritdoc />
    public override string Tool => "go";

    /// <inheritdoc />
    public override IReadOnlyList<string> Workloads { get; } =
        ["spawn", "skynet", "pingpong", "pipeline", "prodcons", "select", "hog", "blocking", "sleep", "yield", "c10k", "mutex", "context"];

    private string Source => Path.Combine(SourceDirectory, "weftpeer.go");

    private string BuildDir => BuildDirFor(Source);

    private string Binary => Path.Combine(BuildDir, OperatingSystem.IsWindows() ? "weftpeer.exe" : "weftpeer");

    /// <inheritdoc />
    public override string? Prepare(TimeSpan timeout)
    {
        if (!File.Exists(Source)) return $"source not found: {Source}";
        if (File.Exists(Binary)) return null;
        Directory.CreateDirectory(BuildDir);
        var psi = ProcessRunner.Start(ToolPath!, SourceDirectory, "build", "-o", Binary, "weftpeer.go");
        psi.Environment["GOCACHE"] = Path.Combine(BuildRoot, "gocache"); // content-addressed: safe to share
        psi.Environment["GOPATH"] = Path.Combine(BuildRoot, "gopath");
        psi.Environment["GOTOOLCHAIN"] = "local";
        psi.Environment["GOFLAGS"] = "-mod=mod";
        var r = ProcessRunner.Run(psi, timeout);
        if (r.TimedOut) return $"go build timed out after {timeout.TotalSeconds:0} s";
        return r.ExitCode == 0 ? null : $"go build failed: {Tail(r.Stderr + r.Stdout)}";
    }

    /// <inheritdoc />
    public override ProcessStartInfo Command(string workload, long size, long warmupSize, int repeats) =>
        ProcessRunner.Start(Binary, BuildDir, Arguments(workload, size, warmupSize, repeats));

    /// <inheritdoc />
    public override string Version()
    {
        var r = ProcessRunner.Run(ProcessRunner.Start(ToolPath!, null, "version"), TimeSpan.FromSeconds(20));
        return r.Stdout.Trim();
    }
}

/// <summary>Erlang/OTP: <c>Peers/erlang/weftpeer.erl</c>, compiled with <c>erlc</c>, run with <c>erl -noshell</c>.</summary>
public sealed class ErlangPeer : Peer
{
    /// <inheritdoc />
    public override string Name => "erlang";

    /// <inheritdoc />
    public override string Tool => "erl";

    /// <inheritdoc />
    public override IReadOnlyList<string> Workloads { get; } = ["spawn", "skynet", "pingpong", "hog", "sleep", "yield", "c10k", "actors"];

    private string Source => Path.Combine(SourceDirectory, "weftpeer.erl");

    private string BuildDir => BuildDirFor(Source);

    /// <inheritdoc />
    public override string? Caveat(string workload) => workload == "c10k"
        ? "the Erlang peer calibrates its 1 ms of work once per process with a short probe, and that calibration " +
            "swung about 4x between runs of the BEAM on this VM (once above 100 % of the CPU limit): its c10k figures are unreliable"
        : null;

    /// <inheritdoc />
    public override string? Prepare(TimeSpan timeout)
    {
        if (!File.Exists(Source)) return $"source not found: {Source}";
        if (File.Exists(Path.Combine(BuildDir, "weftpeer.beam"))) return null;
        Directory.CreateDirectory(BuildDir);
        var erlc = Toolchain.Find("erlc") ?? Path.Combine(Path.GetDirectoryName(ToolPath!)!, "erlc");
        var r = ProcessRunner.Run(ProcessRunner.Start(erlc, SourceDirectory, "-o", BuildDir, "weftpeer.erl"), timeout);
        if (r.TimedOut) return $"erlc timed out after {timeout.TotalSeconds:0} s";
        return r.ExitCode == 0 ? null : $"erlc failed: {Tail(r.Stderr + r.Stdout)}";
    }

    /// <inheritdoc />
    public override ProcessStartInfo Command(string workload, long size, long warmupSize, int repeats) =>
        ProcessRunner.Start(ToolPath!, BuildDir, ["-noshell", "+P", "5000000", "-pa", BuildDir, "-run", "weftpeer", "main",
            .. Arguments(workload, size, warmupSize, repeats)]);

    /// <inheritdoc />
    public override string Version()
    {
        var r = ProcessRunner.Run(ProcessRunner.Start(ToolPath!, null, "-noshell", "-eval",
            "io:format(\"OTP ~s~n\", [erlang:system_info(otp_release)]), halt()."), TimeSpan.FromSeconds(20));
        return r.Stdout.Trim();
    }
}

/// <summary>A peer whose program is a script its interpreter (<see cref="Peer.Tool"/>) runs from the source folder: nothing to build.</summary>
/// <param name="script">The script's file name in the source folder.</param>
/// <param name="interpreterOptions">Options for the interpreter, before the script.</param>
public abstract class ScriptPeer(string script, params string[] interpreterOptions) : Peer
{
    /// <inheritdoc />
    public override string? Prepare(TimeSpan timeout)
    {
        var source = Path.Combine(SourceDirectory, script);
        return File.Exists(source) ? null : $"source not found: {source}";
    }

    /// <inheritdoc />
    public override ProcessStartInfo Command(string workload, long size, long warmupSize, int repeats) =>
        ProcessRunner.Start(ToolPath!, SourceDirectory, [.. interpreterOptions, script, .. Arguments(workload, size, warmupSize, repeats)]);
}

/// <summary>
/// Node.js: <c>Peers/node/weftpeer.js</c>, run with <c>node --expose-gc</c> (one thread: an event loop). Node has no
/// channels; the program carries a small Go-style channel class of its own.
/// </summary>
public sealed class NodePeer() : ScriptPeer("weftpeer.js", "--expose-gc", "--max-old-space-size=8192")
{
    /// <inheritdoc />
    public override string Name => "node";

    /// <inheritdoc />
    public override string Tool => "node";

    /// <inheritdoc />
    public override IReadOnlyList<string> Workloads { get; } =
        ["spawn", "skynet", "skynet-await", "pingpong", "prodcons", "select", "hog", "sleep", "yield", "c10k"];

    /// <summary>The channel class of the Node program, named beside every figure that uses it.</summary>
    public const string ChannelCaveat =
        "node's channels are a small Go-style class written for the Lab (Peers/node/weftpeer.js), not a library";

    /// <inheritdoc />
    public override string? Caveat(string workload) => workload switch
    {
        "skynet" => ChannelCaveat + "; its await-only tree (skynet-await, no channels) is the fairer picture of node",
        "pingpong" or "prodcons" or "select" => ChannelCaveat,
        "c10k" => OneThreadCeiling(),
        _ => null,
    };

    /// <inheritdoc />
    public override string Version()
    {
        var r = ProcessRunner.Run(ProcessRunner.Start(ToolPath!, null, "--version"), TimeSpan.FromSeconds(20));
        return "node " + r.Stdout.Trim();
    }
}

/// <summary>
/// Python asyncio: <c>Peers/python/weftpeer.py</c>, run with <c>python3</c> (one thread: an event loop). asyncio has no
/// channels; its idiomatic stand-in, <c>asyncio.Queue</c>, is used and named beside the figures.
/// </summary>
public sealed class PythonPeer() : ScriptPeer("weftpeer.py", "-u")
{
    /// <inheritdoc />
    public override string Name => "python";

    /// <inheritdoc />
    public override string Tool => "python3";

    /// <inheritdoc />
    public override IReadOnlyList<string> Workloads { get; } =
        ["spawn", "skynet", "skynet-await", "pingpong", "prodcons", "hog", "blocking", "sleep", "yield", "c10k"];

    /// <inheritdoc />
    public override string? Caveat(string workload) => workload switch
    {
        "skynet" => "python has no channels: each parent's mailbox is an unbounded asyncio.Queue",
        "pingpong" => "python has no rendezvous channel: asyncio.Queue(1) both ways",
        "prodcons" => "python: asyncio.Queue(1024), closed with one sentinel per consumer",
        "blocking" => "python sends the blocking call where asyncio says to: loop.run_in_executor, the default thread pool",
        "c10k" => OneThreadCeiling(),
        _ => null,
    };

    /// <inheritdoc />
    public override string Version()
    {
        var r = ProcessRunner.Run(ProcessRunner.Start(ToolPath!, null, "--version"), TimeSpan.FromSeconds(20));
        return (r.Stdout + r.Stderr).Trim();
    }
}

/// <summary>
/// Java: <c>Peers/java/WeftPeer.java</c>, compiled with <c>javac</c>, run with <c>java</c>. OpenJDK 17 is what is
/// packaged here and has no virtual threads (they need 21), so the program measures platform threads with
/// java.util.concurrent queues, and CompletableFuture on a fork-join pool.
/// </summary>
public sealed class JavaPeer : Peer
{
    /// <inheritdoc />
    public override string Name => "java";

    /// <inheritdoc />
    public override string Tool => "java";

    /// <inheritdoc />
    public override IReadOnlyList<string> Workloads { get; } =
        ["spawn", "skynet-await", "pingpong", "prodcons", "hog", "blocking", "sleep", "yield", "c10k"];

    private string Source => Path.Combine(SourceDirectory, "WeftPeer.java");

    private string BuildDir => BuildDirFor(Source);

    /// <inheritdoc />
    public override string? Prepare(TimeSpan timeout)
    {
        if (!File.Exists(Source)) return $"source not found: {Source}";
        if (File.Exists(Path.Combine(BuildDir, "WeftPeer.class"))) return null;
        var javac = Toolchain.Find("javac");
        if (javac is null) return "`javac` is not on PATH (Debian: apt-get install openjdk-17-jdk-headless)";
        Directory.CreateDirectory(BuildDir);
        var r = ProcessRunner.Run(ProcessRunner.Start(javac, SourceDirectory, "-d", BuildDir, "WeftPeer.java"), timeout);
        if (r.TimedOut) return $"javac timed out after {timeout.TotalSeconds:0} s";
        return r.ExitCode == 0 ? null : $"javac failed: {Tail(r.Stderr + r.Stdout)}";
    }

    /// <inheritdoc />
    public override ProcessStartInfo Command(string workload, long size, long warmupSize, int repeats) =>
        ProcessRunner.Start(ToolPath!, BuildDir, ["-cp", BuildDir, "WeftPeer", .. Arguments(workload, size, warmupSize, repeats)]);

    /// <inheritdoc />
    public override string? Caveat(string workload) => workload switch
    {
        "spawn" => "java: platform threads, at most 10,000 (resident bytes), as the threads model: OpenJDK 17 has no virtual threads",
        "skynet-await" or "c10k" => "java: CompletableFuture on a fork-join pool with one worker per core",
        "pingpong" or "prodcons" or "hog" or "blocking" or "yield" => "java: platform threads (SynchronousQueue, ArrayBlockingQueue)",
        _ => null,
    };

    /// <inheritdoc />
    public override string Version()
    {
        var r = ProcessRunner.Run(ProcessRunner.Start(ToolPath!, null, "-version"), TimeSpan.FromSeconds(20));
        return (r.Stderr + r.Stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "";
    }
}

/// <summary>
/// Rust with tokio: <c>Peers/tokio/</c> (a cargo project), built offline with <c>cargo build --release</c> against
/// Debian's crate registry (<c>/usr/share/cargo/registry</c>, from <c>librust-tokio-dev</c>) through the source
/// replacement in the project's own <c>.cargo/config.toml</c>. The project is copied into its build folder so the
/// build never writes into the Lab's tree. Multi-threaded runtime, one worker per core (hog: two).
/// </summary>
public sealed class TokioPeer : Peer
{
    /// <inheritdoc />
    public override string Name => "tokio";

    /// <inheritdoc />
    public override string Tool => "cargo";

    /// <inheritdoc />
    public override IReadOnlyList<string> Workloads { get; } =
        ["spawn", "skynet", "skynet-await", "pingpong", "prodcons", "select", "hog", "blocking", "sleep", "yield", "c10k"];

    /// <summary>The project's files, relative to the source folder; all of them key the build.</summary>
    private static readonly string[] ProjectFiles = ["Cargo.toml", Path.Combine(".cargo", "config.toml"), "weftpeer.rs"];

    /// <summary>Where Debian's crates are (the source replacement points here).</summary>
    public const string Registry = "/usr/share/cargo/registry";

    private string BuildDir => BuildDirFor(ProjectFiles.Select(f => Path.Combine(SourceDirectory, f)).ToList());

    private string Binary => Path.Combine(BuildDir, "target", "release", OperatingSystem.IsWindows() ? "weftpeer.exe" : "weftpeer");

    /// <inheritdoc />
    public override string? Prepare(TimeSpan timeout)
    {
        var missing = ProjectFiles.Select(f => Path.Combine(SourceDirectory, f)).FirstOrDefault(f => !File.Exists(f));
        if (missing is not null) return $"source not found: {missing}";
        if (File.Exists(Binary)) return null;
        if (!Directory.Exists(Registry) || !Directory.EnumerateDirectories(Registry, "tokio-1.*").Any())
            return $"tokio is not in {Registry} (Debian: apt-get install cargo librust-tokio-dev)";
        var project = Path.Combine(BuildDir, "project");
        foreach (var f in ProjectFiles)
        {
            var target = Path.Combine(project, f);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(SourceDirectory, f), target, overwrite: true);
        }

        var psi = ProcessRunner.Start(ToolPath!, project, "build", "--release", "--offline", "--quiet");
        psi.Environment["CARGO_TARGET_DIR"] = Path.Combine(BuildDir, "target");
        var r = ProcessRunner.Run(psi, timeout);
        if (r.TimedOut) return $"cargo build timed out after {timeout.TotalSeconds:0} s";
        return r.ExitCode == 0 && File.Exists(Binary) ? null : $"cargo build failed: {Tail(r.Stderr + r.Stdout)}";
    }

    /// <inheritdoc />
    public override ProcessStartInfo Command(string workload, long size, long warmupSize, int repeats) =>
        ProcessRunner.Start(Binary, BuildDir, Arguments(workload, size, warmupSize, repeats));

    /// <inheritdoc />
    public override string? Caveat(string workload) => workload switch
    {
        "spawn" => "tokio: bytes are live heap bytes (a counting allocator) per parked task, like Go's heap figure",
        "skynet" or "pingpong" => "tokio has no unbuffered channel: mpsc::channel(1) is the nearest",
        "prodcons" => "tokio's mpsc has one receiver: the 4 consumers share it behind tokio::sync::Mutex",
        "hog" => "tokio does not preempt: a task that never awaits keeps its worker (2 workers here)",
        "blocking" => "tokio sends the blocking call where it says to: spawn_blocking, its blocking-thread pool",
        "sleep" => "tokio's timer wheel has 1 ms resolution and rounds a sleep up to the next tick",
        _ => null,
    };

    /// <inheritdoc />
    public override string Version()
    {
        var r = ProcessRunner.Run(ProcessRunner.Start(ToolPath!, null, "--version"), TimeSpan.FromSeconds(20));
        return r.Stdout.Trim() + " + tokio 1.24";
    }
}
