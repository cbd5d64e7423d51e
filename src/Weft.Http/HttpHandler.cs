namespace Weft.Http;

/// <summary>
/// Handles one request (Go's <c>http.Handler</c>): reads <paramref name="request"/>, writes the answer to
/// <paramref name="response"/>. Runs on the connection's goroutine; an exception is answered with 500 and the
/// connection is closed (Go recovers a panicking handler the same way).
/// </summary>
public delegate GoTask HttpHandler(Request request, ResponseWriter response);
