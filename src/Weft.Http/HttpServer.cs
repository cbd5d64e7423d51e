using System.Collections.Concurrent;
using System.Diagnostics;

namespace Weft.Http;

/// <summary>
/// An HTTP/1.1 server on goroutines (Go's <c>http.Server</c>): one goroutine accepts, one goroutine per connection
/// serves it with plain sequential code, parked on the netpoller whenever it waits for the client.
/// </summary>
/// <example>
/// <code>
/// var router = new Router();
/// router.Map("GET /plaintext", async (req, w) => await w.WriteAsync("Hello, World!"));
/// var server = new HttpServer(router.Handle);
/// await server.ServeAsync(Net.Listen(":8080"));
/// </code>
/// </example>
public sealed class HttpServer
{
    private readonly ConcurrentDictionary<Connection, byte> _connections = new();
    private readonly ConcurrentDictionary<TcpListener, byte> _listeners = new();
    private volatile bool _shuttingDown;

    /// <summary>Creates a server that answers every request with <paramref name="handler"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="handler"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public HttpServer(HttpHandler handler, HttpServerOptions? options = null)
    {
        Handler = handler ?? throw new ArgumentNullException(nameof(handler));
        Options = options ?? new HttpServerOptions();
        Options.Validate();
    }

    /// <summary>The limits and timeouts.</summary>
    public HttpServerOptions Options { get; }

    internal HttpHandler Handler { get; }

    internal bool IsShuttingDown => _shuttingDown;

    /// <summary>Connections open right now.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>
    /// Accepts connections on <paramref name="listener"/> and serves each on its own goroutine, until the listener
    /// is closed or <see cref="ShutdownAsync"/> is called. Call from a goroutine.
    /// </summary>
    /// <exception cref="InvalidOperationException">The server is shutting down.</exception>
    public async GoTask ServeAsync(TcpListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        if (_shuttingDown) throw new InvalidOperationException("HttpServer.ServeAsync: the server is shutting down.");
        _listeners.TryAdd(listener, 0);
        var backoff = TimeSpan.Zero;
        try
        {
            while (true)
            {
                TcpConn conn;
                try
                {
                    conn = await listener.AcceptAsync();
                    backoff = TimeSpan.Zero;
                }
                catch (ObjectDisposedException)
                {
                    return; // closed: by ShutdownAsync or by the owner
                }
                catch (System.Net.Sockets.SocketException e) when (e.SocketErrorCode == System.Net.Sockets.SocketError.TooManyOpenSockets)
                {
                    // Out of descriptors: wait for some to close, as Go does (5 ms doubling to 1 s).
                    backoff = backoff == TimeSpan.Zero ? TimeSpan.FromMilliseconds(5) : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.TicksPerSecond));
                    ReportAcceptFailure(e, backoff);
                    await Go.Sleep(backoff);
                    continue;
                }

                var connection = new Connection(this, conn, Options);
                _connections.TryAdd(connection, 0);
                if (_shuttingDown)
                {
                    connection.Abort();
                    _connections.TryRemove(connection, out _);
                    continue;
                }

                Go.Start(connection.ServeAsync);
            }
        }
        finally
        {
            _listeners.TryRemove(listener, out _);
        }
    }

    /// <summary>
    /// Graceful shutdown (Go's <c>Server.Shutdown</c>): stops accepting, closes idle connections, lets requests in
    /// flight finish (their connections close after the response), and after <paramref name="timeout"/> closes
    /// whatever is left. Returns true when everything finished in time.
    /// </summary>
    public async GoTask<bool> ShutdownAsync(TimeSpan timeout)
    {
        _shuttingDown = true;
        foreach (var listener in _listeners.Keys) listener.Close();
        var clock = Stopwatch.StartNew();
        var poll = TimeSpan.FromMilliseconds(1);
        while (true)
        {
            foreach (var connection in _connections.Keys) connection.CloseIfIdle();
            if (_connections.IsEmpty) return true;
            if (clock.Elapsed >= timeout)
            {
                foreach (var connection in _connections.Keys) connection.Abort();
                return false;
            }

            await Go.Sleep(poll); // Go polls too (pollIntervalBase 1 ms, growing to 500 ms)
            poll = TimeSpan.FromTicks(Math.Min(poll.Ticks * 2, TimeSpan.TicksPerMillisecond * 100));
        }
    }

    internal void Forget(Connection connection) => _connections.TryRemove(connection, out _);

    internal void ReportHandlerFailure(Request request, Exception e) =>
        (Options.ErrorLog ?? Console.Error).WriteLine($"http: panic serving {request.RemoteEndPoint}: {e}");

    private void ReportAcceptFailure(Exception e, TimeSpan retry) =>
        (Options.ErrorLog ?? Console.Error).WriteLine($"http: Accept error: {e.Message}; retrying in {retry.TotalMilliseconds} ms");
}
