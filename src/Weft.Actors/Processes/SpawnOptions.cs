namespace Weft.Actors;

/// <summary>How to start a process.</summary>
public sealed record SpawnOptions
{
    /// <summary>The default: an unbounded mailbox, no name, exits not trapped.</summary>
    public static SpawnOptions Default { get; } = new();

    /// <summary>Start trapping exits (as if the body's first act were <c>self.TrapExit = true</c>, but without the race).</summary>
    public bool TrapExit { get; init; }

    /// <summary>
    /// 0 (the default): an unbounded mailbox, as in Erlang. Positive: at most that many messages are held; then
    /// <see cref="Process.SendAsync"/> parks the sender, <see cref="Process.TrySend"/> returns false and
    /// <see cref="Process.Send(Pid, object)"/> throws.
    /// </summary>
    public int MailboxCapacity
    {
        get => _capacity;
        init => _capacity = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(MailboxCapacity), value, "a mailbox capacity is 0 (unbounded) or positive");
    }

    /// <summary>A name to register the process under before it runs (<see cref="Process.WhereIs"/>).</summary>
    public string? Name { get; init; }

    private readonly int _capacity;
}
