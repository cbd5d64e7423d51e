using System.Runtime.CompilerServices;
using Weft.Tasks;

namespace Weft.Scheduling;

/// <summary>
/// Checks an M's thread for a changed ExecutionContext without a thread-static lookup (which costs a call into the
/// loader on Linux): CoreLib keeps the context in <c>Thread._executionContext</c>, null for the default one, and each
/// M knows its own Thread object. If a future runtime renames the field, the check falls back to
/// <see cref="ExecutionContext.Capture"/>.
/// </summary>
internal static class ThreadContexts
{
    private static readonly bool s_fieldAvailable = Probe();

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_executionContext")]
    private static extern ref ExecutionContext? ContextOf(Thread thread);

    /// <summary>True when <paramref name="thread"/> (the calling thread) runs under a non-default context.</summary>
    public static bool HasNonDefault(Thread thread) =>
        s_fieldAvailable ? ContextOf(thread) is not null : !ReferenceEquals(ExecutionContext.Capture(), GoFrame.DefaultContext);

    /// <summary>Puts the calling thread back on the default context.</summary>
    public static void RestoreDefault()
    {
        if (GoFrame.DefaultContext is { } baseline) ExecutionContext.Restore(baseline);
    }

    private static bool Probe()
    {
        try
        {
            _ = ContextOf(Thread.CurrentThread);
            return true;
        }
        catch (MissingFieldException)
        {
            return false;
        }
    }
}
