using System.Net;
using System.Net.Sockets;
using System.Text;
using Weft.Http;

namespace Weft.Tests.Http;

/// <summary>
/// A Weft.Http server on a private runtime for one test, and a plain blocking-socket client (the test thread).
/// Disposing shuts the server down gracefully and checks the runtime for leaks.
/// </summary>
internal sealed class HttpTestServer : IDisposable
{
    private readonly TestRuntime _rt;
    private readonly TaskCompletionSource _stop = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _run;

    internal HttpTestServer(HttpHandler handler, HttpServerOptions? options = null, int procs = 2)
    {
        _rt = new TestRuntime(procs, detectDeadlocks: false);
        var ready = new TaskCompletionSource<IPEndPoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        Server = new HttpServer(handler, options ?? new HttpServerOptions { ErrorLog = TextWriter.Null });
        _run = _rt.Runtime.RunAsync(async () =>
        {
            var listener = Weft.Net.Listen(new IPEndPoint(IPAddress.Loopback, 0));
            ready.SetResult(listener.LocalEndPoint);
            var serving = Go.Spawn(() => Server.ServeAsync(listener));
            await _stop.Task;
            ShutdownResult = await Server.ShutdownAsync(TimeSpan.FromSeconds(10));
            await serving;
        });
        Assert.True(ready.Task.Wait(TestRuntime.HangGuard), "the server did not start");
        if (_run.IsFaulted) _run.GetAwaiter().GetResult();
        EndPoint = ready.Task.Result;
    }

    internal HttpServer Server { get; }

    internal IPEndPoint EndPoint { get; }

    internal GoRuntime Runtime => _rt.Runtime;

    internal bool? ShutdownResult { get; private set; }

    /// <summary>Starts the graceful shutdown (returns at once).</summary>
    internal void BeginShutdown() => _stop.TrySetResult();

    internal void WaitStopped()
    {
        TestRuntime.WaitWithHangGuard(_run);
        _run.GetAwaiter().GetResult();
    }

    /// <summary>A connected blocking client socket with the hang guard as its timeouts.</summary>
    internal Socket Connect()
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
        {
            ReceiveTimeout = (int)TestRuntime.HangGuard.TotalMilliseconds,
            SendTimeout = (int)TestRuntime.HangGuard.TotalMilliseconds,
        };
        s.Connect(EndPoint);
        return s;
    }

    internal static void Send(Socket s, string text) => s.Send(Encoding.Latin1.GetBytes(text));

    /// <summary>Reads until the peer closes its side; returns everything.</summary>
    internal static string ReadToEnd(Socket s)
    {
        var all = new MemoryStream();
        var buffer = new byte[8192];
        int n;
        while ((n = s.Receive(buffer)) > 0) all.Write(buffer, 0, n);
        return Encoding.Latin1.GetString(all.ToArray());
    }

    /// <summary>Reads exactly <paramref name="count"/> complete responses (Content-Length or chunked framing).</summary>
    internal static List<(int Status, string Head, string Body)> ReadResponses(Socket s, int count)
    {
        var data = new List<byte>();
        var buffer = new byte[8192];
        var responses = new List<(int, string, string)>();
        int pos = 0;
        while (responses.Count < count)
        {
            var parsed = TryParse(data, ref pos);
            if (parsed is { } r)
            {
                responses.Add(r);
                continue;
            }

            int n = s.Receive(buffer);
            if (n == 0) throw new IOException($"connection closed after {responses.Count} responses");
            data.AddRange(buffer.AsSpan(0, n).ToArray());
        }

        return responses;
    }

    private static (int, string, string)? TryParse(List<byte> data, ref int pos)
    {
        var text = Encoding.Latin1.GetString(data.ToArray(), pos, data.Count - pos);
        int headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (headEnd < 0) return null;
        string head = text[..headEnd];
        int status = int.Parse(head.Split(' ')[1]);
        var lines = head.Split("\r\n");
        string? length = lines.FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))?.Split(':')[1].Trim();
        bool chunked = lines.Any(l => l.Equals("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase));
        int bodyStart = headEnd + 4;
        if (length is not null)
        {
            int len = int.Parse(length);
            if (text.Length < bodyStart + len) return null;
            pos += bodyStart + len;
            return (status, head, text.Substring(bodyStart, len));
        }

        if (chunked)
        {
            var body = new StringBuilder();
            int at = bodyStart;
            while (true)
            {
                int lineEnd = text.IndexOf("\r\n", at, StringComparison.Ordinal);
                if (lineEnd < 0) return null;
                int size = Convert.ToInt32(text[at..lineEnd], 16);
                if (text.Length < lineEnd + 2 + size + 2) return null;
                if (size == 0)
                {
                    pos += lineEnd + 4;
                    return (status, head, body.ToString());
                }

                body.Append(text, lineEnd + 2, size);
                at = lineEnd + 2 + size + 2;
            }
        }

        pos += bodyStart;
        return (status, head, "");
    }

    public void Dispose()
    {
        BeginShutdown();
        try
        {
            WaitStopped();
        }
        finally
        {
            _rt.Dispose();
        }
    }
}
