namespace Weft.Channels;

/// <summary>
/// Counts channel and select waits made by code outside any goroutine. Such a waiter is someone the runtime cannot
/// see who may still act (send, close), so while any is parked the deadlock check stays quiet.
/// </summary>
internal static class ExternalWaiters
{
    private static int s_count;

    public static int Count => Volatile.Read(ref s_count);

    public static void Enter() => Interlocked.Increment(ref s_count);

    public static void Exit() => Interlocked.Decrement(ref s_count);
}
