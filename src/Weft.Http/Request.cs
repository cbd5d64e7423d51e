using System.Net;

namespace Weft.Http;

/// <summary>An HTTP request as the server received it (Go's <c>http.Request</c>). Valid only during the handler call.</summary>
public sealed class Request
{
    internal Request(RequestBody body) => Body = body;

    /// <summary>The method: GET, POST, ...</summary>
    public string Method { get; internal set; } = "";

    /// <summary>The request target as sent: path and query (<c>/search?q=go</c>).</summary>
    public string Target { get; internal set; } = "";

    /// <summary>The path part of <see cref="Target"/>, not decoded.</summary>
    public string Path { get; internal set; } = "";

    /// <summary>The query after '?', without it; empty when none.</summary>
    public string Query { get; internal set; } = "";

    /// <summary><c>HTTP/1.1</c> or <c>HTTP/1.0</c>.</summary>
    public string Protocol { get; internal set; } = "";

    /// <summary>The header fields.</summary>
    public HttpHeaders Headers { get; } = new();

    /// <summary>The Host header.</summary>
    public string Host { get; internal set; } = "";

    /// <summary>The declared body length: Content-Length, 0 without a body, -1 for a chunked body.</summary>
    public long ContentLength { get; internal set; }

    /// <summary>The client's address.</summary>
    public IPEndPoint? RemoteEndPoint { get; internal set; }

    /// <summary>
    /// The body (Content-Length or chunked, decoded). Read it with <c>ReadAsync</c> or <see cref="ReadBodyAsync"/>;
    /// what the handler leaves unread is discarded before the next request.
    /// </summary>
    public Stream Body { get; }

    /// <summary>True when the client wants the connection kept open after this request.</summary>
    internal bool KeepAlive { get; set; }

    internal bool IsChunked { get; set; }

    internal bool ExpectContinue { get; set; }

    internal bool IsHead => ReferenceEquals(Method, "HEAD");

    /// <summary>Reads the whole body.</summary>
    /// <exception cref="BadRequestException">The body is malformed or larger than the server allows.</exception>
    public async GoTask<byte[]> ReadBodyAsync()
    {
        var output = new MemoryStream(ContentLength > 0 ? (int)Math.Min(ContentLength, 1 << 20) : 0);
        var buffer = new byte[8192];
        int n;
        while ((n = await ((RequestBody)Body).ReadCoreAsync(buffer)) > 0) output.Write(buffer, 0, n);
        return output.ToArray();
    }

    internal void Reset()
    {
        Headers.Clear();
        Host = Query = "";
        ContentLength = 0;
        IsChunked = ExpectContinue = false;
    }
}

/// <summary>
/// The request is malformed, too large or unsupported; the server answers with <see cref="StatusCode"/> and closes the
/// connection. A handler sees it when the body it reads is malformed.
/// </summary>
public sealed class BadRequestException(int statusCode, string message) : Exception(message)
{
    /// <summary>The status the server answers with: 400, 413, 431, 501 or 505.</summary>
    public int StatusCode { get; } = statusCode;
}
