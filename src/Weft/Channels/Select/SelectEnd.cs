namespace Weft.Channels;

/// <summary>How a select ended: the one explicit outcome of <see cref="SelectState"/>, decided by <see cref="SelectState.TryEnd"/>.</summary>
internal enum SelectEnd
{
    /// <summary>Still waiting (or not parked yet).</summary>
    Pending = 0,

    /// <summary>A waker claimed one of the enqueued cases (<see cref="SelectState.Winner"/>).</summary>
    CaseWon,

    /// <summary>The final poll while parking found a case ready and completed it (<see cref="SelectState.ImmediateOutcome"/>).</summary>
    ReadyAtPark,

    /// <summary>The final poll while parking chose a send case whose channel was closed meanwhile.</summary>
    ClosedSendAtPark,

    /// <summary>The select's cancellation token won.</summary>
    Canceled,
}
