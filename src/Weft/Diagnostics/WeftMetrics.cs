using System.Diagnostics.Metrics;
using Weft.Scheduling;

namespace Weft.Diagnostics;

/// <summary>
/// The <c>Weft</c> meter (<see cref="System.Diagnostics.Metrics"/>), for <c>dotnet-counters monitor -n app Weft</c>
/// and OpenTelemetry. Every instrument is observable — read from the scheduler's own counters when a listener
/// collects — so the hot paths pay nothing for it. One measurement per live runtime, tagged <c>weft.runtime</c>
/// with <see cref="GoOptions.Name"/>.
/// </summary>
internal static class WeftMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Weft";

    private static Meter? s_meter;
    private static readonly object s_lock = new();

    /// <summary>Creates the meter and its instruments once per process (the first runtime does it).</summary>
    public static void EnsureCreated()
    {
        if (Volatile.Read(ref s_meter) is not null) return;
        lock (s_lock)
        {
            if (s_meter is not null) return;
            var meter = new Meter(MeterName, typeof(WeftMetrics).Assembly.GetName().Version?.ToString());
            meter.CreateObservableUpDownCounter("weft.goroutines", () => Each(s => s.LiveGoroutines),
                "{goroutine}", "Live goroutines (started and not exited).");
            meter.CreateObservableUpDownCounter("weft.goroutines.runnable", () => Each(Runnable),
                "{goroutine}", "Goroutines waiting in run queues (global and per-P).");
            meter.CreateObservableUpDownCounter("weft.threads", () => Each(s => s.ThreadCount),
                "{thread}", "OS threads (Ms) the runtime has started and not yet retired.");
            meter.CreateObservableUpDownCounter("weft.blocking_calls", () => Each(s => s.BlockingCount),
                "{call}", "Goroutines inside Go.Blocking right now.");
            meter.CreateObservableCounter("weft.steals", () => Each(s => Volatile.Read(ref s.StealCount)),
                "{steal}", "Successful steals from another P's run queue.");
            meter.CreateObservableCounter("weft.handoffs", () => Each(s => Volatile.Read(ref s.ImmediateHandoffs) + Sysmon(s, m => m.SyscallRetakes)),
                "{handoff}", "Ps handed to another thread because their goroutine was in a blocking call.");
            meter.CreateObservableCounter("weft.preemptions", () => Each(s => Sysmon(s, m => m.Preemptions)),
                "{preemption}", "Goroutines marked for preemption after running past their time slice.");
            meter.CreateObservableCounter("weft.stuck_retakes", () => Each(s => Sysmon(s, m => m.HogRetakes + m.BlockedRetakes)),
                "{retake}", "Ps taken from a goroutine step that kept its thread too long (a hog or an undeclared blocking call).");
            meter.CreateObservableCounter("weft.chan.sends", () => EachWithOutside(c => c.ChanSends),
                "{operation}", "Channel sends (awaited or TrySend; on a nil channel not counted), summed over the Ps.");
            meter.CreateObservableCounter("weft.chan.receives", () => EachWithOutside(c => c.ChanReceives),
                "{operation}", "Channel receives (awaited, with ok, or TryReceive; on a nil channel not counted), summed over the Ps.");
            meter.CreateObservableCounter("weft.selects", () => EachWithOutside(c => c.Selects),
                "{operation}", "Select statements run (one per Select call), summed over the Ps.");
            Volatile.Write(ref s_meter, meter);
        }
    }

    private static IEnumerable<Measurement<long>> Each(Func<Scheduler, long> read)
    {
        foreach (var runtime in LiveRuntimes.Snapshot())
            yield return new Measurement<long>(read(runtime.Scheduler), new KeyValuePair<string, object?>("weft.runtime", runtime.Options.Name));
    }

    /// <summary>Per runtime, the sum over its Ps; operations outside any runtime thread are reported under <c>weft.runtime</c> = "(outside)".</summary>
    private static IEnumerable<Measurement<long>> EachWithOutside(Func<PCounters, long> read)
    {
        foreach (var m in Each(s => read(ChanMetrics.Sum(s)))) yield return m;
        yield return new Measurement<long>(read(ChanMetrics.Outside), new KeyValuePair<string, object?>("weft.runtime", "(outside)"));
    }

    private static long Sysmon(Scheduler scheduler, Func<Sysmon, long> read) =>
        scheduler.SysmonOrNull is { } sysmon ? read(sysmon) : 0;

    private static long Runnable(Scheduler scheduler) => Tracing.TraceCounters.RunnableOf(scheduler);
}
