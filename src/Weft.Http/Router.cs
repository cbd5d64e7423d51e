namespace Weft.Http;

/// <summary>
/// A simple request router (Go 1.22's <c>http.ServeMux</c>, reduced): patterns are <c>"/path"</c> or
/// <c>"METHOD /path"</c>; a pattern ending in '/' matches its whole subtree; the longest match wins. Unknown paths
/// get 404, a known path with another method 405 with an Allow header.
/// </summary>
public sealed class Router
{
    private readonly Dictionary<string, List<(string? Method, HttpHandler Handler)>> _exact = new(StringComparer.Ordinal);
    private readonly List<(string Prefix, string? Method, HttpHandler Handler)> _prefixes = new();

    /// <summary>Adds a route.</summary>
    /// <exception cref="ArgumentException">The pattern is malformed or already registered.</exception>
    public Router Map(string pattern, HttpHandler handler)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(handler);
        string? method = null;
        string path = pattern;
        int space = pattern.IndexOf(' ');
        if (space >= 0)
        {
            method = pattern[..space];
            path = pattern[(space + 1)..].Trim();
        }

        if (path.Length == 0 || path[0] != '/' || (method is not null && method.Length == 0))
            throw new ArgumentException($"Router.Map: \"{pattern}\" is not \"/path\" or \"METHOD /path\".", nameof(pattern));

        if (path.EndsWith('/'))
        {
            if (_prefixes.Exists(p => p.Prefix == path && p.Method == method))
                throw new ArgumentException($"Router.Map: \"{pattern}\" is already registered.", nameof(pattern));
            _prefixes.Add((path, method, handler));
            _prefixes.Sort((a, b) => b.Prefix.Length.CompareTo(a.Prefix.Length));
            return this;
        }

        if (!_exact.TryGetValue(path, out var routes)) _exact[path] = routes = new();
        if (routes.Exists(r => r.Method == method))
            throw new ArgumentException($"Router.Map: \"{pattern}\" is already registered.", nameof(pattern));
        routes.Add((method, handler));
        return this;
    }

    /// <summary>Adds a GET route (also answering HEAD).</summary>
    public Router MapGet(string path, HttpHandler handler) => Map("GET " + path, handler);

    /// <summary>Dispatches a request; pass <c>router.Handle</c> to <see cref="HttpServer"/>.</summary>
    public GoTask Handle(Request request, ResponseWriter response)
    {
        List<(string? Method, HttpHandler Handler)>? candidates = null;
        if (_exact.TryGetValue(request.Path, out var exact)) candidates = exact;
        if (candidates is not null && Pick(candidates, request.Method) is { } handler) return handler(request, response);

        foreach (var (prefix, method, prefixHandler) in _prefixes)
        {
            if (!request.Path.StartsWith(prefix, StringComparison.Ordinal)) continue;
            if (Matches(method, request.Method)) return prefixHandler(request, response);
            candidates ??= _prefixes.Where(p => p.Prefix == prefix).Select(p => (p.Method, p.Handler)).ToList();
        }

        if (candidates is { Count: > 0 })
        {
            response.StatusCode = 405;
            response.Headers.Set("Allow", string.Join(", ", candidates.Select(c => c.Method ?? "*").Distinct()));
            return response.WriteAsync("405 method not allowed\n");
        }

        response.StatusCode = 404;
        return response.WriteAsync("404 page not found\n");
    }

    private static HttpHandler? Pick(List<(string? Method, HttpHandler Handler)> routes, string method)
    {
        foreach (var (m, handler) in routes)
            if (Matches(m, method)) return handler;
        return null;
    }

    private static bool Matches(string? pattern, string method) =>
        pattern is null || pattern == method || (pattern == "GET" && ReferenceEquals(method, "HEAD"));
}
