using System.Net;
using System.Net.Sockets;
using System.Text;
using Weft.Lab.Http;
using Weft.Lab.Measurement;

namespace Weft.Lab.Workloads;

/// <summary>
/// <c>http-idle</c>: N keep-alive connections (default 10,000) opened by this process against a model's server
/// process, each having made one request and then held idle. Figure: <c>bytes_per_conn</c>, the server's resident
/// memory growth divided by N (what an idle connection costs the server: its goroutine or state machine, buffers,
/// socket bookkeeping).
/// </summary>
public sealed class HttpIdleWorkload : Workload
{
    /// <inheritdoc />
    public override string Name => "http-idle";

    /// <inheritdoc />
    public override string Description => "N idle keep-alive HTTP connections held open: server memory per connection";

    /// <inheritdoc />
    public override IReadOnlyList<FigureSpec> Figures { get; } = [new("bytes_per_conn", "B", true, "server bytes per idle connection")];

    /// <inheritdoc />
    public override IReadOnlyList<string> Models { get; } = [Lab.Workloads.Models.Weft, Lab.Workloads.Models.Kestrel, Lab.Workloads.Models.Tasks, "go"];

    /// <inheritdoc />
    public override IReadOnlyList<string> ExtraDefaultModels => [Lab.Workloads.Models.Kestrel, "go"];

    /// <inheritdoc />
    public override int Repeats => 1;

    /// <inheritdoc />
    public override long DefaultSize => 10_000;

    /// <inheritdoc />
    public override long QuickSize => 2_000;

    /// <inheritdoc />
    public override string SizeUnit => "connections";

    /// <inheritdoc />
    public override long WarmupSize(long size) => 0; // warmed up inside each run, in the same server process

    private static readonly byte[] s_request = Encoding.ASCII.GetBytes("GET /plaintext HTTP/1.1\r\nHost: lab\r\n\r\n");

    /// <inheritdoc />
    protected override Outcome RunModel(string model, long size)
    {
        using var server = ServerProcess.Start(model, TimeSpan.FromMinutes(3));
        var endpoint = new IPEndPoint(IPAddress.Loopback, server.Port);
        // Warm-up: the request path compiled and the allocators primed, then the connections closed.
        foreach (var s in OpenAsync(endpoint, 200).GetAwaiter().GetResult()) s.Dispose();
        Thread.Sleep(1000);
        long before = server.ResidentBytes;
        var held = OpenAsync(endpoint, (int)size).GetAwaiter().GetResult();
        try
        {
            Thread.Sleep(1000); // let the server settle (its last responses written, buffers returned)
            long after = server.ResidentBytes;
            return Outcome.Of("bytes_per_conn", Math.Max(0, after - before) / (double)size);
        }
        finally
        {
            foreach (var s in held) s.Dispose();
        }
    }

    /// <summary>Opens <paramref name="count"/> connections, each making one request and reading its whole response.</summary>
    private static async Task<List<Socket>> OpenAsync(IPEndPoint endpoint, int count)
    {
        var sockets = new List<Socket>(count);
        const int batch = 256;
        for (int i = 0; i < count; i += batch)
        {
            var opening = Enumerable.Range(0, Math.Min(batch, count - i)).Select(_ => OpenOneAsync(endpoint)).ToArray();
            sockets.AddRange(await Task.WhenAll(opening));
        }

        return sockets;
    }

    private static async Task<Socket> OpenOneAsync(IPEndPoint endpoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(endpoint);
            await socket.SendAsync(s_request);
            var buffer = new byte[1024];
            int got = 0;
            while (got < buffer.Length)
            {
                int n = await socket.ReceiveAsync(buffer.AsMemory(got));
                if (n == 0) throw new InvalidOperationException("the server closed an idle-test connection");
                got += n;
                if (buffer.AsSpan(0, got).EndsWith("Hello, World!"u8)) return socket;
            }

            throw new InvalidOperationException("unexpected response");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
