namespace Weft.Tasks;

/// <summary>
/// Marks Weft's own awaiters. When a GoTask method awaits one, the builder hands the awaiter
/// <see cref="GoFrame.ParkToken"/> instead of a delegate, and the awaiter takes the suspending frame with
/// <see cref="GoFrame.TakeSuspending(Action, Scheduling.G)"/> and parks the goroutine itself (no delegate, no allocation).
/// Awaiting the same awaiter from ordinary async code passes a real delegate, which the awaiter must honour.
/// </summary>
internal interface IGoAwaiter
{
}
