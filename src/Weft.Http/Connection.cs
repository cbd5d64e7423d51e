using System.Text;

namespace Weft.Http;

/// <summary>
/// One client connection, served by one goroutine (Go's <c>http.conn</c>): read a request head, run the handler,
/// write the response, repeat while the client keeps the connection alive. Pipelined requests are answered in
/// order; responses to requests already buffered are written together.
/// </summary>
/// <remarks>
/// Input is one growable buffer (<see cref="_in"/>, live bytes in [<see cref="_start"/>, <see cref="_end"/>)),
/// read straight from the <see cref="TcpConn"/>. System.IO.Pipelines' stream reader is not used on purpose: it
/// awaits the stream from ordinary async code, so every read would resume on the .NET ThreadPool and hop back —
/// the round trip the netpoller exists to remove.
/// </remarks>
internal sealed class Connection
{
    internal const int Idle = 0, Active = 1, Closing = 2;

    private readonly HttpServer _server;
    private readonly TcpConn _conn;
    private readonly HttpServerOptions _options;
    private byte[] _in = new byte[4096];
    private int _start, _end;
    /// <summary>Pending output, rented while a response is being written and returned after each flush (idle connections hold none).</summary>
    private byte[]? _out;
    private int _outLength;
    private readonly Request _request;
    private readonly ResponseWriter _response;
    private readonly RequestBody _body;

    /// <summary>Idle (waiting for a request), Active, or Closing (the server closed it during shutdown). Interlocked.</summary>
    internal int State;

    internal Connection(HttpServer server, TcpConn conn, HttpServerOptions options)
    {
        _server = server;
        _conn = conn;
        _options = options;
        _body = new RequestBody(this);
        _request = new Request(_body) { RemoteEndPoint = conn.RemoteEndPoint };
        _response = new ResponseWriter(this);
    }

    internal TcpConn Conn => _conn;

    internal bool ServerShuttingDown => _server.IsShuttingDown;

    internal ReadOnlySpan<byte> Buffered => _in.AsSpan(_start, _end - _start);

    internal byte[] Scratch => _scratch ??= new byte[4096];

    private byte[]? _scratch;

    internal void Consume(int n) => _start += n;

    /// <summary>Serves requests until the client leaves, a request is bad, or the server shuts down.</summary>
    internal async GoTask ServeAsync()
    {
        try
        {
            while (await ServeOneAsync())
            {
            }

            await FlushAsync();
        }
        catch (Exception e) when (e is ObjectDisposedException or DeadlineExceededException or System.Net.Sockets.SocketException)
        {
            // The client went away, was too slow, or the server closed the connection: nothing to answer.
        }
        finally
        {
            _conn.Close();
            _server.Forget(this);
        }
    }

    /// <summary>One request and its response; false when the connection should end.</summary>
    private async GoTask<bool> ServeOneAsync()
    {
        // Wait for the first byte of the next request (idle timeout), then for the whole head (header timeout).
        if (_start == _end)
        {
            await FlushAsync();
            if (_server.IsShuttingDown) return false;
            _conn.SetReadDeadlineAfter(_options.IdleTimeout);
            if (!await FillAsync()) return false; // the client closed between requests
        }

        if (Interlocked.CompareExchange(ref State, Active, Idle) != Idle) return false; // closing: the server is shutting down
        _conn.SetReadDeadlineAfter(_options.ReadHeaderTimeout);
        try
        {
            int consumed;
            while (!RequestParser.TryParse(Buffered, _request, _options, out consumed))
            {
                if (!await FillAsync()) return false; // closed mid-head: nothing to answer
            }

            _start += consumed;
        }
        catch (BadRequestException e)
        {
            await RejectAsync(e);
            return false;
        }

        _conn.SetReadDeadlineAfter(Timeout.InfiniteTimeSpan);
        _body.Start(_request, _options.MaxBodyBytes);
        _response.Reset(_request, closeAfter: !_request.KeepAlive || _server.IsShuttingDown);
        try
        {
            await _server.Handler(_request, _response);
            _response.Finish();
            if (!_body.IsDone && !await _body.DrainAsync()) _response.CloseAfter = true;
        }
        catch (BadRequestException e) when (!_response.HeadersSent)
        {
            DropOutput();
            await RejectAsync(e);
            return false;
        }
        catch (Exception e) when (e is not (ObjectDisposedException or DeadlineExceededException or System.Net.Sockets.SocketException))
        {
            _server.ReportHandlerFailure(_request, e);
            if (!_response.HeadersSent)
            {
                DropOutput();
                await RejectAsync(new BadRequestException(500, "internal server error"));
            }

            return false;
        }

        bool keepOpen = !_response.CloseAfter;
        Volatile.Write(ref State, Idle);
        if (_outLength > 32 * 1024 || !keepOpen) await FlushAsync();
        return keepOpen;
    }

    /// <summary>Answers a bad request with its status and "Connection: close" (Go writes the status text as the body).</summary>
    private async GoTask RejectAsync(BadRequestException e)
    {
        string text = e.StatusCode == 500 ? "500 Internal Server Error" : $"{e.StatusCode} {StatusText.Of(e.StatusCode)}: {e.Message}";
        Append(Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {e.StatusCode} {StatusText.Of(e.StatusCode)}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {text.Length}\r\nConnection: close\r\n\r\n{text}"));
        _conn.SetWriteDeadlineAfter(TimeSpan.FromSeconds(5));
        await FlushAsync();
    }

    /// <summary>Reads more input; false at end of stream. Compacts or grows the buffer first when it is full.</summary>
    internal async GoTask<bool> FillAsync()
    {
        if (_start == _end) _start = _end = 0;
        if (_end == _in.Length)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_in, _start, _in, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            else
            {
                Array.Resize(ref _in, _in.Length * 2);
            }
        }

        int n = await _conn.ReadAsync(_in.AsMemory(_end));
        _end += n;
        return n > 0;
    }

    /// <summary>Answers "Expect: 100-continue" when the handler starts reading the body.</summary>
    internal async GoTask SendContinueAsync()
    {
        Append("HTTP/1.1 100 Continue\r\n\r\n"u8);
        await FlushAsync();
    }

    // ---- output ---------------------------------------------------------------------------------------

    internal void Append(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Room(bytes.Length));

    /// <summary>Appends a string of single-byte characters (ASCII names, Latin-1 values: HTTP's field octets).</summary>
    internal void AppendAscii(string text)
    {
        var room = Room(text.Length);
        Encoding.Latin1.GetBytes(text, room); // one byte per char: fills the room exactly (non-Latin-1 chars become '?')
    }

    internal void AppendLatin1(string text) => AppendAscii(text);

    /// <summary>Reserves <paramref name="n"/> bytes of output and returns them.</summary>
    private Span<byte> Room(int n)
    {
        if (_out is null)
        {
            _out = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(4096, n));
        }
        else if (_outLength + n > _out.Length)
        {
            var bigger = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(_out.Length * 2, _outLength + n));
            _out.AsSpan(0, _outLength).CopyTo(bigger);
            System.Buffers.ArrayPool<byte>.Shared.Return(_out);
            _out = bigger;
        }

        var room = _out.AsSpan(_outLength, n);
        _outLength += n;
        return room;
    }

    /// <summary>Forgets a response that was not sent (it is replaced by an error answer).</summary>
    private void DropOutput() => _outLength = 0;

    /// <summary>Writes the pending output and gives the buffer back.</summary>
    internal async GoTask FlushAsync()
    {
        if (_outLength == 0) return;
        var output = _out!;
        int length = _outLength;
        _out = null;
        _outLength = 0;
        try
        {
            await _conn.WriteAsync(output.AsMemory(0, length));
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(output);
        }
    }

    /// <summary>Called by the server during shutdown: closes the connection if it is idle. True when closed.</summary>
    internal bool CloseIfIdle()
    {
        if (Interlocked.CompareExchange(ref State, Closing, Idle) != Idle) return false;
        _conn.Close();
        return true;
    }

    /// <summary>Closes the connection whatever it is doing (the shutdown timeout passed).</summary>
    internal void Abort()
    {
        Volatile.Write(ref State, Closing);
        _conn.Close();
    }
}
