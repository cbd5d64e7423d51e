using Weft.Timers;

namespace Weft.Scheduling;

/// <summary>
/// A machine: an OS thread owned by a runtime (Go's <c>m</c>). It runs goroutines only while it holds a P; idle,
/// it parks on its own <see cref="Parker"/> until a waker hands it a P through <see cref="NextP"/>.
/// </summary>
internal sealed class M
{
    [ThreadStatic] private static M? t_current;

    /// <summary>The M of the current thread, or null on threads the runtime does not own.</summary>
    internal static M? Current => t_current;

    internal readonly Scheduler Scheduler;
    internal readonly int Id;
    internal readonly Parker Parker = new();
    internal Thread? Thread;

    /// <summary>The P held, or null. Owner only (read racily by sysmon and diagnostics).</summary>
    internal P? P;

    /// <summary>The P handed over by the M that woke this one. Written before the unpark.</summary>
    internal P? NextP;

    /// <summary>Looking for work without having found any (counted in the scheduler's spinning count).</summary>
    internal bool Spinning;

    /// <summary>Link in the scheduler's idle-M stack. Under the scheduler lock.</summary>
    internal M? IdleLink;

    /// <summary>The goroutine being run, or null. Owner writes; read racily by diagnostics.</summary>
    internal volatile G? CurG;

    /// <summary>How many goroutines are running nested on this M through inline joins. Owner only.</summary>
    internal int InlineDepth;

    /// <summary>A goroutine claimed by a join handoff, to run next (already Running). Owner only.</summary>
    internal G? HandoffG;

    /// <summary>Woke from the timer sleep: run every P's due timers first.</summary>
    internal bool WokeForTimers;

    internal FastRandom Random;

    /// <summary>Scratch list for due timers. Owner only.</summary>
    internal readonly List<RuntimeTimer> DueTimers = new();

    internal M(Scheduler scheduler, int id)
    {
        Scheduler = scheduler;
        Id = id;
        Random = new FastRandom((ulong)Environment.TickCount64 * 0x9E3779B97F4A7C15UL + (ulong)id * 0xBF58476D1CE4E5B9UL);
    }

    /// <summary>Thread entry point.</summary>
    internal void ThreadMain()
    {
        t_current = this;
        Tasks.GoFrame.DefaultContext ??= ExecutionContext.Capture();
        Parker.UsePreciseTimers();
        try
        {
            Scheduler.RunM(this);
        }
        catch (Exception e)
        {
            Scheduler.Runtime.Fatal($"fatal error: M{Id}: {e}");
        }
        finally
        {
            t_current = null;
            Scheduler.OnMExit(this);
        }
    }

    public override string ToString() => $"M{Id}";
}
