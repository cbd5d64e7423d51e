using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Weft.Lab.Peers;

namespace Weft.Lab.Http;

/// <summary>
/// A server of one model running in its own process (the Lab's <c>serve --model</c>, or the Go peer's
/// <c>serve</c>), so its memory and threads are its own. Started on a free loopback port; killed on dispose.
/// </summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly Thread _sampler;
    private volatile bool _stopped;
    private int _maxThreads;

    private ServerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        _sampler = new Thread(Sample) { IsBackground = true, Name = "server-sampler" };
        _sampler.Start();
    }

    /// <summary>The port the server listens on (127.0.0.1).</summary>
    public int Port { get; }

    /// <summary>The server's base URL.</summary>
    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>
    /// Starts the server of <paramref name="model"/> (<c>weft</c>, <c>kestrel</c>, <c>tasks</c>, or <c>go</c>) and
    /// waits until it accepts connections.
    /// </summary>
    /// <exception cref="InvalidOperationException">The server did not start (the message says why).</exception>
    public static ServerProcess Start(string model, TimeSpan timeout)
    {
        int port = FreePort();
        ProcessStartInfo psi;
        if (model == "go")
        {
            psi = new ProcessStartInfo(BuildGoServer(timeout));
            psi.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            psi = LabCommand("serve", "--model", model, "--port", port.ToString(CultureInfo.InvariantCulture));
        }

        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start the {model} server");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, port);
        var until = DateTime.UtcNow + timeout;
        while (!server.Accepts())
        {
            if (process.HasExited || DateTime.UtcNow > until)
            {
                server.Dispose();
                throw new InvalidOperationException($"the {model} server did not start listening (exit code {(process.HasExited ? process.ExitCode : -1)})");
            }

            Thread.Sleep(50);
        }

        return server;
    }

    /// <summary>
    /// Builds <c>Http/go/helloserver.go</c> once per content (the folder is named by its hash, so Labs built from
    /// other versions of the file never share a binary) and returns the binary's path.
    /// </summary>
    /// <exception cref="InvalidOperationException">Go is missing or the build failed.</exception>
    private static string BuildGoServer(TimeSpan timeout)
    {
        var go = Toolchain.Find("go") ?? throw new InvalidOperationException("go is not installed (apt-get install -y golang-go)");
        var source = System.IO.Path.Combine(AppContext.BaseDirectory, "Http", "go", "helloserver.go");
        if (!File.Exists(source)) throw new InvalidOperationException($"source not found: {source}");
        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(source)))[..12];
        var root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "weft-lab-peers");
        var dir = System.IO.Path.Combine(root, "go-http-" + hash);
        var binary = System.IO.Path.Combine(dir, "helloserver");
        if (File.Exists(binary)) return binary;
        Directory.CreateDirectory(dir);
        File.Copy(source, System.IO.Path.Combine(dir, "helloserver.go"), overwrite: true);
        var psi = ProcessRunner.Start(go, dir, "build", "-o", binary + ".tmp", "helloserver.go");
        psi.Environment["GOCACHE"] = System.IO.Path.Combine(root, "gocache");
        psi.Environment["GOPATH"] = System.IO.Path.Combine(root, "gopath");
        psi.Environment["GOTOOLCHAIN"] = "local";
        psi.Environment["GO111MODULE"] = "off";
        var r = ProcessRunner.Run(psi, timeout);
        if (r.TimedOut || r.ExitCode != 0) throw new InvalidOperationException($"go build failed: {(r.Stderr + r.Stdout).Trim()}");
        File.Move(binary + ".tmp", binary, overwrite: true); // atomic: a concurrent Lab never runs a half-written binary
        return binary;
    }

    /// <summary>A start info that runs this Lab again with <paramref name="args"/>.</summary>
    public static ProcessStartInfo LabCommand(params string[] args)
    {
        var host = Environment.ProcessPath!;
        var psi = new ProcessStartInfo(host);
        if (System.IO.Path.GetFileNameWithoutExtension(host) == "dotnet") psi.ArgumentList.Add(typeof(ServerProcess).Assembly.Location);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return psi;
    }

    private bool Accepts()
    {
        try
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Connect(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>Resident memory now, in bytes (Linux /proc; 0 elsewhere).</summary>
    public long ResidentBytes => StatusKb("VmRSS:") * 1024;

    /// <summary>Peak resident memory, in bytes (Linux /proc VmHWM; 0 elsewhere).</summary>
    public long PeakResidentBytes => StatusKb("VmHWM:") * 1024;

    /// <summary>The most OS threads seen since the last <see cref="ResetThreadPeak"/>.</summary>
    public int PeakThreads => Math.Max(Volatile.Read(ref _maxThreads), (int)StatusKb("Threads:"));

    /// <summary>Starts a new thread-count observation.</summary>
    public void ResetThreadPeak() => Volatile.Write(ref _maxThreads, 0);

    private long StatusKb(string key)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (!line.StartsWith(key, StringComparison.Ordinal)) continue;
                var parts = line[key.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[0], CultureInfo.InvariantCulture);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
        }

        return 0;
    }

    private void Sample()
    {
        while (!_stopped)
        {
            int threads = (int)StatusKb("Threads:");
            if (threads > Volatile.Read(ref _maxThreads)) Volatile.Write(ref _maxThreads, threads);
            Thread.Sleep(100);
        }
    }

    /// <summary>Kills the server.</summary>
    public void Dispose()
    {
        _stopped = true;
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }
}
