using System.Collections.Concurrent;

namespace Weft.Actors.Processes;

/// <summary>
/// This node's processes by number and by registered name. One table per OS process (a node), shared by every
/// <see cref="GoRuntime"/> in it; pids stay unique across runtimes.
/// </summary>
internal static class ProcessTable
{
    // Live processes in 64 intrusive doubly-linked lists (by id): a spawn and an exit cost one uncontended lock and
    // two pointer writes, no allocation and no rehash (a ConcurrentDictionary node per process cost about a quarter of
    // a 1M-process skynet). Finding a process by number walks one list; only pids made from a node name and a number
    // need that (a local pid carries its process).
    private const int Stripes = 64;
    private static readonly Stripe[] s_live = Enumerable.Range(0, Stripes).Select(_ => new Stripe()).ToArray();
    private static readonly ConcurrentDictionary<string, ProcessContext> s_names = new(StringComparer.Ordinal);
    private static long s_nextId;
    private static long s_nextRef;

    /// <summary>The node's name, the <c>Node</c> of every local pid.</summary>
    internal static string NodeName { get; set; } = "nonode@nohost";

    private static Stripe StripeOf(long id) => s_live[id & (Stripes - 1)];

    internal static long NextId() => Interlocked.Increment(ref s_nextId);

    internal static MonitorRef NextRef() => new(Interlocked.Increment(ref s_nextRef));

    internal static void Add(ProcessContext process) => StripeOf(process.Id).Add(process);

    internal static void Remove(ProcessContext process) => StripeOf(process.Id).Remove(process);

    /// <summary>The number of live processes.</summary>
    internal static int Count => s_live.Sum(s => s.Count);

    /// <summary>The live processes (a snapshot).</summary>
    internal static List<ProcessContext> Live
    {
        get
        {
            var all = new List<ProcessContext>();
            foreach (var stripe in s_live) stripe.CopyTo(all);
            return all;
        }
    }

    /// <summary>The local process <paramref name="pid"/> names, alive or dead, or null if unknown here.</summary>
    /// <exception cref="NotSupportedException">The pid is on another node (distribution is designed, not built).</exception>
    internal static ProcessContext? Resolve(Pid pid)
    {
        if (pid.Cell is { } cell) return cell;
        if (pid.IsNone) throw new ArgumentException("the default Pid names no process", nameof(pid));
        if (pid.Node != NodeName)
            throw new NotSupportedException($"{pid} is on node '{pid.Node}'; messages to other nodes are not supported yet (docs/DISTRIBUTION.md)");
        return StripeOf(pid.Id).Find(pid.Id);
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

    /// <summary>One list of live processes, linked through <see cref="ProcessContext.TablePrevious"/>/<see cref="ProcessContext.TableNext"/>.</summary>
    private sealed class Stripe
    {
        private ProcessContext? _head;

        internal int Count { get; private set; }

        internal void Add(ProcessContext process)
        {
            lock (this)
            {
                process.TableNext = _head;
                if (_head is not null) _head.TablePrevious = process;
                _head = process;
                Count++;
            }
        }

        internal void Remove(ProcessContext process)
        {
            lock (this)
            {
                if (process.TablePrevious is { } previous) previous.TableNext = process.TableNext;
                else if (ReferenceEquals(_head, process)) _head = process.TableNext;
                else return; // not in the list (removed already)
                if (process.TableNext is { } next) next.TablePrevious = process.TablePrevious;
                process.TablePrevious = process.TableNext = null;
                Count--;
            }
        }

        internal ProcessContext? Find(long id)
        {
            lock (this)
            {
                for (var p = _head; p is not null; p = p.TableNext)
                    if (p.Id == id) return p;
                return null;
            }
        }

        internal void CopyTo(List<ProcessContext> all)
        {
            lock (this)
                for (var p = _head; p is not null; p = p.TableNext) all.Add(p);
        }
    }
}
