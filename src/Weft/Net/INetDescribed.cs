namespace Weft.Netpoll;

/// <summary>What an operation's error message names: the endpoints, and the deadline of a direction (UTC).</summary>
internal interface INetDescribed
{
    /// <summary>"tcp 127.0.0.1:8080->127.0.0.1:51234" (Go's spelling), built only when an error is thrown.</summary>
    string Describe();

    DateTime? DeadlineOf(IoMode mode);
}
