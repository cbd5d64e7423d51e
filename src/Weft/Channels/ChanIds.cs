namespace Weft.Channels;

/// <summary>
/// Hands out channel ids, the lock order of select. It must be one counter for the whole process: a static field of
/// the generic <c>Chan&lt;T&gt;</c> would exist once per element type, numbering a <c>Chan&lt;int&gt;</c> and a
/// <c>Chan&lt;long&gt;</c> both from 1, and a select over the two would then take one lock for two channels.
/// </summary>
internal static class ChanIds
{
    private static long s_last;

    internal static long Next() => Interlocked.Increment(ref s_last);
}
