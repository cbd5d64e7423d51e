using System.Collections.Concurrent;

namespace Weft.Actors.Processes;

/// <summary>
/// This node's processes by number and by registered name. One table per OS process (a node), shared by every
/// <see cref="GoRuntime"/> in it; pids stay unique across runtimes.
/// </summary>
internal static class ProcessTable
{
    private static readonly ConcurrentDictionary<long, ProcessContext> s_live = new();
    private static readonly ConcurrentDictionary<string, ProcessContext> s_names = new(StringComparer.Ordinal);
    private static long s_nextId;
    private static long s_nextRef;

    /// <summary>The node's name, the <c>Node</c> of every local pid.</summary>
    internal static string NodeName { get; set; } = "nonode@nohost";

    internal static long NextId() => Interlocked.Increment(ref s_nextId);

    internal static MonitorRef NextRef() => new(Interlocked.Increment(ref s_nextRef));

    internal static void Add(ProcessContext process) => s_live[process.Id] = process;

    internal static void Remove(ProcessContext process) => s_live.TryRemove(process.Id, out _);

    /// <summary>The live processes (a snapshot).</summary>
    internal static ICollection<ProcessContext> Live => s_live.Values;

    /// <summary>The local process <paramref name="pid"/> names, alive or dead, or null if unknown here.</summary>
    /// <exception cref="NotSupportedException">The pid is on another node (distribution is designed, not built).</exception>
    internal static ProcessContext? Resolve(Pid pid)
    {
        if (pid.Cell is { } cell) return cell;
        if (pid.IsNone) throw new ArgumentException("the default Pid names no process", nameof(pid));
        if (pid.Node != NodeName)
            throw new NotSupportedException($"{pid} is on node '{pid.Node}'; messages to other nodes are not supported yet (docs/DISTRIBUTION.md)");
        return s_live.TryGetValue(pid.Id, out var p) ? p : null;
    }

    /// <summary>Erlang's <c>register/2</c>.</summary>
    internal static void Register(string name, ProcessContext process)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        lock (process.Gate)
        {
            if (!process.IsAlive) throw new InvalidOperationException($"cannot register '{name}': {process.Pid} is not alive");
            if (process.RegisteredName is { } had)
                throw new InvalidOperationException($"cannot register '{name}': {process.Pid} is already registered as '{had}'");
            if (!s_names.TryAdd(name, process))
                throw new InvalidOperationException($"the name '{name}' is already registered to {s_names.GetValueOrDefault(name)?.Pid}");
            process.RegisteredName = name;
        }
    }

    /// <summary>Erlang's <c>unregister/1</c>: false if the name was not registered.</summary>
    internal static bool Unregister(string name)
    {
        if (!s_names.TryGetValue(name, out var process)) return false;
        lock (process.Gate)
        {
            if (process.RegisteredName != name) return false;
            process.RegisteredName = null;
            return s_names.TryRemove(new KeyValuePair<string, ProcessContext>(name, process));
        }
    }

    /// <summary>The process registered as <paramref name="name"/>, or null.</summary>
    internal static ProcessContext? WhereIs(string name) =>
        s_names.TryGetValue(name, out var p) && p.IsAlive ? p : null;

    /// <summary>Drops the dying process's name (called once, by its termination).</summary>
    internal static void ReleaseName(ProcessContext process, string name) =>
        s_names.TryRemove(new KeyValuePair<string, ProcessContext>(name, process));
}
