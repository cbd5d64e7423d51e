using System.Diagnostics;
using System.Globalization;
using System.Text;
using Weft.Scheduling;

namespace Weft.Diagnostics;

/// <summary>
/// <c>WEFT_DEBUG=schedtrace=N</c>: every N ms, one line in the shape of Go's
/// <c>SCHED 1004ms: gomaxprocs=2 idleprocs=0 threads=6 spinningthreads=0 idlethreads=2 runqueue=0 [3 1]</c>.
/// </summary>
internal sealed class SchedTrace : IDisposable
{
    private readonly GoRuntime _runtime;
    private readonly Timer _timer;

    public SchedTrace(GoRuntime runtime, int periodMilliseconds)
    {
        _runtime = runtime;
        _timer = new Timer(static s => ((SchedTrace)s!).Print(), this, periodMilliseconds, periodMilliseconds);
    }

    private void Print()
    {
        // Format under the output lock: overlapping timer callbacks must not print their lines out of order.
        var output = _runtime.DiagnosticOutput;
        lock (output)
        {
            output.WriteLine(Format(_runtime));
            output.Flush();
        }
    }

    /// <summary>Formats one SCHED line for <paramref name="runtime"/> (racy snapshot, like Go's).</summary>
    internal static string Format(GoRuntime runtime)
    {
        var s = runtime.Scheduler;
        long ms = (long)Stopwatch.GetElapsedTime(runtime.StartedAt).TotalMilliseconds;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture,
            $"SCHED {ms}ms: gomaxprocs={s.MaxProcs} idleprocs={s.IdlePCount} threads={s.ThreadCount} " +
            $"spinningthreads={s.SpinningCount} idlethreads={s.IdleMCount} runqueue={s.GlobalQueue.Count} [");
        var allp = s.AllP;
        int n = Math.Min(s.MaxProcs, allp.Length);
        for (int i = 0; i < n; i++)
        {
            if (i > 0) sb.Append(' ');
            sb.Append(allp[i].RunQueue.Count.ToString(CultureInfo.InvariantCulture));
        }

        sb.Append(']');
        if (runtime.Debug.SchedDetail)
        {
            for (int i = 0; i < n; i++)
            {
                var p = allp[i];
                sb.Append(CultureInfo.InvariantCulture,
                    $"\n  P{p.Id}: status={p.Status} schedtick={p.SchedTick} m={(p.M?.Id.ToString(CultureInfo.InvariantCulture) ?? "-1")} runqsize={p.RunQueue.Count} timers={p.Timers.Count}");
            }

            foreach (var m in s.SnapshotMs())
            {
                sb.Append(CultureInfo.InvariantCulture,
                    $"\n  M{m.Id}: p={(m.P?.Id.ToString(CultureInfo.InvariantCulture) ?? "-1")} curg={(m.CurG?.Id.ToString(CultureInfo.InvariantCulture) ?? "-1")} spinning={m.Spinning}");
            }
        }

        return sb.ToString();
    }

    public void Dispose() => _timer.Dispose();
}
