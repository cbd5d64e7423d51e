using Weft.Actors.Processes;

namespace Weft.Actors;

/// <summary>
/// A process identifier: the node the process lives on and a number unique on that node. A value, compared by node
/// and number only, so a pid read back from the wire (a later issue) addresses the same process as the original.
/// </summary>
public readonly struct Pid : IEquatable<Pid>
{
    /// <summary>A cached reference to the local process, so a send does not look the number up; not part of identity.</summary>
    internal readonly ProcessContext? Cell;

    internal Pid(ProcessContext cell)
    {
        Node = ProcessTable.NodeName;
        Id = cell.Id;
        Cell = cell;
    }

    /// <summary>A pid for process <paramref name="id"/> on <paramref name="node"/> (what a remote pid will be read back as).</summary>
    /// <exception cref="ArgumentException"><paramref name="node"/> is empty or <paramref name="id"/> is not positive.</exception>
    public Pid(string node, long id)
    {
        if (string.IsNullOrEmpty(node)) throw new ArgumentException("a pid needs a node name", nameof(node));
        if (id <= 0) throw new ArgumentException($"a pid's id is positive, not {id}", nameof(id));
        Node = node;
        Id = id;
        Cell = null;
    }

    /// <summary>The node name (<see cref="Actors.NodeName"/> for local processes).</summary>
    public string Node { get; }

    /// <summary>The process number, unique on its node for the node's lifetime.</summary>
    public long Id { get; }

    /// <summary>True for the default value, which names no process.</summary>
    public bool IsNone => Id == 0;

    /// <summary>True when the pid names a process on this node.</summary>
    public bool IsLocal => Id != 0 && (Cell is not null || Node == ProcessTable.NodeName);

    /// <inheritdoc />
    public bool Equals(Pid other) => Id == other.Id && string.Equals(Node, other.Node, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Pid other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Id, Node);

    /// <summary>Equal pids.</summary>
    public static bool operator ==(Pid left, Pid right) => left.Equals(right);

    /// <summary>Different pids.</summary>
    public static bool operator !=(Pid left, Pid right) => !left.Equals(right);

    /// <summary>Erlang's notation with the node's name: <c>&lt;node.42&gt;</c>.</summary>
    public override string ToString() => IsNone ? "<none>" : $"<{Node}.{Id}>";
}
