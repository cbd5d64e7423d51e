using System.Net;
using Weft.Netpoll;

namespace Weft.Tests.Net;

/// <summary>
/// Net tests run one at a time (they count the process's descriptors) and each checks, at the end, that every
/// socket it opened was closed: Weft's own descriptor count and /proc/self/fd are what they were before.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NetCollection
{
    public const string Name = "Net (not parallel: counts descriptors)";
}

[Collection(NetCollection.Name)]
public abstract class NetTestBase : IDisposable
{
    /// <summary>
    /// The process opens a few descriptors for good on first use of a runtime and of the network (the runtime's
    /// threads' resources, test-host pipes): do that once before anything is counted.
    /// </summary>
    static NetTestBase()
    {
        // Not through static fields: the runtime's threads would wait for this type initializer to finish.
        using var rt = new TestRuntime(2);
        rt.Run(async () =>
        {
            using var listener = Weft.Net.Listen("127.0.0.1:0");
            using var client = await Weft.Net.DialAsync(listener.LocalEndPoint);
            using var server = await listener.AcceptAsync();
            await client.WriteAsync(new byte[1]);
            await server.ReadAsync(new byte[1]);
        });

        // Sockets opened outside goroutines register with the process's default runtime, whose netpoller (an epoll
        // instance and an eventfd) then lives as long as the process.
        using (Weft.Net.Listen("127.0.0.1:0"))
        {
        }

        // .NET's own socket engine (used by tests' plain-socket peers) opens its descriptors once, on first async use.
        using var dotnetListener = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        dotnetListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        dotnetListener.Listen();
        using var dotnetClient = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        dotnetClient.ConnectAsync(dotnetListener.LocalEndPoint!).GetAwaiter().GetResult();
    }

    private readonly int _weftFds = FdHandle.OpenCount;
    private readonly int _processFds = ProcessFdCount();
    private readonly string[] _processFdTargets = ProcessFdTargets();

    protected static readonly IPEndPoint Loopback = new(IPAddress.Loopback, 0);

    /// <summary>Open descriptors of this process (Linux), or -1.</summary>
    internal static int ProcessFdCount() => Directory.Exists("/proc/self/fd") ? ProcessFdTargets().Length : -1;

    /// <summary>
    /// The process's sockets, epoll instances and eventfds (what the network code could leak), each with what it points
    /// at. Regular files are left out: the runtime keeps assemblies and symbol files open once loaded. Pipes are left
    /// out too: the network code opens none, and tests of other collections running meanwhile start child processes
    /// (the Lab's peers) whose pipes came and went during a net test and failed its count.
    /// </summary>
    private static string[] ProcessFdTargets()
    {
        if (!Directory.Exists("/proc/self/fd")) return [];
        var targets = new List<string>();
        foreach (var fd in Directory.GetFiles("/proc/self/fd"))
        {
            try
            {
                var target = new FileInfo(fd).LinkTarget;
                if (target is not null && !target.StartsWith('/') && !target.StartsWith("pipe:", StringComparison.Ordinal)) targets.Add($"{Path.GetFileName(fd)} -> {target}");
            }
            catch (IOException)
            {
            }
        }

        return targets.ToArray();
    }

    public virtual void Dispose()
    {
        // Handles closed by finalizers would hide a leak in the Close paths: no GC here, counts must match as they are.
        Assert.Equal(_weftFds, FdHandle.OpenCount);
        if (_processFds >= 0 && ProcessFdCount() != _processFds)
        {
            var now = ProcessFdTargets();
            Assert.Fail($"process descriptors: {_processFds} before, {ProcessFdCount()} after; new: " +
                        string.Join(", ", now.Except(_processFdTargets)) + "; gone: " + string.Join(", ", _processFdTargets.Except(now)));
        }
    }
}
