namespace Weft.Actors;

/// <summary>The kinds of <see cref="ExitReason"/>.</summary>
public enum ExitKind
{
    /// <summary>The process finished its work (its body returned). Linked processes ignore it unless they trap exits.</summary>
    Normal,

    /// <summary>Asked to stop by its supervisor or owner; not an error (a transient child is not restarted).</summary>
    Shutdown,

    /// <summary>Sent with <see cref="Process.Exit"/>: ends the target even if it traps exits; it dies with <see cref="Killed"/>.</summary>
    Kill,

    /// <summary>The reason of a process ended by <see cref="Kill"/>.</summary>
    Killed,

    /// <summary>The process did not exist (a link or monitor to a dead pid).</summary>
    NoProc,

    /// <summary>The process's node became unreachable (remote links and monitors; see docs/DISTRIBUTION.md).</summary>
    NoConnection,

    /// <summary>An application-defined reason (<see cref="ExitReason.Custom"/>).</summary>
    Custom,

    /// <summary>The process's body threw (<see cref="ExitReason.Exception"/>).</summary>
    Exception,
}

/// <summary>
/// Why a process ended, Erlang's exit reason: <see cref="Normal"/>, <see cref="Shutdown"/>, <see cref="Kill"/>, a custom
/// value, or an exception. Compared by kind and value.
/// </summary>
public sealed class ExitReason : IEquatable<ExitReason>
{
    private ExitReason(ExitKind kind, object? value, Exception? exception)
    {
        Kind = kind;
        Value = value;
        Exception = exception;
    }

    /// <summary>The body returned.</summary>
    public static ExitReason Normal { get; } = new(ExitKind.Normal, null, null);

    /// <summary>An orderly stop requested by a supervisor or owner.</summary>
    public static ExitReason Shutdown { get; } = new(ExitKind.Shutdown, null, null);

    /// <summary>The untrappable kill signal (only as a signal; the victim's reason is <see cref="Killed"/>).</summary>
    public static ExitReason Kill { get; } = new(ExitKind.Kill, null, null);

    /// <summary>The reason of a killed process.</summary>
    public static ExitReason Killed { get; } = new(ExitKind.Killed, null, null);

    /// <summary>The target did not exist.</summary>
    public static ExitReason NoProc { get; } = new(ExitKind.NoProc, null, null);

    /// <summary>The target's node is unreachable.</summary>
    public static ExitReason NoConnection { get; } = new(ExitKind.NoConnection, null, null);

    /// <summary>The kind of reason.</summary>
    public ExitKind Kind { get; }

    /// <summary>The custom value (<see cref="ExitKind.Custom"/>, or the detail of a <see cref="ShutdownWith"/>), else null.</summary>
    public object? Value { get; }

    /// <summary>The exception that ended the process (<see cref="ExitKind.Exception"/>), else null.</summary>
    public Exception? Exception { get; }

    /// <summary>
    /// True for reasons that are not errors: <see cref="Normal"/> and <see cref="Shutdown"/> (with or without detail).
    /// A transient child ending with one of them is not restarted, and a supervisor does not log it.
    /// </summary>
    public bool IsNormalOrShutdown => Kind is ExitKind.Normal or ExitKind.Shutdown;

    /// <summary>An application-defined reason.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public static ExitReason Custom(object value) => new(ExitKind.Custom, value ?? throw new ArgumentNullException(nameof(value)), null);

    /// <summary>Erlang's <c>{shutdown, Detail}</c>: a shutdown that carries a detail and still counts as normal.</summary>
    public static ExitReason ShutdownWith(object detail) =>
        new(ExitKind.Shutdown, detail ?? throw new ArgumentNullException(nameof(detail)), null);

    /// <summary>The reason of a process whose body threw <paramref name="exception"/>.</summary>
    public static ExitReason FromException(Exception exception) =>
        new(ExitKind.Exception, null, exception ?? throw new ArgumentNullException(nameof(exception)));

    /// <inheritdoc />
    public bool Equals(ExitReason? other) =>
        other is not null && Kind == other.Kind && Equals(Value, other.Value) && ReferenceEquals(Exception, other.Exception);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ExitReason);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, Value, Exception);

    /// <summary>Erlang-like text: <c>normal</c>, <c>shutdown</c>, <c>{shutdown,detail}</c>, <c>killed</c>, the custom value, or the exception's type and message.</summary>
    public override string ToString() => Kind switch
    {
        ExitKind.Shutdown when Value is not null => $"{{shutdown,{Value}}}",
        ExitKind.Custom => Value!.ToString() ?? "custom",
        ExitKind.Exception => $"{Exception!.GetType().Name}: {Exception.Message}",
        _ => Kind.ToString().ToLowerInvariant() switch { "noproc" => "noproc", "noconnection" => "noconnection", var s => s },
    };
}
