using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Weft.Hosting.Tests;

/// <summary>A logger provider that keeps every entry, and lets a test wait for the first entry that matches.</summary>
public sealed class LogSink : ILoggerProvider
{
    public sealed record Entry(string Category, LogLevel Level, string Message, Exception? Exception);

    private readonly ConcurrentQueue<Entry> _entries = new();
    private readonly List<(Func<Entry, bool> Match, TaskCompletionSource<Entry> Found)> _waiters = new();

    public IReadOnlyCollection<Entry> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>The first entry matching <paramref name="match"/>, logged already or later.</summary>
    public Task<Entry> WaitFor(Func<Entry, bool> match)
    {
        var found = new TaskCompletionSource<Entry>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters)
        {
            foreach (var e in _entries)
            {
                if (match(e)) return Task.FromResult(e);
            }

            _waiters.Add((match, found));
        }

        return found.Task;
    }

    private void Add(Entry entry)
    {
        lock (_waiters)
        {
            _entries.Enqueue(entry);
            foreach (var (match, found) in _waiters)
            {
                if (match(entry)) found.TrySetResult(entry);
            }
        }
    }

    public void Dispose()
    {
    }

    private sealed class Logger(LogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink.Add(new Entry(category, logLevel, formatter(state, exception), exception));
    }
}
