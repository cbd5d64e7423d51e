using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Weft.Lab.Http;

/// <summary>
/// The .NET anchor: Kestrel with a minimal API (<c>WebApplication.CreateSlimBuilder</c>, logging off), as
/// TechEmpower's ASP.NET Core minimal-API entry is written.
/// </summary>
public static class KestrelHello
{
    /// <summary>Serves until <paramref name="stop"/>.</summary>
    public static void Run(IPEndPoint endpoint, CancellationToken stop, TextWriter output)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(endpoint));
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, HelloJsonContext.Default));
        var app = builder.Build();
        app.MapGet("/plaintext", () => Results.Text(HelloServer.Plaintext, "text/plain"));
        app.MapGet("/json", () => Results.Json(new Message(HelloServer.Plaintext), HelloJsonContext.Default.Message));
        app.StartAsync(stop).GetAwaiter().GetResult();
        output.WriteLine($"kestrel: listening on http://{endpoint}");
        try
        {
            Task.Delay(Timeout.Infinite, stop).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
        }

        app.StopAsync().GetAwaiter().GetResult();
    }
}
