using Weft.Timers;

namespace Weft.Scheduling;

/// <summary>
/// A machine: an OS thread owned by a runtime (Go's <c>m</c>). It runs goroutines only while it holds a P; idle,
/// it parks on its own <see cref="Parker"/> until a waker hands it a P through <see cref="NextP"/>.
/// </summary>
internal sealed class M : IIdleLinked<M>
{
    [ThreadStatic] private static M? t_current;

    /// <summary>The M of the current thread, or null on threads the runtime does not own.</summary>
    internal static M? Current => t_current;

    /// <summary>Weft.Testing: the thread driving a simulation becomes (or stops being, with null) its M.</summary>
    internal static void SetCurrentForSimulation(M? m) => t_current = m;

    /// <summary>Marks a P whose ownership sysmon is deciding (see <see cref="P.M"/>).</summary>
    internal static readonly M Retaking = new(null!, -1);

    internal readonly Scheduler Scheduler;
    internal readonly int Id;

    /// <summary>
    /// 1 while the M runs goroutine code outside any scheduler section, 0 in the scheduler (between steps, or in a
    /// section that uses the P). Sysmon retakes a P only from an M at 1. Owner writes; sysmon reads.
    /// </summary>
    internal volatile int InUserCode;

    /// <summary>Goroutine steps started on this M (sysmon: unchanged means one step is still running). Owner writes.</summary>
    internal long StepCount;

    /// <summary>The P held before a declared blocking call. Owner only.</summary>
    internal P? OldP;

    /// <summary>True while the M is inside a declared blocking call (<see cref="Go.Blocking(Action)"/>).</summary>
    internal volatile bool InBlockingCall;

    /// <summary>The goroutine locked to this M (LockOSThread, or a blocking call waiting for a P), or null. Owner only.</summary>
    internal G? LockedG;

    /// <summary>The OS thread id (Linux), for sysmon's blocked-thread check; 0 when unknown.</summary>
    internal int ThreadId;
    internal readonly Parker Parker = new();
    internal Thread? Thread;

    /// <summary>The P held, or null. Owner only (read racily by sysmon and diagnostics).</summary>
    internal P? P;

    /// <summary>The P handed over by the M that woke this one. Written before the unpark.</summary>
    internal P? NextP;

    /// <summary>Looking for work without having found any (counted in the scheduler's spinning count).</summary>
    internal bool Spinning;

    /// <summary>Link in the scheduler's idle-M set (<see cref="IdleSet{T}"/>). Under the scheduler lock.</summary>
    M? IIdleLinked<M>.IdleLink { get; set; }

    /// <summary>The goroutine being run, or null. Owner writes; read racily by diagnostics.</summary>
    internal volatile G? CurG;

    /// <summary>How many goroutines are running nested on this M through inline joins. Owner only.</summary>
    internal int InlineDepth;

    /// <summary>A goroutine claimed by a join handoff, to run next (already Running). Owner only.</summary>
    internal G? HandoffG;

    /// <summary>Woke from the timer sleep: run every P's due timers first.</summary>
    internal bool WokeForTimers;

    internal FastRandom Random;

    /// <summary>This thread's trace buffer, for the goroutine-step hooks (they run on the M's own thread). Owner only.</summary>
    internal Tracing.TraceBuffer? TraceBuffer;

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
        ThreadId = ThreadInspector.CurrentThreadId();
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
