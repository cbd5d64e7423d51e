using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Weft.Http;
using Weft.Tests.Net;
using static Weft.Tests.Http.HttpTestServer;

namespace Weft.Tests.Http;

public sealed class HttpServerTests : NetTestBase
{
    /// <summary>Answers with the method, path and the whole request body: "GET /a []".</summary>
    private static async GoTask Echo(Request req, ResponseWriter w)
    {
        var body = await req.ReadBodyAsync();
        await w.WriteAsync($"{req.Method} {req.Target} [{Encoding.UTF8.GetString(body)}]");
    }

    [Fact]
    public void KeepAlive_TwoRequestsOnOneConnection()
    {
        using var server = new HttpTestServer(Echo);
        using var s = server.Connect();
        Send(s, "GET /one HTTP/1.1\r\nHost: t\r\n\r\n");
        var first = ReadResponses(s, 1)[0];
        Send(s, "GET /two?x=1 HTTP/1.1\r\nHost: t\r\n\r\n");
        var second = ReadResponses(s, 1)[0];
        Assert.Equal((200, "GET /one []"), (first.Status, first.Body));
        Assert.Equal((200, "GET /two?x=1 []"), (second.Status, second.Body));
        Assert.Contains("Content-Length: 11", first.Head);
        Assert.DoesNotContain("Connection: close", second.Head);
    }

    [Fact]
    public void Pipelining_ResponsesComeInRequestOrder()
    {
        using var server = new HttpTestServer(Echo);
        using var s = server.Connect();
        var batch = new StringBuilder();
        for (int i = 0; i < 50; i++)
            batch.Append(i % 3 == 0 ? $"POST /p{i} HTTP/1.1\r\nHost: t\r\nContent-Length: {i.ToString().Length}\r\n\r\n{i}" : $"GET /p{i} HTTP/1.1\r\nHost: t\r\n\r\n");
        Send(s, batch.ToString());
        var responses = ReadResponses(s, 50);
        for (int i = 0; i < 50; i++)
            Assert.Equal(i % 3 == 0 ? $"POST /p{i} [{i}]" : $"GET /p{i} []", responses[i].Body);
    }

    [Fact]
    public void ChunkedRequestBody_IsDecoded_WithExtensionsAndTrailers()
    {
        using var server = new HttpTestServer(Echo);
        using var s = server.Connect();
        Send(s, "POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" +
                "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nTrailer: yes\r\n\r\n" +
                "GET /after HTTP/1.1\r\nHost: t\r\n\r\n");
        var responses = ReadResponses(s, 2);
        Assert.Equal("POST /c [hello, world]", responses[0].Body);
        Assert.Equal("GET /after []", responses[1].Body);
    }

    [Fact]
    public void UnreadBody_IsSkipped_BeforeTheNextRequest()
    {
        using var server = new HttpTestServer((req, w) => w.WriteAsync("ignored the body"));
        using var s = server.Connect();
        Send(s, "POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n0123456789GET /y HTTP/1.1\r\nHost: t\r\n\r\n");
        var responses = ReadResponses(s, 2);
        Assert.All(responses, r => Assert.Equal(200, r.Status));
    }

    [Theory]
    [InlineData("GARBAGE\r\n\r\n", 400)]
    [InlineData("GET /x HTTP/1.1\r\nHost: t\r\nBad Header: x\r\n\r\n", 400)]
    [InlineData("GET /x HTTP/1.1\r\nHost: t\r\n folded: x\r\n\r\n", 400)]
    [InlineData("GET /x HTTP/1.1\r\n\r\n", 400)] // no Host
    [InlineData("GET /x HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400)]
    [InlineData("GET /x HTTP/1.1\r\nHost: t\r\nContent-Length: abc\r\n\r\n", 400)]
    [InlineData("GET /x HTTP/2.0\r\nHost: t\r\n\r\n", 505)]
    [InlineData("POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n", 501)]
    [InlineData("POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400)]
    public void MalformedRequest_GetsItsStatus_ThenTheConnectionCloses(string request, int status)
    {
        using var server = new HttpTestServer(Echo);
        using var s = server.Connect();
        Send(s, request);
        string all = ReadToEnd(s); // the server closes after answering
        Assert.StartsWith($"HTTP/1.1 {status} ", all);
        Assert.Contains("Connection: close", all);
    }

    [Fact]
    public void OversizedHeaders_Get431()
    {
        var options = new HttpServerOptions { MaxHeaderBytes = 1024, MaxHeaderCount = 5, ErrorLog = TextWriter.Null };
        using var server = new HttpTestServer(Echo, options);
        using (var s = server.Connect())
        {
            Send(s, "GET /x HTTP/1.1\r\nHost: t\r\nX-Big: " + new string('a', 2000) + "\r\n\r\n");
            Assert.StartsWith("HTTP/1.1 431 ", ReadToEnd(s));
        }

        using (var s = server.Connect())
        {
            // Never-ending head: cut off at the limit, without waiting for the end of the headers.
            Send(s, "GET /x HTTP/1.1\r\nHost: t\r\n" + string.Concat(Enumerable.Repeat("X-A: b\r\n", 200)));
            Assert.StartsWith("HTTP/1.1 431 ", ReadToEnd(s));
        }

        using (var s = server.Connect())
        {
            Send(s, "GET /x HTTP/1.1\r\nHost: t\r\n" + string.Concat(Enumerable.Range(0, 6).Select(i => $"X-{i}: v\r\n")) + "\r\n");
            Assert.StartsWith("HTTP/1.1 431 ", ReadToEnd(s));
        }
    }

    [Fact]
    public void BodyOverTheLimit_Gets413()
    {
        var options = new HttpServerOptions { MaxBodyBytes = 100, ErrorLog = TextWriter.Null };
        using var server = new HttpTestServer(Echo, options);
        using (var s = server.Connect())
        {
            Send(s, "POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 101\r\n\r\n");
            Assert.StartsWith("HTTP/1.1 413 ", ReadToEnd(s));
        }

        using (var s = server.Connect())
        {
            Send(s, "POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" + "64\r\n" + new string('x', 100) + "\r\n1\r\nx\r\n0\r\n\r\n");
            Assert.StartsWith("HTTP/1.1 413 ", ReadToEnd(s));
        }
    }

    [Fact]
    public void SlowClient_IsCutOffByTheHeaderTimeout()
    {
        var options = new HttpServerOptions { ReadHeaderTimeout = TimeSpan.FromMilliseconds(200), ErrorLog = TextWriter.Null };
        using var server = new HttpTestServer(Echo, options);
        using var s = server.Connect();
        var clock = Stopwatch.StartNew();
        Send(s, "GET /slow HTTP/1.1\r\nHost: t\r\n"); // and never the blank line
        Assert.Equal("", ReadToEnd(s)); // the server hangs up without an answer
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(150), $"cut off after {clock.Elapsed.TotalMilliseconds} ms, before the timeout");
    }

    [Fact]
    public void IdleConnection_IsClosedByTheIdleTimeout()
    {
        var options = new HttpServerOptions { IdleTimeout = TimeSpan.FromMilliseconds(200), ErrorLog = TextWriter.Null };
        using var server = new HttpTestServer(Echo, options);
        using var s = server.Connect();
        Send(s, "GET /x HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Equal(200, ReadResponses(s, 1)[0].Status);
        Assert.Equal(0, s.Receive(new byte[16])); // closed while idle
    }

    [Fact]
    public void GracefulShutdown_LetsTheRequestInFlightFinish_AndClosesIdleConnections()
    {
        var entered = new SemaphoreSlim(0);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var server = new HttpTestServer(async (req, w) =>
        {
            if (req.Path == "/slow")
            {
                entered.Release();
                await release.Task;
            }

            await w.WriteAsync("done " + req.Path);
        });
        using var idle = server.Connect();
        Send(idle, "GET /quick HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Equal("done /quick", ReadResponses(idle, 1)[0].Body);

        using var busy = server.Connect();
        Send(busy, "GET /slow HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.True(entered.Wait(TestRuntime.HangGuard));
        server.BeginShutdown();
        Assert.Equal(0, idle.Receive(new byte[16])); // the idle connection is closed at once
        // New connections are refused once the listener is closed.
        var guard = Stopwatch.StartNew();
        while (true)
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                probe.Connect(server.EndPoint);
            }
            catch (SocketException)
            {
                break;
            }

            Assert.True(guard.Elapsed < TestRuntime.HangGuard, "the listener stayed open during shutdown");
            Thread.Sleep(5);
        }

        release.SetResult();
        var response = ReadResponses(busy, 1)[0];
        Assert.Equal("done /slow", response.Body);
        Assert.Contains("Connection: close", response.Head);
        Assert.Equal(0, busy.Receive(new byte[16]));
        server.WaitStopped();
        Assert.True(server.ShutdownResult);
    }

    [Fact]
    public void HandlerFailure_Gets500_AndTheServerGoesOn()
    {
        var log = new StringWriter();
        using var server = new HttpTestServer((req, w) =>
            req.Path == "/boom" ? throw new InvalidOperationException("handler bug") : w.WriteAsync("fine"),
            new HttpServerOptions { ErrorLog = TextWriter.Synchronized(log) });
        using (var s = server.Connect())
        {
            Send(s, "GET /boom HTTP/1.1\r\nHost: t\r\n\r\n");
            Assert.StartsWith("HTTP/1.1 500 ", ReadToEnd(s));
        }

        using (var s = server.Connect())
        {
            Send(s, "GET /ok HTTP/1.1\r\nHost: t\r\n\r\n");
            Assert.Equal("fine", ReadResponses(s, 1)[0].Body);
        }

        Assert.Contains("handler bug", log.ToString());
    }

    [Fact]
    public void LargeResponse_IsStreamedChunked()
    {
        var big = new string('z', 300_000);
        using var server = new HttpTestServer(async (req, w) =>
        {
            for (int i = 0; i < 3; i++) await w.WriteAsync(big.AsMemory(i * 100_000, 100_000).ToString());
        });
        using var s = server.Connect();
        Send(s, "GET /big HTTP/1.1\r\nHost: t\r\n\r\nGET /big HTTP/1.1\r\nHost: t\r\n\r\n");
        var responses = ReadResponses(s, 2);
        Assert.All(responses, r =>
        {
            Assert.Contains("Transfer-Encoding: chunked", r.Head);
            Assert.Equal(big, r.Body);
        });
    }

    [Fact]
    public void Router_Answers404_405_AndHeadLikeGet()
    {
        var router = new Router().MapGet("/hello", (req, w) => w.WriteAsync("hi")).Map("POST /items/", (req, w) => w.WriteAsync("item " + req.Path));
        using var server = new HttpTestServer(router.Handle);
        using var s = server.Connect();
        Send(s, "GET /nope HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Equal(404, ReadResponses(s, 1)[0].Status);
        Send(s, "POST /hello HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n");
        var notAllowed = ReadResponses(s, 1)[0];
        Assert.Equal(405, notAllowed.Status);
        Assert.Contains("Allow: GET", notAllowed.Head);
        Send(s, "HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n");
        string head = ReadHead(s); // a HEAD response declares the length of a body it does not send
        Assert.StartsWith("HTTP/1.1 200 OK", head);
        Assert.Contains("Content-Length: 2", head);
        Send(s, "POST /items/42 HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n");
        Assert.Equal("item /items/42", ReadResponses(s, 1)[0].Body);
    }

    /// <summary>Reads one response head, byte by byte (nothing beyond it).</summary>
    private static string ReadHead(Socket s)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (!Encoding.Latin1.GetString(buffer.ToArray()).EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            Assert.Equal(1, s.Receive(one));
            buffer.Add(one[0]);
        }

        return Encoding.Latin1.GetString(buffer.ToArray());
    }

    [Fact]
    public void Http10_ClosesUnlessKeepAliveIsAsked()
    {
        using var server = new HttpTestServer(Echo);
        using (var s = server.Connect())
        {
            Send(s, "GET /old HTTP/1.0\r\n\r\n");
            string all = ReadToEnd(s);
            Assert.StartsWith("HTTP/1.0 200 OK", all);
            Assert.EndsWith("GET /old []", all);
        }

        using (var s = server.Connect())
        {
            Send(s, "GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /b HTTP/1.0\r\n\r\n");
            var r = ReadResponses(s, 2);
            Assert.Contains("Connection: keep-alive", r[0].Head);
            Assert.Equal("GET /b []", r[1].Body);
        }
    }

    [ToolFact("curl", "curl")]
    public void Curl_GetsAnswers()
    {
        var curl = Weft.Lab.Peers.Toolchain.Find("curl")!;
        using var server = new HttpTestServer(Echo);
        string Run(params string[] args)
        {
            var psi = Weft.Lab.Peers.ProcessRunner.Start(curl, null, ["-s", "--max-time", "30", .. args]);
            var result = Weft.Lab.Peers.ProcessRunner.Run(psi, TimeSpan.FromSeconds(60));
            Assert.Equal(0, result.ExitCode);
            return result.Stdout.TrimEnd('\n', '\r'); // the runner collects output line by line
        }

        Assert.Equal("GET /hello []", Run($"http://{server.EndPoint}/hello"));
        var payload = new string('p', 5000); // curl sends "Expect: 100-continue" for a body this large
        Assert.Equal($"POST /upload [{payload}]", Run("--data-binary", payload, $"http://{server.EndPoint}/upload"));
        Assert.Equal("PUT /chunked [abc]", Run("-X", "PUT", "-H", "Transfer-Encoding: chunked", "--data-binary", "abc", $"http://{server.EndPoint}/chunked"));
    }
}
