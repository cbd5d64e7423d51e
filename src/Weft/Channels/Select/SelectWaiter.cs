using Weft.Scheduling;

namespace Weft.Channels;

/// <summary>
/// One case of a select while it waits: a waiter on one channel's queue. All cases of one select share a
/// <see cref="SelectState"/>, whose <see cref="SelectState.TryEnd"/> is the single "who won" rule: the first case to be
/// claimed wins, and every other case becomes a stale entry that wakers skip (Go's <c>selectDone</c>).
/// </summary>
internal sealed class SelectWaiter : Waiter
{
    internal SelectWaiter(SelectState state, int caseIndex)
    {
        State = state;
        CaseIndex = caseIndex;
    }

    internal readonly SelectState State;
    internal readonly int CaseIndex;

    /// <summary>The case's channel, or null (a nil channel case).</summary>
    internal ISelectableChan? Channel;

    /// <summary>The channel's <see cref="ISelectableChan.Id"/> (the lock order), copied at load time.</summary>
    internal long ChannelId;

    /// <summary>The channel is a timer's (<c>Time.After</c>, a Timer's or Ticker's C): polls must run its timer hooks.</summary>
    internal bool IsTimer;

    internal bool IsSend;

    /// <summary>Loads a nil channel's case: never ready, never locked.</summary>
    internal void LoadNil(bool send)
    {
        Channel = null;
        ChannelId = 0;
        IsTimer = false;
        IsSend = send;
    }

    internal override bool TryClaim() => State.TryEnd(SelectEnd.CaseWon, CaseIndex);

    internal override bool CanClaim => State.End == SelectEnd.Pending;

    internal override void Wake() => State.Wake();
}
