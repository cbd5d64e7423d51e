namespace Weft.Http;

/// <summary>Reason phrases for the status line (Go's <c>http.StatusText</c>).</summary>
public static class StatusText
{
    /// <summary>The reason phrase of <paramref name="code"/>, or "Status N" for codes without one.</summary>
    public static string Of(int code) => code switch
    {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Request Entity Too Large",
        417 => "Expectation Failed",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => $"Status {code}",
    };
}
