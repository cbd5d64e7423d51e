using Weft.Actors.Supervision;

namespace Weft.Actors;

/// <summary>
/// The supervisor behaviour: a GenServer that traps exits, starts its children in order, restarts them by its
/// strategy within the intensity limit, and stops them in reverse order. One instance per supervisor process; its
/// state is its fields (TState is the server itself).
/// </summary>
internal sealed class SupervisorServer(SupervisorOptions options, IReadOnlyList<ChildSpec> specs) : GenServer<SupervisorServer>
{
    private readonly List<Child> _children = [];       // start order
    private readonly Queue<long> _restarts = new();     // times (ms) of the restarts inside the sliding window
    private ChildInfo[] _view = [];                     // published after every change, for calls and the dump

    private bool Simple => options.Strategy == RestartStrategy.SimpleOneForOne;

    private protected override string DumpKind => "supervisor " + options.Strategy switch
    {
        RestartStrategy.OneForOne => "one_for_one",
        RestartStrategy.OneForAll => "one_for_all",
        RestartStrategy.RestForOne => "rest_for_one",
        _ => "simple_one_for_one",
    };

    private protected override IReadOnlyList<ChildInfo> DumpChildren => Volatile.Read(ref _view);

    protected override string? DescribeState(SupervisorServer state) =>
        $"intensity={options.Intensity}/{options.Period.TotalSeconds:0.###}s recent_restarts={_restarts.Count}";

    protected override async GoTask<SupervisorServer> InitAsync()
    {
        Self.TrapExit = true;
        if (Simple) return this;
        foreach (var spec in specs)
        {
            var child = new Child(spec, null);
            _children.Add(child);
            try
            {
                await StartAsync(child);
            }
            catch
            {
                _children.Remove(child);
                await StopAllAsync();
                throw;
            }
        }

        return this;
    }

    protected override async GoTask<(object? Reply, SupervisorServer State)> HandleCallAsync(object request, ReplyTo from, SupervisorServer state)
    {
        object? reply;
        try
        {
            reply = request switch
            {
                StartChild s => await StartChildAsync(s.Spec),
                StartDynamicChild d => await StartDynamicAsync(d.Argument),
                TerminateChild t => await TerminateAsync(t),
                RestartChild r => await RestartChildAsync(r.Id),
                DeleteChild d => Delete(d.Id),
                WhichChildren => Volatile.Read(ref _view),
                _ => throw new ArgumentException($"a supervisor does not understand {request}"),
            };
        }
        catch (Exception e) when (e is not ProcessExitException)
        {
            reply = new Refused(e);
        }

        return (reply, this);
    }

    protected override async GoTask<SupervisorServer> HandleInfoAsync(object message, SupervisorServer state)
    {
        switch (message)
        {
            case Exit exit when _children.Find(c => c.Pid == exit.From) is { } child:
                child.Pid = null;
                Publish();
                await ChildEndedAsync(child, exit.Reason);
                break;
            case RestartDue due:
                await RestartInOrderAsync(due.Children.Cast<Child>().ToList());
                break;
        }

        return this;
    }

    protected override async GoTask TerminateAsync(ExitReason reason, SupervisorServer state) => await StopAllAsync();

    private async GoTask ChildEndedAsync(Child child, ExitReason reason)
    {
        bool restart = child.Spec.Restart switch
        {
            RestartType.Permanent => true,
            RestartType.Transient => !reason.IsNormalOrShutdown,
            _ => false,
        };
        if (!restart)
        {
            if (child.Spec.Restart == RestartType.Temporary || Simple) _children.Remove(child);
            Publish();
            return;
        }

        if (!AddRestart()) Self.Exit(ExitReason.Shutdown); // intensity exceeded: TerminateAsync stops the rest
        List<Child> toRestart;
        switch (options.Strategy)
        {
            case RestartStrategy.OneForAll:
                await StopInReverseAsync(_children.Where(c => c != child).ToList());
                toRestart = _children.ToList();
                break;
            case RestartStrategy.RestForOne:
                var later = _children.Skip(_children.IndexOf(child) + 1).ToList();
                await StopInReverseAsync(later);
                toRestart = [child, .. later.Where(_children.Contains)];
                break;
            default:
                toRestart = [child];
                break;
        }

        foreach (var c in toRestart) c.Restarts++;
        if (options.Backoff is { } backoff)
        {
            long now = options.Clock();
            child.Consecutive = now - child.StartedAt >= backoff.Max.TotalMilliseconds ? 1 : child.Consecutive + 1;
            var self = Self.Pid;
            object[] due = [.. toRestart];
            Publish();
            Time.AfterFunc(backoff.Delay(child.Consecutive), () =>
            {
                Process.Send(self, new RestartDue(due)); // dropped if the supervisor has ended meanwhile
                return GoTask.CompletedTask;
            });
            return;
        }

        await RestartInOrderAsync(toRestart);
    }

    /// <summary>Starts each child that is still ours and down, in order. A start that fails counts as another restart and is retried.</summary>
    private async GoTask RestartInOrderAsync(List<Child> children)
    {
        for (int i = 0; i < children.Count; i++)
        {
            var c = children[i];
            if (!_children.Contains(c) || c.Pid is not null) continue;
            try
            {
                await StartAsync(c);
            }
            catch (Exception e) when (e is not ProcessExitException)
            {
                if (!AddRestart()) Self.Exit(ExitReason.Shutdown);
                Process.Send(Self.Pid, new RestartDue(children.Skip(i).ToArray<object>()));
                return;
            }
        }
    }

    private async GoTask StartAsync(Child child)
    {
        var pid = await child.Spec.StartWith(Self, child.Argument);
        child.Pid = pid;
        child.StartedAt = options.Clock();
        Self.Link(pid); // a child that already died shows up as Exit(pid, noproc) and is restarted like any other
        Publish();
    }

    private async GoTask<object> StartChildAsync(ChildSpec spec)
    {
        if (Simple) throw new InvalidOperationException("a simple_one_for_one supervisor starts children from its template: use StartChildAsync(supervisor, argument)");
        if (_children.Find(c => c.Spec.Id == spec.Id) is { } existing)
            throw new InvalidOperationException(existing.Pid is null
                ? $"a child with id '{spec.Id}' is already present (delete it first)"
                : $"a child with id '{spec.Id}' is already started as {existing.Pid}");
        return await AddAndStartAsync(new Child(spec, null));
    }

    private GoTask<object> StartDynamicAsync(object? argument)
    {
        if (!Simple) throw new InvalidOperationException("only a simple_one_for_one supervisor starts children from an argument; pass a ChildSpec");
        return AddAndStartAsync(new Child(specs[0], argument));
    }

    /// <summary>Appends a child and starts it; a child whose start fails is not kept.</summary>
    private async GoTask<object> AddAndStartAsync(Child child)
    {
        _children.Add(child);
        try
        {
            await StartAsync(child);
        }
        catch
        {
            _children.Remove(child);
            Publish();
            throw;
        }

        return child.Pid!.Value;
    }

    private async GoTask<object> TerminateAsync(TerminateChild request)
    {
        var child = request.Pid is { } pid
            ? _children.Find(c => c.Pid == pid) ?? throw new InvalidOperationException($"{pid} is not a child of this supervisor")
            : Find(request.Id!);
        await StopAsync(child);
        if (Simple || child.Spec.Restart == RestartType.Temporary) _children.Remove(child);
        Publish();
        return true;
    }

    private async GoTask<object> RestartChildAsync(string id)
    {
        var child = Find(id);
        if (child.Pid is not null) throw new InvalidOperationException($"the child '{id}' is running");
        await StartAsync(child);
        return child.Pid!.Value;
    }

    private object Delete(string id)
    {
        var child = Find(id);
        if (child.Pid is not null) throw new InvalidOperationException($"the child '{id}' is running; terminate it first");
        _children.Remove(child);
        Publish();
        return true;
    }

    private Child Find(string id)
    {
        if (Simple) throw new InvalidOperationException("simple_one_for_one children are addressed by pid");
        return _children.Find(c => c.Spec.Id == id) ?? throw new InvalidOperationException($"no child with id '{id}'");
    }

    /// <summary>OTP's sliding window: record this restart, forget those older than the period, compare with the intensity.</summary>
    private bool AddRestart()
    {
        long now = options.Clock();
        _restarts.Enqueue(now);
        while (now - _restarts.Peek() >= (long)options.Period.TotalMilliseconds) _restarts.Dequeue();
        return _restarts.Count <= options.Intensity;
    }

    private async GoTask StopAllAsync()
    {
        await StopInReverseAsync(_children.ToList());
        _children.RemoveAll(c => c.Spec.Restart == RestartType.Temporary || Simple);
        Publish();
    }

    /// <summary>Stops <paramref name="children"/> last-started first; temporary ones are forgotten.</summary>
    private async GoTask StopInReverseAsync(List<Child> children)
    {
        for (int i = children.Count - 1; i >= 0; i--)
        {
            await StopAsync(children[i]);
            if (children[i].Spec.Restart == RestartType.Temporary) _children.Remove(children[i]);
        }

        Publish();
    }

    /// <summary>
    /// OTP's shutdown of one child: monitor it, drop the link (and an Exit already queued from it), then kill it or
    /// ask it to shut down and wait for its Down, killing it when the timeout passes.
    /// </summary>
    private async GoTask StopAsync(Child child)
    {
        if (child.Pid is not { } pid) return;
        child.Pid = null;
        var monitor = Self.Monitor(pid);
        Self.Unlink(pid);
        Self.Mailbox.Purge(m => m is Exit e && e.From == pid);
        var policy = child.Spec.EffectiveShutdown;
        bool isDown(object m) => m is Down d && d.Ref == monitor;
        if (policy.IsBrutalKill)
        {
            Self.Exit(pid, ExitReason.Kill);
        }
        else
        {
            Self.Exit(pid, ExitReason.Shutdown);
            if (policy.Timeout is { } timeout)
            {
                if (await Self.ReceiveAsync(isDown, timeout) is not null) return;
                Self.Exit(pid, ExitReason.Kill);
            }
        }

        await Self.ReceiveAsync(isDown);
    }

    private void Publish() =>
        Volatile.Write(ref _view, _children.Select(c => new ChildInfo(c.Spec.Id, c.Pid, c.Spec.Type, c.Spec.Restart, c.Restarts)).ToArray());

    /// <summary>One child: its spec, its process while it runs, and its restart history.</summary>
    private sealed class Child(ChildSpec spec, object? argument)
    {
        internal ChildSpec Spec => spec;

        internal object? Argument => argument;

        internal Pid? Pid { get; set; }

        internal int Restarts { get; set; }

        internal int Consecutive { get; set; }

        internal long StartedAt { get; set; }
    }
}
