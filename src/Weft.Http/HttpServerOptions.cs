namespace Weft.Http;

/// <summary>Limits and timeouts of an <see cref="HttpServer"/> (Go's <c>http.Server</c> fields).</summary>
public sealed class HttpServerOptions
{
    /// <summary>Largest request line plus headers; larger gets 431 (Go: MaxHeaderBytes). Default 32 KiB.</summary>
    public int MaxHeaderBytes { get; init; } = 32 * 1024;

    /// <summary>Most header fields in one request; more gets 431. Default 100.</summary>
    public int MaxHeaderCount { get; init; } = 100;

    /// <summary>Largest request body; larger gets 413. Default 30 MiB.</summary>
    public long MaxBodyBytes { get; init; } = 30 * 1024 * 1024;

    /// <summary>
    /// Time allowed to receive a request's headers once its first byte has arrived (Go: ReadHeaderTimeout): a
    /// slow client is cut off. Default 10 s.
    /// </summary>
    public TimeSpan ReadHeaderTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a keep-alive connection may wait for its next request (Go: IdleTimeout). Default 2 min.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Where handler failures are reported; null for standard error (Go: ErrorLog).</summary>
    public TextWriter? ErrorLog { get; init; }

    internal void Validate()
    {
        if (MaxHeaderBytes < 256) throw new ArgumentOutOfRangeException(nameof(MaxHeaderBytes), MaxHeaderBytes, "HttpServerOptions.MaxHeaderBytes must be at least 256.");
        if (MaxHeaderCount < 1) throw new ArgumentOutOfRangeException(nameof(MaxHeaderCount), MaxHeaderCount, "HttpServerOptions.MaxHeaderCount must be at least 1.");
        if (MaxBodyBytes < 0) throw new ArgumentOutOfRangeException(nameof(MaxBodyBytes), MaxBodyBytes, "HttpServerOptions.MaxBodyBytes must not be negative.");
        if (ReadHeaderTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ReadHeaderTimeout), ReadHeaderTimeout, "HttpServerOptions.ReadHeaderTimeout must be positive.");
        if (IdleTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(IdleTimeout), IdleTimeout, "HttpServerOptions.IdleTimeout must be positive.");
    }
}
