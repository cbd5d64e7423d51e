namespace Weft.Actors;

/// <summary>A <see cref="GenServer.CallAsync"/> whose server ended (or did not exist) before it replied.</summary>
public sealed class CallFailedException : Exception
{
    /// <summary>A failed call to <paramref name="server"/>, which ended with <paramref name="reason"/>.</summary>
    public CallFailedException(Pid server, ExitReason reason)
        : base($"the call to {server} failed: the server {(reason.Kind == ExitKind.NoProc ? "does not exist" : $"exited ({reason})")}",
            reason.Exception)
    {
        Server = server;
        Reason = reason;
    }

    /// <summary>The server called.</summary>
    public Pid Server { get; }

    /// <summary>Why it ended (<see cref="ExitReason.NoProc"/>: it was not alive).</summary>
    public ExitReason Reason { get; }
}
