using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Weft.Http;

/// <summary>Parses a request line and header block (RFC 9112 §2-5), strictly: anything doubtful is a 400.</summary>
internal static class RequestParser
{
    private static readonly SearchValues<byte> s_tokenChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    /// <summary>
    /// Parses the head of the request at the start of <paramref name="data"/>. Returns false when more bytes are
    /// needed; true with <paramref name="consumed"/> set when the head is complete; throws
    /// <see cref="BadRequestException"/> when it is malformed or over the limits.
    /// </summary>
    internal static bool TryParse(ReadOnlySpan<byte> data, Request request, HttpServerOptions options, out int consumed)
    {
        consumed = 0;
        int skipped = 0;
        while (data.Length - skipped >= 2 && data[skipped] == '\r' && data[skipped + 1] == '\n') skipped += 2; // RFC 9112 §2.2
        var head = data[skipped..];
        int end = head.IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            if (head.Length > options.MaxHeaderBytes) throw new BadRequestException(431, "request header too large");
            return false;
        }

        if (end + 4 > options.MaxHeaderBytes) throw new BadRequestException(431, "request header too large");
        consumed = skipped + end + 4;
        head = head[..(end + 2)]; // every line with its CRLF

        request.Reset();
        int lineEnd = head.IndexOf("\r\n"u8);
        ParseRequestLine(head[..lineEnd], request);
        head = head[(lineEnd + 2)..];

        long contentLength = -1;
        bool chunked = false, close = false, keepAlive = false;
        int count = 0;
        while (head.Length > 0)
        {
            lineEnd = head.IndexOf("\r\n"u8);
            var line = head[..lineEnd];
            head = head[(lineEnd + 2)..];
            if (++count > options.MaxHeaderCount) throw new BadRequestException(431, "too many header fields");
            int colon = line.IndexOf((byte)':');
            if (colon <= 0 || line[..colon].IndexOfAnyExcept(s_tokenChars) >= 0)
                throw new BadRequestException(400, "malformed header line"); // also obs-fold and spaces before the colon
            var rawValue = line[(colon + 1)..].Trim(" \t"u8);
            foreach (byte b in rawValue)
                if ((b < 0x20 && b != '\t') || b == 0x7f) throw new BadRequestException(400, "invalid character in header value");
            string name = KnownHeader(line[..colon]);
            string value = Encoding.Latin1.GetString(rawValue);
            request.Headers.AddParsed(name, value);

            if (ReferenceEquals(name, "Content-Length"))
            {
                if (!Utf8Parser.TryParse(rawValue, out long length, out int used) || used != rawValue.Length || length < 0)
                    throw new BadRequestException(400, "invalid Content-Length");
                if (contentLength >= 0 && contentLength != length) throw new BadRequestException(400, "conflicting Content-Length");
                contentLength = length;
            }
            else if (ReferenceEquals(name, "Transfer-Encoding"))
            {
                if (!Ascii.EqualsIgnoreCase(rawValue, "chunked"u8))
                    throw new BadRequestException(501, "unsupported transfer encoding");
                if (chunked) throw new BadRequestException(400, "repeated Transfer-Encoding");
                chunked = true;
            }
            else if (ReferenceEquals(name, "Connection"))
            {
                foreach (var token in value.Split(','))
                {
                    if (token.Trim().Equals("close", StringComparison.OrdinalIgnoreCase)) close = true;
                    else if (token.Trim().Equals("keep-alive", StringComparison.OrdinalIgnoreCase)) keepAlive = true;
                }
            }
            else if (ReferenceEquals(name, "Host"))
            {
                if (request.Host.Length > 0) throw new BadRequestException(400, "repeated Host header");
                request.Host = value;
            }
            else if (ReferenceEquals(name, "Expect"))
            {
                if (!value.Equals("100-continue", StringComparison.OrdinalIgnoreCase)) throw new BadRequestException(417, "unsupported Expect");
                request.ExpectContinue = true;
            }
        }

        if (chunked && contentLength >= 0) throw new BadRequestException(400, "both Transfer-Encoding and Content-Length"); // request smuggling
        bool http11 = ReferenceEquals(request.Protocol, "HTTP/1.1");
        if (http11 && request.Host.Length == 0) throw new BadRequestException(400, "missing required Host header");
        request.IsChunked = chunked;
        request.ContentLength = chunked ? -1 : Math.Max(0, contentLength);
        if (request.ContentLength > options.MaxBodyBytes) throw new BadRequestException(413, "request body too large");
        request.KeepAlive = http11 ? !close : keepAlive && !close;
        return true;
    }

    private static void ParseRequestLine(ReadOnlySpan<byte> line, Request request)
    {
        int sp1 = line.IndexOf((byte)' ');
        if (sp1 <= 0) throw new BadRequestException(400, "malformed request line");
        var method = line[..sp1];
        if (method.IndexOfAnyExcept(s_tokenChars) >= 0) throw new BadRequestException(400, "invalid method");
        var rest = line[(sp1 + 1)..];
        int sp2 = rest.IndexOf((byte)' ');
        if (sp2 <= 0) throw new BadRequestException(400, "malformed request line");
        var target = rest[..sp2];
        var version = rest[(sp2 + 1)..];
        foreach (byte b in target)
            if (b <= 0x20 || b == 0x7f) throw new BadRequestException(400, "invalid request target");
        if (target[0] != '/' && !(target.Length == 1 && target[0] == '*') && target.IndexOf("://"u8) < 0)
            throw new BadRequestException(400, "invalid request target");

        if (version.SequenceEqual("HTTP/1.1"u8)) request.Protocol = "HTTP/1.1";
        else if (version.SequenceEqual("HTTP/1.0"u8)) request.Protocol = "HTTP/1.0";
        else if (version.StartsWith("HTTP/"u8)) throw new BadRequestException(505, "HTTP version not supported");
        else throw new BadRequestException(400, "malformed HTTP version");

        request.Method = KnownMethod(method);
        string targetText = Encoding.ASCII.GetString(target);
        request.Target = targetText;
        int q = targetText.IndexOf('?');
        request.Path = q < 0 ? targetText : targetText[..q];
        request.Query = q < 0 ? "" : targetText[(q + 1)..];
    }

    /// <summary>Interned method names (compared by reference inside the server).</summary>
    private static string KnownMethod(ReadOnlySpan<byte> m) => m switch
    {
        _ when m.SequenceEqual("GET"u8) => "GET",
        _ when m.SequenceEqual("POST"u8) => "POST",
        _ when m.SequenceEqual("HEAD"u8) => "HEAD",
        _ when m.SequenceEqual("PUT"u8) => "PUT",
        _ when m.SequenceEqual("DELETE"u8) => "DELETE",
        _ when m.SequenceEqual("OPTIONS"u8) => "OPTIONS",
        _ when m.SequenceEqual("PATCH"u8) => "PATCH",
        _ => Encoding.ASCII.GetString(m),
    };

    private static readonly string[] s_knownHeaders =
    [
        "Host", "Content-Length", "Transfer-Encoding", "Connection", "Expect", "Accept", "Accept-Encoding",
        "Accept-Language", "User-Agent", "Content-Type", "Cookie", "Authorization", "Cache-Control", "Upgrade",
    ];

    /// <summary>The canonical, interned name of a common header (no allocation); others are allocated as sent.</summary>
    private static string KnownHeader(ReadOnlySpan<byte> name)
    {
        foreach (var known in s_knownHeaders)
            if (name.Length == known.Length && Ascii.EqualsIgnoreCase(name, known)) return known;
        return Encoding.ASCII.GetString(name);
    }
}
