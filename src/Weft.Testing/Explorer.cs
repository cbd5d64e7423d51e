using System.Diagnostics;

namespace Weft.Testing;

/// <summary>Runs schedules until one fails, then shrinks its decision log. Driver thread only.</summary>
internal static class Explorer
{
    public static ExploreResult Search(int iterations, SimStrategy strategy, Func<GoTask> body, SimOptions options)
    {
        var perRun = new SimOptions
        {
            MaxProcs = options.MaxProcs,
            Strategy = strategy,
            MaxSteps = options.MaxSteps,
            CheckLeaks = options.CheckLeaks,
            AllowUncontrolled = options.AllowUncontrolled,
            PreemptAtAwaits = options.PreemptAtAwaits,
        };
        var output = options.Output ?? Console.WriteLine;
        int learnedSteps = 0;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < iterations; i++)
        {
            ulong seed = Sim.SeedOf(options.BaseSeed, i);
            int stepsForThisRun = learnedSteps;
            var run = Sim.RunOne(seed, strategy.Create(seed, stepsForThisRun), body, perRun);
            // PCT draws change points from the longest schedule seen so far (Coyote does the same).
            learnedSteps = Math.Max(learnedSteps, run.Steps + run.Decisions.Count);
            if (run.Failure is not { } failure) continue;

            var wall = clock.Elapsed;
            var shrunk = options.Shrink ? Shrink(run, failure, body, perRun, options.ShrinkBudget) : null;
            string report = Sim.Report(failure, run, perRun, stepsForThisRun,
                header: $"Sim.Explore ({strategy}, {options.MaxProcs} procs): schedule {i + 1} of {iterations} failed", shrunk: shrunk);
            output(report);
            return new ExploreResult(i + 1, run, shrunk, report, wall);
        }

        string summary = $"Sim.Explore ({strategy}, {options.MaxProcs} procs): {iterations} schedules, no failure ({clock.Elapsed.TotalMilliseconds:F0} ms)";
        return new ExploreResult(iterations, null, null, summary, clock.Elapsed);
    }

    /// <summary>
    /// Runs every one of <paramref name="iterations"/> schedules (no stop at a failure) and returns how many failed:
    /// the Lab's cost-per-schedule measurement. Driver thread only.
    /// </summary>
    internal static int RunAll(int iterations, SimStrategy strategy, Func<GoTask> body, SimOptions options)
    {
        int failures = 0, learnedSteps = 0;
        for (int i = 0; i < iterations; i++)
        {
            ulong seed = Sim.SeedOf(options.BaseSeed, i);
            var run = Sim.RunOne(seed, strategy.Create(seed, learnedSteps), body, options);
            learnedSteps = Math.Max(learnedSteps, run.Steps + run.Decisions.Count);
            if (run.Failure is not null) failures++;
        }

        return failures;
    }

    /// <summary>
    /// Shrinks a failing decision log: first the shortest prefix that still fails (every later choice takes option
    /// 0), then each remaining non-default decision set to 0 where the failure survives. "Still fails" means the
    /// same kind of failure (and exception type). Costs at most <paramref name="budget"/> replays.
    /// </summary>
    internal static DecisionLog Shrink(SimRun failing, SimFailure failure, Func<GoTask> body, SimOptions options, int budget)
    {
        var best = failing.Decisions.TrimDefaults();
        int replays = 0;

        bool TryCandidate(List<Decision> candidate)
        {
            if (replays++ >= budget) return false;
            var run = Sim.RunOne(0, new LogChooser(new DecisionLog(candidate)), body, options);
            if (run.Failure is not { } f || !f.SameAs(failure)) return false;
            var trimmed = run.Decisions.TrimDefaults();
            if (trimmed.Count > best.Count || (trimmed.Count == best.Count && trimmed.NonDefaultCount >= best.NonDefaultCount)) return false;
            best = trimmed;
            return true;
        }

        // 1. Prefixes: halve the length while the failure survives, then try shorter steps.
        for (int cut = best.Count / 2; cut >= 1 && replays < budget; cut /= 2)
        {
            while (cut <= best.Count && TryCandidate(best.Decisions.Take(best.Count - cut).ToList()))
            {
            }
        }

        // 2. Each non-default decision, from the end, to the default.
        for (int i = best.Count - 1; i >= 0 && replays < budget; i--)
        {
            if (i >= best.Count || best.Decisions[i].Value == 0) continue;
            var candidate = best.Decisions.ToList();
            candidate[i] = candidate[i] with { Value = 0 };
            TryCandidate(candidate);
        }

        return best;
    }
}
