namespace Weft.Actors.GenServers;

/// <summary>A call in a server's mailbox.</summary>
internal sealed record CallRequest(object Request, ReplyTo From);

/// <summary>A cast in a server's mailbox.</summary>
internal sealed record CastRequest(object Message);

/// <summary>A request to stop with a reason (<see cref="GenServer.StopAsync"/>).</summary>
internal sealed record StopRequest(ExitReason Reason);
