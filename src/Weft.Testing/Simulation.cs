using System.Collections.Concurrent;
using Weft.Scheduling;
using Weft.Tasks;
using Weft.Timers;

namespace Weft.Testing;

/// <summary>
/// One simulated schedule: a runtime whose Ps are all driven by the current thread, one goroutine step at a time,
/// with every choice taken from a <see cref="Chooser"/> and written to a <see cref="DecisionLog"/>.
/// </summary>
/// <remarks>
/// <para>The driver loop (docs/TESTING.md, "The driver"):</para>
/// <list type="number">
/// <item>Goroutines made runnable (spawned, readied by a channel, a lock or a timer) are not queued on a P: the
///   scheduler's Ready hook hands them here, with the P that readied them.</item>
/// <item>While any is runnable, the chooser picks one (N) and the P that runs it (P: its own, or another, a steal);
///   the driver claims it and runs one step on its single M. At Weft await points that could complete at once,
///   the chooser may preempt it (Y). Select's poll order (S) comes from the same chooser.</item>
/// <item>When none is runnable, virtual time jumps to the earliest timer; timers due at the same instant fire in
///   an order the chooser picks (T).</item>
/// <item>Nothing runnable and no timer: done, a deadlock (the body has not returned), or leaked goroutines.</item>
/// </list>
/// </remarks>
internal sealed class Simulation : ISimulation
{
    /// <summary>Virtual time starts here (not at 0, which timers use for "none").</summary>
    private const long StartTime = 1_000_000_000;

    private readonly SimOptions _options;
    private readonly Chooser _chooser;
    private readonly DecisionLog _log = new();
    private readonly GoRuntime _runtime;
    private readonly Scheduler _scheduler;
    private readonly M _m;
    private readonly Thread _driver;

    /// <summary>Runnable goroutines and the P each was readied on (-1: from outside). Driver thread only.</summary>
    private readonly List<G> _runnable = new();
    private readonly List<int> _readiedOn = new();

    /// <summary>Goroutines readied by threads outside the simulation (partial control).</summary>
    private readonly ConcurrentQueue<G> _inbox = new();
    private readonly SemaphoreSlim _inboxSignal = new(0);

    private readonly List<RuntimeTimer> _due = new();
    private long _now = StartTime;
    private int _steps;
    private SimFailure? _failure;
    private bool _reproducible = true;
    private volatile bool _finished;

    internal Simulation(SimOptions options, Chooser chooser)
    {
        _options = options;
        _chooser = chooser;
        _driver = Thread.CurrentThread;
        _runtime = new GoRuntime(new GoOptions
        {
            MaxProcs = options.MaxProcs,
            Name = "sim",
            Debug = string.Empty,
            DetectDeadlocks = false,
            PanicHandler = OnPanic,
        });
        _scheduler = _runtime.Scheduler;
        _scheduler.Sim = this;
        _m = new M(_scheduler, 0) { Thread = _driver, ThreadId = ThreadInspector.CurrentThreadId() };
        // The single M owns every P: whichever it runs a goroutine on, the scheduler's own-P sections succeed.
        foreach (var p in _scheduler.AllP)
        {
            p.Status = PStatus.Running;
            p.M = _m;
        }

        _m.P = _scheduler.AllP[0];
    }

    public long Now => _now;

    /// <summary>Runs <paramref name="body"/> to the end of its schedule. Call on a thread that runs nothing else meanwhile.</summary>
    internal SimRun Run(ulong seed, Func<GoTask> body)
    {
        GoFrame.DefaultContext ??= ExecutionContext.Capture();
        M.SetCurrentForSimulation(_m);
        SimHooks.Enter(this);
        try
        {
            GoTask main;
            try
            {
                main = _runtime.Spawn(body);
            }
            catch (Exception e)
            {
                return Finish(seed, new SimFailure(SimFailureKind.Exception, $"the body threw before its first await: {e.Message}", e));
            }

            bool mainReported = false;
            while (_failure is null)
            {
                if (!mainReported && main.IsCompleted)
                {
                    mainReported = true;
                    if (!main.IsCompletedSuccessfully) Fail(FailureOf(main));
                    else if (!_options.CheckLeaks) break;
                    continue;
                }

                DrainInbox();
                if (_runnable.Count > 0)
                {
                    if (++_steps > _options.MaxSteps)
                    {
                        Fail(new SimFailure(SimFailureKind.StepLimit,
                            $"the schedule ran {_options.MaxSteps} goroutine steps without ending (a livelock, or raise SimOptions.MaxSteps)\n\n{_runtime.Dump()}"));
                        break;
                    }

                    RunOneStep();
                    continue;
                }

                if (AdvanceToNextTimer()) continue;
                if (_options.AllowUncontrolled && WaitForOutside()) continue;
                break; // quiescent
            }

            if (_failure is null)
            {
                if (!main.IsCompleted)
                    Fail(new SimFailure(SimFailureKind.Deadlock, $"{DeadlockException.Headline}\n\n{_runtime.Dump()}", new DeadlockException(_runtime.Dump())));
                else if (_options.CheckLeaks && _scheduler.LiveGoroutines > 0)
                    Fail(new SimFailure(SimFailureKind.LeakedGoroutine,
                        $"{_scheduler.LiveGoroutines} goroutine(s) still blocked after the body returned and every other goroutine ran:\n\n{_runtime.Dump()}"));
            }

            return Finish(seed, _failure);
        }
        finally
        {
            _finished = true;
            SimHooks.Exit();
            M.SetCurrentForSimulation(null);
            _runtime.ShutdownAsync();
        }
    }

    private SimRun Finish(ulong seed, SimFailure? failure) =>
        new(seed, _log, _steps, TimeSpan.FromTicks((_now - StartTime) / 100), failure, _reproducible);

    private static SimFailure FailureOf(GoTask main)
    {
        try
        {
            main.GetAwaiter().GetResult();
            return new SimFailure(SimFailureKind.Exception, "the body failed");
        }
        catch (Exception e)
        {
            return Classify(e, "the body");
        }
    }

    private static SimFailure Classify(Exception e, string where) => e switch
    {
        SimAssertionException a => new SimFailure(SimFailureKind.Assertion, $"assertion failed in {where}: {a.Message}", a),
        SimEscapeException x => new SimFailure(SimFailureKind.Escape, x.Message, x),
        _ => new SimFailure(SimFailureKind.Exception, $"{where} threw {e.GetType().Name}: {e.Message}", e),
    };

    private void Fail(SimFailure failure) => _failure ??= failure;

    private void OnPanic(GoroutinePanic panic) => Fail(Classify(panic.Exception, $"goroutine {panic.GoroutineId}"));

    // ---- the driver loop ------------------------------------------------------------------------------

    private void RunOneStep()
    {
        int index = Choose(SimChoice.Next, _runnable.Count);
        var g = _runnable[index];
        int readiedOn = _readiedOn[index];
        _runnable.RemoveAt(index);
        _readiedOn.RemoveAt(index);

        // Which P runs it: the one it was readied on is a local run; any other is a steal.
        var allp = _scheduler.AllP;
        int procs = _scheduler.MaxProcs;
        int proc = Choose(SimChoice.Proc, procs);
        if (readiedOn >= 0 && proc != readiedOn) Interlocked.Increment(ref _scheduler.StealCount);
        var p = allp[proc];
        _m.P = p;

        if (!g.TryClaimToRun())
            throw new InvalidOperationException($"Simulation: goroutine {g.Id} was queued but not runnable ({g.Status}).");
        p.SchedTick++;
        _m.CurG = g;
        _m.StepCount++;
        _m.InUserCode = 1;
        bool requeue = g.Execute(_m);
        _m.InUserCode = 0;
        _m.CurG = null;
        if (requeue) Enqueue(g, proc); // yielded or preempted: runnable again at once
    }

    private bool AdvanceToNextTimer()
    {
        long next = _scheduler.EarliestTimer();
        if (next == 0) return false;
        if (next > _now) _now = next; // the clock jumps only when nothing can run
        var allp = _scheduler.AllP;
        int procs = _scheduler.MaxProcs;
        for (int i = 0; i < procs; i++) allp[i].Timers.TakeDue(_now, _due);
        // Ties (every timer due by now): fire in a chosen order (a Fisher-Yates shuffle driven by the chooser).
        for (int i = _due.Count - 1; i > 0; i--)
        {
            int j = Choose(SimChoice.TimerTie, i + 1);
            (_due[i], _due[j]) = (_due[j], _due[i]);
        }

        try
        {
            _m.P = allp[0];
            foreach (var timer in _due) timer.Fire(_now);
        }
        finally
        {
            _due.Clear();
        }

        return true;
    }

    private void Enqueue(G g, int proc)
    {
        _runnable.Add(g);
        _readiedOn.Add(proc);
    }

    // ---- partial control ------------------------------------------------------------------------------

    private void DrainInbox()
    {
        while (_inbox.TryDequeue(out var g)) Enqueue(g, -1);
    }

    /// <summary>How long the driver waits for uncontrolled code that may still ready a goroutine before calling it a deadlock.</summary>
    private static readonly TimeSpan UncontrolledGrace = TimeSpan.FromMilliseconds(200);

    /// <summary>Hang guard for an outstanding foreign await.</summary>
    private static readonly TimeSpan UncontrolledHangGuard = TimeSpan.FromSeconds(30);

    /// <summary>Nothing runnable, no timer: wait (in real time) for code outside the simulation to ready a goroutine.</summary>
    private bool WaitForOutside()
    {
        bool outstanding = _scheduler.Registry.Snapshot().Any(g => !g.Exited && g.ForeignAwaitsOutstanding > 0);
#pragma warning disable WEFT001 // the driver is a plain thread waiting for uncontrolled code, by the user's choice (AllowUncontrolled)
        return _inboxSignal.Wait(outstanding ? UncontrolledHangGuard : UncontrolledGrace);
#pragma warning restore WEFT001
    }

    // ---- ISimulation ------------------------------------------------------------------------------------

    public void OnReady(G g)
    {
        if (Thread.CurrentThread == _driver)
        {
            Enqueue(g, _m.P?.Id ?? -1);
            return;
        }

        if (_finished) return;
        if (!_options.AllowUncontrolled)
        {
            Fail(new SimFailure(SimFailureKind.Escape,
                $"goroutine {g.Id} was readied by thread '{Thread.CurrentThread.Name ?? Environment.CurrentManagedThreadId.ToString()}' outside the simulation " +
                $"(it was waiting on {g.Reason}). Only goroutines of the simulation may wake each other; set SimOptions.AllowUncontrolled for a non-reproducible run."));
        }

        _reproducible = false;
        _inbox.Enqueue(g);
        _inboxSignal.Release();
    }

    public bool ShouldPreempt(G g)
    {
        if (!_options.PreemptAtAwaits || Thread.CurrentThread != _driver) return false;
        DrainInbox();
        if (_runnable.Count == 0) return false; // nobody else could run: no choice to make
        bool yield = _chooser.Preempt(g, _runnable);
        _log.Add(SimChoice.Preempt, yield ? 1 : 0, 2);
        return yield;
    }

    public int Choose(SimChoice kind, int count)
    {
        if (count <= 1) return 0;
        int value = kind == SimChoice.Next ? _chooser.Next(_runnable) : _chooser.Other(kind, count);
        _log.Add(kind, value, count);
        return value;
    }

    public void OnForeignAwait(G g, GoFrame frame)
    {
        if (_options.AllowUncontrolled)
        {
            _reproducible = false;
            return;
        }

        var escape = new SimEscapeException(
            $"goroutine {g.Id} awaits something the simulation does not control in {AwaitSite(frame)}: a Task or ValueTask that " +
            "completes on the ThreadPool or another thread. Await Weft operations (channels, Go.Sleep, Go.Yield, Sync) inside a " +
            "simulation, or set SimOptions.AllowUncontrolled for a non-reproducible run.");
        Fail(new SimFailure(SimFailureKind.Escape, escape.Message, escape));
    }

    /// <summary>The method an async frame belongs to, from its state machine's name (<c>&lt;Method&gt;d__3</c> in <c>Type</c>).</summary>
    internal static string AwaitSite(GoFrame frame)
    {
        var type = frame.GetType();
        var machine = type.IsGenericType ? type.GetGenericArguments()[0] : type;
        string name = machine.Name;
        int open = name.IndexOf('<'), close = name.IndexOf('>');
        string method = open == 0 && close > 1 ? name[1..close] : name;
        var declaring = machine.DeclaringType;
        while (declaring is not null && declaring.Name.StartsWith('<')) declaring = declaring.DeclaringType; // closures
        return declaring is null ? method : $"{declaring.FullName?.Replace('+', '.')}.{method}";
    }
}

/// <summary>A goroutine of a simulation awaited something the simulation cannot control.</summary>
public sealed class SimEscapeException(string message) : Exception(message);
