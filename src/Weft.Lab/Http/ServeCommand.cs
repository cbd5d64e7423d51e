using System.Runtime.InteropServices;

namespace Weft.Lab.Http;

/// <summary>The <c>serve</c> command: one <see cref="HelloServer"/> model until Ctrl+C (or SIGTERM).</summary>
public static class ServeCommand
{
    /// <summary>Serves; returns the exit code.</summary>
    public static int Execute(string model, int port, bool any, TextWriter output)
    {
        if (port is < 0 or > 65535) throw new ArgumentException($"serve: --port {port} is not a TCP port");
        if (!HelloServer.ServerModels.Contains(model))
            throw new ArgumentException($"serve: unknown model '{model}'; known: {string.Join(", ", HelloServer.ServerModels)}");
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            stop.Cancel();
        });
        output.WriteLine($"serving /plaintext and /json with {model}; Ctrl+C stops");
        HelloServer.Run(model, port, any, stop.Token, output);
        return 0;
    }
}
