using Weft.Actors.Processes;

namespace Weft.Actors;

/// <summary>Links, monitors, exit signals and termination.</summary>
public sealed partial class ProcessContext
{
    private HashSet<ProcessContext>? _links;               // guarded by Gate; symmetric with the other side's set
    private Dictionary<long, Watch>? _watchers;             // guarded by Gate: monitors on this process
    private Dictionary<long, ProcessContext>? _monitoring;  // guarded by Gate: this process's monitors, ref → target

    /// <summary>
    /// Links this process and <paramref name="other"/> both ways (Erlang's <c>link/1</c>): when either ends abnormally,
    /// the other gets an exit signal. Linking to a dead process sends this process an exit signal with
    /// <see cref="ExitReason.NoProc"/> (an <see cref="Weft.Actors.Exit"/> message when trapping). Linking twice is one link.
    /// </summary>
    public void Link(Pid other)
    {
        ThrowIfExited();
        var target = ProcessTable.Resolve(other);
        if (ReferenceEquals(target, this)) return;
        if (target is null || !TryLink(this, target)) ReceiveExitSignal(other, ExitReason.NoProc, killable: false);
        ThrowIfExited();
    }

    /// <summary>Removes the link to <paramref name="other"/>, if any (Erlang's <c>unlink/1</c>).</summary>
    public void Unlink(Pid other)
    {
        var target = ProcessTable.Resolve(other);
        if (target is null || ReferenceEquals(target, this)) return;
        lock (Gate) _links?.Remove(target);
        lock (target.Gate) target._links?.Remove(this);
    }

    /// <summary>
    /// Monitors <paramref name="target"/> (Erlang's <c>monitor(process, Pid)</c>): exactly one <see cref="Down"/> with the
    /// returned reference arrives when it ends, at once with <see cref="ExitReason.NoProc"/> if it already has.
    /// Monitoring twice gives two monitors.
    /// </summary>
    public MonitorRef Monitor(Pid target)
    {
        ThrowIfExited();
        return MonitorProcess(ProcessTable.Resolve(target), target);
    }

    internal MonitorRef MonitorProcess(ProcessContext? cell, Pid target)
    {
        var reference = ProcessTable.NextRef();
        if (cell is null || !cell.TryAddWatch(new Watch(reference, this, null)))
        {
            Mailbox.Post(new Down(reference, target, ExitReason.NoProc), signal: true);
            return reference;
        }

        lock (Gate) (_monitoring ??= [])[reference.Id] = cell;
        return reference;
    }

    /// <summary>
    /// Removes a monitor (Erlang's <c>demonitor/2</c>). Returns true if it was active (no <see cref="Down"/> was or will
    /// be sent for it). With <paramref name="flush"/>, a <see cref="Down"/> already delivered for it is removed from the
    /// mailbox, so none is ever received after this call.
    /// </summary>
    public bool Demonitor(MonitorRef reference, bool flush = false)
    {
        ProcessContext? target;
        lock (Gate)
        {
            if (_monitoring is null || !_monitoring.Remove(reference.Id, out target)) target = null;
        }

        // The target fires its watches under its gate, so after this either the watch is removed (no Down ever) or the
        // Down is already in the mailbox, where the flush finds it.
        bool active = target is not null && target.RemoveWatch(reference);
        if (flush) Mailbox.Purge(m => m is Down d && d.Ref == reference);
        return active;
    }

    /// <summary>The links and monitors, for the dump.</summary>
    internal (Pid[] Links, Pid[] Monitors, Pid[] MonitoredBy) Relations()
    {
        lock (Gate)
        {
            return (
                _links?.Select(p => p.Pid).ToArray() ?? [],
                _monitoring?.Values.Select(p => p.Pid).ToArray() ?? [],
                _watchers?.Values.Where(w => w.Watcher is not null).Select(w => w.Watcher!.Pid).ToArray() ?? []);
        }
    }

    /// <summary>Monitors on this process, including callers waiting for a GenServer reply.</summary>
    internal int WatcherCount
    {
        get
        {
            lock (Gate) return _watchers?.Count ?? 0;
        }
    }

    /// <summary>Adds a monitor on this process; false if it has already ended.</summary>
    internal bool TryAddWatch(Watch watch)
    {
        lock (Gate)
        {
            if (_dead) return false;
            (_watchers ??= [])[watch.Ref.Id] = watch;
            return true;
        }
    }

    internal bool RemoveWatch(MonitorRef reference)
    {
        lock (Gate) return _watchers?.Remove(reference.Id) == true;
    }

    /// <summary>Links two live processes, taking both gates in id order; false if <paramref name="b"/> is dead.</summary>
    internal static bool TryLink(ProcessContext a, ProcessContext b)
    {
        var (first, second) = a.Id < b.Id ? (a, b) : (b, a);
        lock (first.Gate)
        lock (second.Gate)
        {
            if (a._dead || b._dead) return false;
            (a._links ??= []).Add(b);
            (b._links ??= []).Add(a);
            return true;
        }
    }

    /// <summary>
    /// An exit signal arrives (Erlang's semantics): <paramref name="killable"/> Kill (from <c>Process.Exit</c>) always
    /// ends the process with <see cref="ExitReason.Killed"/>; otherwise a trapping process gets an <see cref="Weft.Actors.Exit"/>
    /// message, a normal reason is ignored, and any other reason ends the process with it.
    /// </summary>
    internal void ReceiveExitSignal(Pid from, ExitReason reason, bool killable)
    {
        if (_dead) return;
        if (reason.Kind == ExitKind.Kill && killable)
        {
            Terminate(ExitReason.Killed);
            return;
        }

        if (_trapExit)
        {
            Mailbox.Post(new Exit(from, reason), signal: true);
            return;
        }

        if (reason.Kind == ExitKind.Normal) return;
        Terminate(reason.Kind == ExitKind.Kill ? ExitReason.Killed : reason);
    }

    /// <summary>
    /// Ends the process once: marks it dead, closes its mailbox, fires its monitors, frees its name, then sends an exit
    /// signal to every linked process and drops its own monitors. Returns false if it had already ended.
    /// </summary>
    internal bool Terminate(ExitReason reason)
    {
        HashSet<ProcessContext>? links;
        Dictionary<long, ProcessContext>? monitoring;
        CancellationTokenSource? exited;
        lock (Gate)
        {
            if (_dead) return false;
            _reason = reason;
            _dead = true;
            links = _links;
            _links = null;
            monitoring = _monitoring;
            _monitoring = null;
            exited = _exited;
            var name = RegisteredName;
            Mailbox.Close();

            // Name and table entry go before anyone hears of the death, as in Erlang: a Down's receiver can reuse the name.
            if (name is not null) ProcessTable.ReleaseName(this, name);
            ProcessTable.Remove(this);
            if (_watchers is { } watchers)
            {
                // Under the gate: a concurrent Demonitor either removed its watch already or finds its Down queued.
                var pid = Pid;
                foreach (var watch in watchers.Values) watch.Fire(pid, reason);
                _watchers = null;
            }
        }

        if (links is not null)
        {
            var pid = Pid;
            foreach (var linked in links)
            {
                bool wasLinked;
                lock (linked.Gate) wasLinked = linked._links?.Remove(this) == true;
                if (wasLinked) linked.ReceiveExitSignal(pid, reason, killable: false);
            }
        }

        if (monitoring is not null)
            foreach (var (id, target) in monitoring) target.RemoveWatch(new MonitorRef(id));
        exited?.Cancel();
        return true;
    }
}
