using System.Net;
using System.Net.Sockets;
using System.Text;
using Weft.Http;

namespace Weft.Lab.Http;

/// <summary>
/// TechEmpower's <c>/plaintext</c> ("Hello, World!") and <c>/json</c> (<c>{"message":"Hello, World!"}</c>), served
/// by each in-process model of the <c>http</c> workloads: <c>weft</c> (Weft.Http on goroutines and the netpoller),
/// <c>kestrel</c> (ASP.NET Core minimal API, the .NET anchor) and <c>tasks</c> (raw sockets, a Task per connection).
/// Each runs in its own process (<c>serve --model</c>) so its memory and threads are measured alone.
/// </summary>
public static class HelloServer
{
    /// <summary>The plaintext body.</summary>
    public const string Plaintext = "Hello, World!";

    /// <summary>The in-process server models.</summary>
    public static readonly IReadOnlyList<string> ServerModels = ["weft", "kestrel", "tasks"];

    /// <summary>Runs <paramref name="model"/> on <paramref name="port"/> (loopback unless <paramref name="any"/>) until <paramref name="stop"/>.</summary>
    public static void Run(string model, int port, bool any, CancellationToken stop, TextWriter output)
    {
        var address = any ? IPAddress.IPv6Any : IPAddress.Loopback;
        switch (model)
        {
            case "weft": RunWeft(new IPEndPoint(address, port), stop, output); break;
            case "kestrel": KestrelHello.Run(new IPEndPoint(address, port), stop, output); break;
            case "tasks": TaskSocketHello.Run(new IPEndPoint(address, port), stop, output); break;
            default: throw new ArgumentException($"serve: unknown model '{model}'; known: {string.Join(", ", ServerModels)}");
        }
    }

    /// <summary>The routes of the Weft server (also used by tests).</summary>
    public static Router WeftRoutes()
    {
        var plaintext = Encoding.UTF8.GetBytes(Plaintext);
        var router = new Router();
        router.MapGet("/plaintext", (req, w) =>
        {
            w.Headers.Set("Content-Type", "text/plain");
            return w.WriteAsync(plaintext);
        });
        router.MapGet("/json", (req, w) =>
        {
            w.Headers.Set("Content-Type", "application/json");
            // Serialized per request, as TechEmpower requires (and as the other servers do).
            return w.WriteAsync(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new Message(Plaintext), HelloJsonContext.Default.Message));
        });
        return router;
    }

    private static void RunWeft(IPEndPoint endpoint, CancellationToken stop, TextWriter output)
    {
        Go.Run(async () =>
        {
            var server = new HttpServer(WeftRoutes().Handle);
            var listener = Weft.Net.Listen(endpoint);
            output.WriteLine($"weft: listening on http://{listener.LocalEndPoint} (netpoller: {Weft.Net.UsesNetpoller}, procs: {Go.MaxProcs})");
            var serving = Go.Spawn(() => server.ServeAsync(listener));
            await Task.Delay(Timeout.Infinite, stop).ContinueWith(_ => { }, TaskScheduler.Default);
            await server.ShutdownAsync(TimeSpan.FromSeconds(5));
            await serving;
        });
    }
}

/// <summary>The JSON body.</summary>
public sealed record Message(string message);

/// <summary>Source-generated serialization of <see cref="Message"/> (no reflection at run time).</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(Message))]
internal sealed partial class HelloJsonContext : System.Text.Json.Serialization.JsonSerializerContext
{
}
