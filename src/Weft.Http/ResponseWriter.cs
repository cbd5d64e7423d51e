using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Weft.Http;

/// <summary>
/// Builds the response to one request (Go's <c>http.ResponseWriter</c>). The body is buffered; a body that stays
/// small is sent with a Content-Length in one write when the handler returns, a larger one is streamed with
/// chunked encoding (or as the handler's own Content-Length says) from the first flush on.
/// </summary>
public sealed class ResponseWriter
{
    /// <summary>Past this much buffered body the response starts streaming.</summary>
    private const int StreamThreshold = 64 * 1024;

    private readonly Connection _connection;
    /// <summary>The buffered body, rented while the handler writes (an idle connection holds none).</summary>
    private byte[] _body = Array.Empty<byte>();
    private int _bodyLength;
    private int _status = 200;
    private bool _chunked;
    private long _declaredLength = -1;
    private long _sent;

    internal ResponseWriter(Connection connection) => _connection = connection;

    /// <summary>The response header fields; change them before the first flush.</summary>
    public HttpHeaders Headers { get; } = new();

    /// <summary>True once the status line and headers have gone out (they can no longer change).</summary>
    public bool HeadersSent { get; private set; }

    /// <summary>The status code (default 200).</summary>
    /// <exception cref="InvalidOperationException">The headers have been sent.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The code is not between 100 and 999.</exception>
    public int StatusCode
    {
        get => _status;
        set
        {
            if (HeadersSent) throw new InvalidOperationException("ResponseWriter.StatusCode: the headers have already been sent.");
            if (value is < 100 or > 999) throw new ArgumentOutOfRangeException(nameof(value), value, "An HTTP status code has three digits.");
            _status = value;
        }
    }

    internal bool CloseAfter { get; set; }

    internal Request? Request { get; set; }

    /// <summary>Appends to the body.</summary>
    /// <exception cref="InvalidOperationException">More bytes than a Content-Length the handler set.</exception>
    public GoTask WriteAsync(ReadOnlyMemory<byte> data)
    {
        if (data.Length == 0) return default;
        EnsureRoom(data.Length);
        data.Span.CopyTo(_body.AsSpan(_bodyLength));
        _bodyLength += data.Length;
        return _bodyLength >= StreamThreshold ? FlushAsync() : default;
    }

    /// <summary>Appends UTF-8 text to the body.</summary>
    public GoTask WriteAsync(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        EnsureRoom(max);
        _bodyLength += Encoding.UTF8.GetBytes(text, _body.AsSpan(_bodyLength));
        return _bodyLength >= StreamThreshold ? FlushAsync() : default;
    }

    /// <summary>Sends the headers (if not yet) and the buffered body now; the response goes on streaming.</summary>
    public async GoTask FlushAsync()
    {
        if (!HeadersSent) StartStreaming();
        AppendBody();
        await _connection.FlushAsync();
    }

    private void EnsureRoom(int extra)
    {
        if (_bodyLength + extra <= _body.Length) return;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(Math.Max(_body.Length * 2, 1024), _bodyLength + extra));
        _body.AsSpan(0, _bodyLength).CopyTo(bigger);
        ReturnBody();
        _body = bigger;
    }

    private void ReturnBody()
    {
        if (_body.Length > 0) ArrayPool<byte>.Shared.Return(_body);
        _body = Array.Empty<byte>();
    }

    /// <summary>Headers for a streamed body: the handler's Content-Length, else chunked (HTTP/1.1), else close-delimited.</summary>
    private void StartStreaming()
    {
        if (Headers.Get("Content-Length") is { } declared && long.TryParse(declared, out long length)) _declaredLength = length;
        else if (ReferenceEquals(Request!.Protocol, "HTTP/1.1")) _chunked = true;
        else CloseAfter = true;
        WriteHead(contentLength: -1);
    }

    /// <summary>Moves the buffered body to the connection's output, framed as the headers said.</summary>
    private void AppendBody()
    {
        if (_bodyLength == 0) return;
        var body = _body.AsSpan(0, _bodyLength);
        _bodyLength = 0;
        _sent += body.Length;
        if (_declaredLength >= 0 && _sent > _declaredLength)
            throw new InvalidOperationException($"ResponseWriter: the handler wrote {_sent} bytes, more than its Content-Length of {_declaredLength}.");
        if (Request!.IsHead || !BodyAllowed(_status)) return;
        if (_chunked)
        {
            Span<byte> size = stackalloc byte[16];
            body.Length.TryFormat(size, out int n, "x");
            _connection.Append(size[..n]);
            _connection.Append("\r\n"u8);
            _connection.Append(body);
            _connection.Append("\r\n"u8);
        }
        else
        {
            _connection.Append(body);
        }
    }

    /// <summary>Completes the response into the connection's output (the connection flushes it).</summary>
    internal void Finish()
    {
        if (!HeadersSent)
        {
            WriteHead(BodyAllowed(_status) ? _bodyLength : -1);
            AppendBody();
            ReturnBody();
            return;
        }

        AppendBody();
        ReturnBody();
        if (_chunked && !Request!.IsHead) _connection.Append("0\r\n\r\n"u8);
        if (_declaredLength >= 0 && _sent != _declaredLength) CloseAfter = true; // the framing is broken: end the connection
    }

    private static bool BodyAllowed(int status) => status >= 200 && status != 204 && status != 304;

    private void WriteHead(long contentLength)
    {
        HeadersSent = true;
        if (_connection.ServerShuttingDown) CloseAfter = true; // graceful shutdown: this is the connection's last response
        var c = _connection;
        c.Append(ReferenceEquals(Request!.Protocol, "HTTP/1.0") ? "HTTP/1.0 "u8 : "HTTP/1.1 "u8);
        Span<byte> number = stackalloc byte[20];
        Utf8Formatter.TryFormat(_status, number, out int n);
        c.Append(number[..n]);
        c.Append(" "u8);
        c.AppendAscii(StatusText.Of(_status));
        c.Append("\r\n"u8);
        bool hasType = false, hasLength = false, hasConnection = false;
        foreach (var (name, value) in Headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) hasType = true;
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) hasLength = true;
            if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                hasConnection = true;
                if (value.Contains("close", StringComparison.OrdinalIgnoreCase)) CloseAfter = true;
            }

            c.AppendAscii(name);
            c.Append(": "u8);
            c.AppendLatin1(value);
            c.Append("\r\n"u8);
        }

        if (!hasType && BodyAllowed(_status) && (contentLength > 0 || _chunked)) c.Append("Content-Type: text/plain; charset=utf-8\r\n"u8);
        if (contentLength >= 0 && !hasLength)
        {
            c.Append("Content-Length: "u8);
            Utf8Formatter.TryFormat(contentLength, number, out n);
            c.Append(number[..n]);
            c.Append("\r\n"u8);
        }

        if (_chunked) c.Append("Transfer-Encoding: chunked\r\n"u8);
        c.Append(HttpDate.Current);
        c.Append("Server: Weft\r\n"u8);
        if (hasConnection)
        {
        }
        else if (CloseAfter)
        {
            c.Append("Connection: close\r\n"u8);
        }
        else if (ReferenceEquals(Request.Protocol, "HTTP/1.0"))
        {
            c.Append("Connection: keep-alive\r\n"u8);
        }
        c.Append("\r\n"u8);
    }

    /// <summary>Ready for the next request on the connection.</summary>
    internal void Reset(Request request, bool closeAfter)
    {
        Headers.Clear();
        Request = request;
        _status = 200;
        _bodyLength = 0;
        _chunked = false;
        _declaredLength = -1;
        _sent = 0;
        HeadersSent = false;
        CloseAfter = closeAfter;
        ReturnBody(); // left over by a handler that failed
    }
}

/// <summary>The Date header line, formatted once per second.</summary>
internal static class HttpDate
{
    private static byte[] s_line = Array.Empty<byte>();
    private static long s_second = -1;

    internal static ReadOnlySpan<byte> Current
    {
        get
        {
            long second = Environment.TickCount64 / 1000;
            if (second != Volatile.Read(ref s_second))
            {
                Volatile.Write(ref s_line, Encoding.ASCII.GetBytes($"Date: {DateTime.UtcNow:R}\r\n"));
                Volatile.Write(ref s_second, second);
            }

            return Volatile.Read(ref s_line);
        }
    }
}
