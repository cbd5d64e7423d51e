using System.Collections;

namespace Weft.Http;

/// <summary>
/// Header fields in arrival order (Go's <c>http.Header</c>); names compare case-insensitively. Small and linear:
/// requests carry a handful of fields.
/// </summary>
public sealed class HttpHeaders : IEnumerable<KeyValuePair<string, string>>
{
    private readonly List<KeyValuePair<string, string>> _fields = new();

    /// <summary>Number of fields.</summary>
    public int Count => _fields.Count;

    /// <summary>The first value of <paramref name="name"/>, or null (Go's <c>Header.Get</c>).</summary>
    public string? Get(string name)
    {
        foreach (var field in _fields)
            if (string.Equals(field.Key, name, StringComparison.OrdinalIgnoreCase)) return field.Value;
        return null;
    }

    /// <summary>Every value of <paramref name="name"/>.</summary>
    public IEnumerable<string> GetAll(string name)
    {
        foreach (var field in _fields)
            if (string.Equals(field.Key, name, StringComparison.OrdinalIgnoreCase)) yield return field.Value;
    }

    /// <summary>Adds a value, keeping the ones already there (Go's <c>Header.Add</c>).</summary>
    /// <exception cref="ArgumentException">The name is empty or either contains CR or LF.</exception>
    public void Add(string name, string value)
    {
        Check(name, value);
        _fields.Add(new(name, value));
    }

    /// <summary>Replaces every value of <paramref name="name"/> with <paramref name="value"/> (Go's <c>Header.Set</c>).</summary>
    /// <exception cref="ArgumentException">The name is empty or either contains CR or LF.</exception>
    public void Set(string name, string value)
    {
        Check(name, value);
        Remove(name);
        _fields.Add(new(name, value));
    }

    /// <summary>Removes every value of <paramref name="name"/>.</summary>
    public void Remove(string name) => _fields.RemoveAll(f => string.Equals(f.Key, name, StringComparison.OrdinalIgnoreCase));

    internal void Clear() => _fields.Clear();

    /// <summary>Adds without validation (the parser has already checked the bytes).</summary>
    internal void AddParsed(string name, string value) => _fields.Add(new(name, value));

    private static void Check(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        if (name.AsSpan().IndexOfAny("\r\n: ") >= 0) throw new ArgumentException($"Invalid header name \"{name}\".", nameof(name));
        if (value.AsSpan().IndexOfAny('\r', '\n') >= 0) throw new ArgumentException($"The value of header \"{name}\" contains CR or LF.", nameof(value));
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _fields.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
