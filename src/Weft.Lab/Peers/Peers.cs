using System.Diagnostics;
using System.Globalization;

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
        ["spawn", "skynet", "pingpong", "prodcons", "select", "hog", "blocking", "sleep", "yield", "c10k", "mutex", "context"];

    private string BuildDir => Path.Combine(BuildRoot, "go-" + SourceStamp(Path.Combine(SourceDirectory, "weftpeer.go")));

    private string Binary => Path.Combine(BuildDir, OperatingSystem.IsWindows() ? "weftpeer.exe" : "weftpeer");

    /// <inheritdoc />
    public override string? Prepare(TimeSpan timeout)
    {
        var source = Path.Combine(SourceDirectory, "weftpeer.go");
        if (!File.Exists(source)) return $"source not found: {source}";
        if (File.Exists(Binary) && File.GetLastWriteTimeUtc(Binary) > File.GetLastWriteTimeUtc(source)) return null;
        Directory.CreateDirectory(BuildDir);
        var psi = ProcessRunner.Start(ToolPath!, SourceDirectory, "build", "-o", Binary, "weftpeer.go");
        psi.Environment["GOCACHE"] = Path.Combine(BuildRoot, "gocache");
        psi.Environment["GOPATH"] = Path.Combine(BuildRoot, "gopath");
        psi.Environment["GOTOOLCHAIN"] = "local";
        psi.Environment["GOFLAGS"] = "-mod=mod";
        var r = ProcessRunner.Run(psi, timeout);
        if (r.TimedOut) return $"go build timed out after {timeout.TotalSeconds:0} s";
        return r.ExitCode == 0 ? null : $"go build failed: {Tail(r.Stderr + r.Stdout)}";
    }

    /// <inheritdoc />
    public override ProcessStartInfo Command(string workload, long size) =>
        ProcessRunner.Start(Binary, BuildDir, workload, size.ToString(CultureInfo.InvariantCulture));

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
    public override IReadOnlyList<string> Workloads { get; } = ["spawn", "skynet", "pingpong", "hog", "sleep", "yield", "c10k"];

    private string BuildDir => Path.Combine(BuildRoot, "erlang");

    /// <inheritdoc />
    public override string? Prepare(TimeSpan timeout)
    {
        var source = Path.Combine(SourceDirectory, "weftpeer.erl");
        if (!File.Exists(source)) return $"source not found: {source}";
        var beam = Path.Combine(BuildDir, "weftpeer.beam");
        if (File.Exists(beam) && File.GetLastWriteTimeUtc(beam) > File.GetLastWriteTimeUtc(source)) return null;
        Directory.CreateDirectory(BuildDir);
        var erlc = Toolchain.Find("erlc") ?? Path.Combine(Path.GetDirectoryName(ToolPath!)!, "erlc");
        var r = ProcessRunner.Run(ProcessRunner.Start(erlc, SourceDirectory, "-o", BuildDir, "weftpeer.erl"), timeout);
        if (r.TimedOut) return $"erlc timed out after {timeout.TotalSeconds:0} s";
        return r.ExitCode == 0 ? null : $"erlc failed: {Tail(r.Stderr + r.Stdout)}";
    }

    /// <inheritdoc />
    public override ProcessStartInfo Command(string workload, long size) =>
        ProcessRunner.Start(ToolPath!, BuildDir, "-noshell", "+P", "5000000", "-pa", BuildDir,
            "-run", "weftpeer", "main", workload, size.ToString(CultureInfo.InvariantCulture));

    /// <inheritdoc />
    public override string Version()
    {
        var r = ProcessRunner.Run(ProcessRunner.Start(ToolPath!, null, "-noshell", "-eval",
            "io:format(\"OTP ~s~n\", [erlang:system_info(otp_release)]), halt()."), TimeSpan.FromSeconds(20));
        return r.Stdout.Trim();
    }
}

/// <summary>Node.js: <c>Peers/node/weftpeer.js</c>, run with <c>node --expose-gc</c> (one thread: an event loop).</summary>
public sealed class NodePeer : Peer
{
    /// <inheritdoc />
    public override string Name => "node";

    /// <inheritdoc />
    public override string Tool => "node";

    /// <inheritdoc />
    public override IReadOnlyList<string> Workloads { get; } =
        ["spawn", "skynet", "skynet-await", "pingpong", "prodcons", "select", "hog", "sleep", "yield", "c10k"];

    /// <inheritdoc />
    public override string? Prepare(TimeSpan timeout)
    {
        var source = Path.Combine(SourceDirectory, "weftpeer.js");
        return File.Exists(source) ? null : $"source not found: {source}";
    }

    /// <inheritdoc />
    public override ProcessStartInfo Command(string workload, long size) =>
        ProcessRunner.Start(ToolPath!, SourceDirectory, "--expose-gc", "--max-old-space-size=8192", "weftpeer.js",
            workload, size.ToString(CultureInfo.InvariantCulture));

    /// <inheritdoc />
    public override string Version()
    {
        var r = ProcessRunner.Run(ProcessRunner.Start(ToolPath!, null, "--version"), TimeSpan.FromSeconds(20));
        return "node " + r.Stdout.Trim();
    }
}
