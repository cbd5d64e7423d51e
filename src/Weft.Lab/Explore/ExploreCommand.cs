using System.Diagnostics;
using Weft.Lab.Measurement;
using Weft.Lab.Output;
using Weft.Testing;

namespace Weft.Lab.Explore;

/// <summary>
/// The Lab's <c>explore</c> command (run the planted bugs under Sim.Explore and print what was found) and
/// <c>bench explore</c> (schedules to the first failure and cost per schedule, Weft against Microsoft.Coyote).
/// </summary>
public static class ExploreCommand
{
    /// <summary>The strategies explored, by the names the command line takes.</summary>
    public static SimStrategy Strategy(string name) => name switch
    {
        "random" => SimStrategy.Random,
        "pct" => SimStrategy.Pct(depth: 3),
        _ => throw new ArgumentException($"--strategy: unknown strategy '{name}'; known: random, pct"),
    };

    /// <summary>Explores each selected bug with each strategy and prints the report of the failure found.</summary>
    public static int Execute(string? bugs, string strategies, int iterations, int procs, TextWriter output)
    {
        if (iterations <= 0) throw new ArgumentException($"--iterations must be positive (got {iterations})");
        int missed = 0;
        foreach (var bug in Select(bugs))
        {
            foreach (var name in strategies.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var result = Sim.Search(iterations, Strategy(name), bug.Body, new SimOptions { MaxProcs = procs, Output = _ => { } });
                output.WriteLine($"== {bug.Name} ({bug.Description}), {name}:");
                if (result.Found)
                {
                    double us = result.WallTime.TotalMicroseconds / result.Schedules;
                    output.WriteLine($"found after {result.Schedules} schedule(s), {us:F1} µs per schedule");
                    output.WriteLine(result.Report);
                }
                else
                {
                    missed++;
                    output.WriteLine($"not found in {iterations} schedules");
                }
            }
        }

        return missed == 0 ? 0 : 1;
    }

    /// <summary>How many explorations (base seeds) the schedules-to-failure figure averages.</summary>
    public const int Explorations = 20;

    /// <summary>Schedules run back to back for the cost-per-schedule figure.</summary>
    public const int TimedSchedules = 500;

    /// <summary>Schedules run back to back for Coyote's cost-per-schedule figure (see <see cref="Bench"/>).</summary>
    public const int CoyoteTimedSchedules = 100;

    /// <summary>
    /// <c>bench explore</c>: per bug, strategy and model, the mean number of schedules to the first failure over
    /// <see cref="Explorations"/> explorations of up to 1,000 schedules, and the time per schedule over
    /// <see cref="TimedSchedules"/> schedules run to completion.
    /// </summary>
    public static int Bench(bool json, IReadOnlyList<string> models, TextWriter output, TextWriter error)
    {
        var figures = new List<Figure>();
        if (models.Contains("weft")) figures.AddRange(MeasureWeft());
        if (models.Contains("coyote"))
        {
            // Coyote's schedules cost milliseconds (a deadlocking one up to a second, its deadlock detection): 100 timed
            // schedules bound its run to minutes; the schedules-to-failure figure uses the same explorations as Weft's.
            var coyote = CoyotePeer.Measure(error, Explorations, CoyoteTimedSchedules);
            if (coyote is null) error.WriteLine("coyote: skipped (see the message above)");
            else figures.AddRange(coyote);
        }

        if (json)
        {
            JsonLines.Write(output, figures);
            return 0;
        }

        foreach (var group in figures.GroupBy(f => f.Name))
            output.WriteLine($"{group.Key,-36} " + string.Join("  ", group.Select(f => $"{f.Model} {f.Value:F1} {f.Unit}")));
        return 0;
    }

    /// <summary>The figure names of one bug and strategy: random keeps the plain names, PCT adds <c>_pct</c>.</summary>
    public static (string Schedules, string UsPerSchedule) FigureNames(string bug, string strategy) =>
        strategy == "random" ? ($"{bug}_schedules", $"{bug}_us_per_schedule") : ($"{bug}_{strategy}_schedules", $"{bug}_{strategy}_us_per_schedule");

    private static IEnumerable<Figure> MeasureWeft()
    {
        foreach (var bug in PlantedBugs.All)
        {
            foreach (var name in new[] { "random", "pct" })
            {
                var strategy = Strategy(name);
                double total = 0;
                for (int e = 0; e < Explorations; e++)
                {
                    var found = Sim.Search(1000, strategy, bug.Body, new SimOptions { BaseSeed = (ulong)(e + 1) * 7919, Shrink = false, Output = _ => { } });
                    total += found.Found ? found.Schedules : 1000;
                }

                var options = new SimOptions();
                Sim.OnDriverThread(() => Explorer.RunAll(50, strategy, bug.Body, options)); // warm-up
                var clock = Stopwatch.StartNew();
                Sim.OnDriverThread(() => Explorer.RunAll(TimedSchedules, strategy, bug.Body, options));
                double us = clock.Elapsed.TotalMicroseconds / TimedSchedules;
                var (schedules, usName) = FigureNames(bug.Name, name);
                yield return new Figure("explore", schedules, "weft", total / Explorations, "schedules");
                yield return new Figure("explore", usName, "weft", us, "us");
            }
        }
    }

    private static IEnumerable<PlantedBug> Select(string? bugs) =>
        bugs is null or "all" ? PlantedBugs.All : bugs.Split(',').Select(b => PlantedBugs.Named(b.Trim()));
}
