using System.Text;
using Weft.Actors.Diagnostics;
using Weft.Actors.Processes;

namespace Weft.Actors;

/// <summary>The node as a whole: its name and Erlang's observer in text (<see cref="Dump"/>).</summary>
public static class Actors
{
    /// <summary>This node's name, the <see cref="Pid.Node"/> of local pids. Set it before the first process starts.</summary>
    /// <exception cref="ArgumentException">Empty name.</exception>
    /// <exception cref="InvalidOperationException">Processes already exist (their pids carry the old name).</exception>
    public static string NodeName
    {
        get => ProcessTable.NodeName;
        set
        {
            ArgumentException.ThrowIfNullOrEmpty(value);
            if (ProcessTable.Count > 0) throw new InvalidOperationException("set Actors.NodeName before starting processes");
            ProcessTable.NodeName = value;
        }
    }

    /// <summary>The number of live processes on this node (every runtime).</summary>
    public static int ProcessCount => ProcessTable.Count;

    /// <summary>
    /// The supervision trees and every other live process of the current <see cref="GoRuntime"/> (all runtimes when
    /// called outside one), one line each: pid and name, kind, status (<c>waiting</c> in a receive or
    /// <c>running</c>), mailbox length, links, monitors (<c>monitors</c> held, <c>monitored_by</c>), a GenServer's state,
    /// and under each supervisor its children in start order with their restart counts.
    /// </summary>
    public static string Dump()
    {
        var runtime = GoRuntime.Current;
        var live = ProcessTable.Live.Where(p => p.IsAlive && (runtime is null || ReferenceEquals(p.Runtime, runtime)))
            .OrderBy(p => p.Id).ToList();
        var supervised = new HashSet<Pid>(live.SelectMany(p => p.Behaviour?.Children ?? []).Where(c => c.Pid is not null).Select(c => c.Pid!.Value));
        var text = new StringBuilder();
        text.Append("actors: ").Append(live.Count).Append(live.Count == 1 ? " process" : " processes").Append(" on ").AppendLine(NodeName);
        foreach (var root in live.Where(p => !supervised.Contains(p.Pid))) Write(text, root, "", "", null);
        return text.ToString();
    }

    private static void Write(StringBuilder text, ProcessContext process, string indent, string branch, ChildInfo? child)
    {
        var (links, monitors, monitoredBy) = process.Relations();
        text.Append(indent).Append(branch);
        if (child is not null) text.Append(child.Id).Append(' ');
        text.Append(process.Pid);
        if (process.Name is { } name) text.Append(" '").Append(name).Append('\'');
        text.Append(' ').Append(process.Behaviour?.Kind ?? "process")
            .Append(process.IsAlive ? process.Mailbox.IsWaiting ? " waiting" : " running" : " exited")
            .Append(" mailbox=").Append(process.MailboxLength);
        if (child is not null) text.Append(" restarts=").Append(child.Restarts);
        if (links.Length > 0) text.Append(" links=[").AppendJoin(",", links).Append(']');
        if (monitors.Length > 0) text.Append(" monitors=[").AppendJoin(",", monitors).Append(']');
        if (monitoredBy.Length > 0) text.Append(" monitored_by=[").AppendJoin(",", monitoredBy).Append(']');
        if (process.Behaviour?.State is { } state) text.Append(" state=").Append(state.Length > 60 ? state[..57] + "..." : state);
        text.AppendLine();
        if (process.Behaviour?.Children is not { } children) return;
        string childIndent = indent + (branch.Length == 0 ? "" : branch == "└─ " ? "   " : "│  ");
        for (int i = 0; i < children.Count; i++)
        {
            var c = children[i];
            string b = i == children.Count - 1 ? "└─ " : "├─ ";
            if (c.Pid is { } pid && ProcessTable.Resolve(pid) is { IsAlive: true } p) Write(text, p, childIndent, b, c);
            else text.Append(childIndent).Append(b).Append(c.Id).Append(" undefined restarts=").Append(c.Restarts).AppendLine();
        }
    }
}
