using System.Runtime.ExceptionServices;
using Weft.Scheduling;

namespace Weft.Testing;

/// <summary>
/// Deterministic simulation of goroutine code (docs/TESTING.md). <see cref="Run"/> runs a body on a runtime whose
/// every P is driven by one thread, with every scheduling choice taken from a seed and timers in virtual time: the
/// same seed gives the same interleaving, the same decision log and the same output. <see cref="Explore"/> runs
/// many schedules and stops at the first failure (an exception, a failed <see cref="Assert"/>, a deadlock, a leaked
/// goroutine) with the seed and the (shrunk) decision log that reproduce it.
/// </summary>
/// <example>
/// <code>
/// [Fact] public void CounterIsSafe() => Sim.Explore(1000, SimStrategy.Pct(), async () => { ... Sim.Assert(n == 2, "lost update"); });
/// </code>
/// </example>
public static class Sim
{
    /// <summary>
    /// Runs <paramref name="body"/> in the schedule chosen by <paramref name="seed"/> and returns the run; throws
    /// <see cref="SimFailureException"/> (with the decision log) if the schedule fails. Never a suspension point: it
    /// blocks the calling thread, which must not be a goroutine.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Called from a goroutine.</exception>
    /// <exception cref="SimFailureException">The schedule failed.</exception>
    public static SimRun Run(ulong seed, Func<GoTask> body, SimOptions? options = null)
    {
        var run = Execute(seed, body, options);
        if (run.Failure is { } failure) throw new SimFailureException(Report(failure, run, options ?? new SimOptions(), learnedSteps: 0), failure, run);
        return run;
    }

    /// <summary>As <see cref="Run"/>, but a failed schedule is returned (<see cref="SimRun.Failure"/>), not thrown.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Called from a goroutine.</exception>
    public static SimRun Execute(ulong seed, Func<GoTask> body, SimOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        options = Checked(options);
        return OnDriverThread(() => RunOne(seed, options.Strategy.Create(seed, learnedSteps: 0), body, options));
    }

    /// <summary>
    /// Runs <paramref name="body"/> with exactly the decisions of <paramref name="log"/> (option 0 past its end) and
    /// returns the run; throws <see cref="SimFailureException"/> if it fails.
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="InvalidOperationException">Called from a goroutine.</exception>
    /// <exception cref="SimFailureException">The schedule failed.</exception>
    public static SimRun Replay(DecisionLog log, Func<GoTask> body, SimOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(body);
        options = Checked(options);
        var run = OnDriverThread(() => RunOne(0, new LogChooser(log), body, options));
        if (run.Failure is { } failure) throw new SimFailureException(Report(failure, run, options, learnedSteps: 0), failure, run);
        return run;
    }

    /// <summary>
    /// Runs up to <paramref name="iterations"/> schedules chosen by <paramref name="strategy"/> and throws
    /// <see cref="SimFailureException"/> at the first that fails, after printing (to <see cref="SimOptions.Output"/>)
    /// the seed, the replay call and the decision log, shrunk. Returns the exploration when every schedule passed.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="iterations"/> is not positive.</exception>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="SimFailureException">A schedule failed.</exception>
    public static ExploreResult Explore(int iterations, SimStrategy strategy, Func<GoTask> body, SimOptions? options = null)
    {
        var result = Search(iterations, strategy, body, options);
        if (result.FailingRun is { } run) throw new SimFailureException(result.Report, run.Failure!, run);
        return result;
    }

    /// <summary>As <see cref="Explore"/>, but a failure is returned in the result (and printed), not thrown.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="iterations"/> is not positive.</exception>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static ExploreResult Search(int iterations, SimStrategy strategy, Func<GoTask> body, SimOptions? options = null)
    {
        if (iterations <= 0) throw new ArgumentOutOfRangeException(nameof(iterations), iterations, "Sim.Explore: iterations must be at least 1.");
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(body);
        options = Checked(options);
        return OnDriverThread(() => Explorer.Search(iterations, strategy, body, options));
    }

    /// <summary>The seed of schedule <paramref name="iteration"/> of an exploration from <paramref name="baseSeed"/>.</summary>
    public static ulong SeedOf(ulong baseSeed, int iteration) => SimSeeds.Mix(baseSeed + (ulong)iteration * 0xD1B54A32D192ED03UL);

    /// <summary>
    /// Fails the schedule when <paramref name="condition"/> is false (a <see cref="SimFailureKind.Assertion"/>).
    /// Usable anywhere; inside a simulation the failure stops the schedule and is reported with its decision log.
    /// </summary>
    /// <exception cref="SimAssertionException"><paramref name="condition"/> is false.</exception>
    public static void Assert(bool condition, string message)
    {
        if (!condition) throw new SimAssertionException(message);
    }

    /// <summary>True when the calling code runs inside a simulation (on its driver thread).</summary>
    public static bool IsSimulated => SimHooks.Current is not null;

    /// <summary>The virtual time elapsed in the current simulation (zero outside one).</summary>
    public static TimeSpan Elapsed => SimHooks.Current is Simulation sim ? TimeSpan.FromTicks((sim.Now - 1_000_000_000) / 100) : TimeSpan.Zero;

    // ---- internals ------------------------------------------------------------------------------------------

    private static SimOptions Checked(SimOptions? options)
    {
        options ??= new SimOptions();
        options.Validate();
        if (G.Current is not null)
            throw new InvalidOperationException("Sim.Run and Sim.Explore block their calling thread and cannot be called from a goroutine.");
        return options;
    }

    internal static SimRun RunOne(ulong seed, Chooser chooser, Func<GoTask> body, SimOptions options) =>
        new Simulation(options, chooser).Run(seed, body);

    /// <summary>
    /// Runs <paramref name="work"/> on a fresh thread with a clean ExecutionContext and no SynchronizationContext (a
    /// test framework's would otherwise leak into the goroutines), and waits for it.
    /// </summary>
    internal static T OnDriverThread<T>(Func<T> work)
    {
        T result = default!;
        ExceptionDispatchInfo? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception e)
            {
                error = ExceptionDispatchInfo.Capture(e);
            }
        }, maxStackSize: 16 * 1024 * 1024) { IsBackground = true, Name = "weft-sim" };
        thread.UnsafeStart();
#pragma warning disable WEFT001 // the caller is ordinary (test) code, checked not to be a goroutine
        thread.Join();
#pragma warning restore WEFT001
        error?.Throw();
        return result;
    }

    internal static string Report(SimFailure failure, SimRun run, SimOptions options, int learnedSteps, string? header = null, DecisionLog? shrunk = null)
    {
        var text = new System.Text.StringBuilder();
        if (header is not null) text.AppendLine(header);
        text.AppendLine($"{failure.Kind}: {failure.Message}");
        if (!run.Reproducible) text.AppendLine("(this run let uncontrolled code take part: it may not reproduce)");
        text.AppendLine($"seed: {run.Seed}  strategy: {options.Strategy.Describe(learnedSteps)}  procs: {options.MaxProcs}  steps: {run.Steps}");
        text.AppendLine($"replay by seed: Sim.Run({run.Seed}, body, new SimOptions {{ MaxProcs = {options.MaxProcs}, Strategy = {options.Strategy.Describe(learnedSteps)} }})");
        var log = shrunk ?? run.Decisions.TrimDefaults();
        text.AppendLine($"replay by log: Sim.Replay(DecisionLog.Parse(\"{log}\"), body)" +
                        (shrunk is null ? string.Empty : $"  (shrunk from {run.Decisions.Count} decisions to {shrunk.Count}, {shrunk.NonDefaultCount} non-default)"));
        return text.ToString();
    }
}
