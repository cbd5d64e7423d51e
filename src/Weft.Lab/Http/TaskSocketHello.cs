using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Weft.Lab.Http;

/// <summary>
/// What the ThreadPool does without Kestrel's layers: raw sockets, one async Task per connection, request ends
/// counted by hand (each "\r\n\r\n" ends a GET; pipelined requests are answered in order, in one write), the same
/// response bytes as the Weft server. A baseline, not a general server: it does not parse headers or bodies.
/// </summary>
public static class TaskSocketHello
{
    /// <summary>Serves until <paramref name="stop"/>.</summary>
    public static void Run(IPEndPoint endpoint, CancellationToken stop, TextWriter output)
    {
        using var listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Bind(endpoint);
        listener.Listen(4096);
        output.WriteLine($"tasks: listening on http://{listener.LocalEndPoint}");
        stop.Register(listener.Dispose);
        try
        {
            AcceptLoop(listener).GetAwaiter().GetResult();
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
        }
    }

    private static async Task AcceptLoop(Socket listener)
    {
        while (true)
        {
            var socket = await listener.AcceptAsync();
            socket.NoDelay = true;
            _ = Task.Run(() => Serve(socket));
        }
    }

    private static async Task Serve(Socket socket)
    {
        var input = new byte[4096];
        var output = new byte[4096];
        int start = 0, end = 0;
        try
        {
            while (true)
            {
                if (end == input.Length)
                {
                    if (start == 0) return; // a head larger than the buffer: not for this baseline
                    Buffer.BlockCopy(input, start, input, 0, end - start);
                    end -= start;
                    start = 0;
                }

                int n = await socket.ReceiveAsync(input.AsMemory(end), SocketFlags.None);
                if (n == 0) return;
                end += n;
                int outLength = 0;
                while (true)
                {
                    int headEnd = input.AsSpan(start, end - start).IndexOf("\r\n\r\n"u8);
                    if (headEnd < 0) break;
                    var head = input.AsSpan(start, headEnd);
                    byte[] response = Response(head.StartsWith("GET /json"u8));
                    if (outLength + response.Length > output.Length) Array.Resize(ref output, output.Length * 2);
                    response.CopyTo(output, outLength);
                    outLength += response.Length;
                    start += headEnd + 4;
                }

                if (start == end) start = end = 0;
                if (outLength > 0) await socket.SendAsync(output.AsMemory(0, outLength), SocketFlags.None);
            }
        }
        catch (SocketException)
        {
        }
        finally
        {
            socket.Dispose();
        }
    }

    private static byte[] s_plaintext = [], s_json = [];
    private static long s_second = -1;

    /// <summary>The whole response, rebuilt once per second for its Date header (as the Weft server does).</summary>
    private static byte[] Response(bool json)
    {
        long second = Environment.TickCount64 / 1000;
        if (second != Volatile.Read(ref s_second))
        {
            string date = DateTime.UtcNow.ToString("R");
            s_plaintext = Encoding.ASCII.GetBytes(
                $"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\nDate: {date}\r\nServer: Tasks\r\n\r\n{HelloServer.Plaintext}");
            var body = System.Text.Json.JsonSerializer.Serialize(new Message(HelloServer.Plaintext), HelloJsonContext.Default.Message);
            s_json = Encoding.ASCII.GetBytes(
                $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nDate: {date}\r\nServer: Tasks\r\n\r\n{body}");
            Volatile.Write(ref s_second, second);
        }

        return json ? s_json : s_plaintext;
    }
}
