using Weft.Scheduling;

namespace Weft.Testing;

/// <summary>
/// How a simulation makes its scheduling choices. <see cref="Random"/> picks uniformly among the enabled options
/// at every choice; <see cref="Pct"/> is probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010): random
/// goroutine priorities plus <c>depth - 1</c> priority changes at random steps, which finds any bug of depth
/// <c>d</c> with probability at least 1/(n·k^(d-1)) per schedule.
/// </summary>
public abstract class SimStrategy
{
    private protected SimStrategy()
    {
    }

    /// <summary>Uniform random choice at every decision (Coyote's "random").</summary>
    public static SimStrategy Random { get; } = new RandomStrategy();

    /// <summary>PCT with bug depth <paramref name="depth"/> (Coyote's "prioritization").</summary>
    /// <param name="depth">The bug depth d: d - 1 priority change points per schedule (at least 1).</param>
    /// <param name="steps">
    /// The number of scheduling steps change points are drawn from. Null: learned while exploring (the longest
    /// schedule seen so far); a replay by seed must name the value the report printed.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">depth or steps is not positive.</exception>
    public static SimStrategy Pct(int depth = 3, int? steps = null)
    {
        if (depth < 1) throw new ArgumentOutOfRangeException(nameof(depth), depth, "SimStrategy.Pct: the bug depth must be at least 1.");
        if (steps is <= 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "SimStrategy.Pct: steps must be positive.");
        return new PctStrategy(depth, steps);
    }

    /// <summary>The chooser of one schedule. <paramref name="learnedSteps"/>: the longest schedule seen so far.</summary>
    internal abstract Chooser Create(ulong seed, int learnedSteps);

    /// <summary>C# that recreates this strategy for the schedule just run (a replay by seed).</summary>
    internal abstract string Describe(int learnedSteps);

    private sealed class RandomStrategy : SimStrategy
    {
        internal override Chooser Create(ulong seed, int learnedSteps) => new RandomChooser(seed);

        internal override string Describe(int learnedSteps) => "SimStrategy.Random";

        public override string ToString() => "random";
    }

    private sealed class PctStrategy(int depth, int? steps) : SimStrategy
    {
        internal override Chooser Create(ulong seed, int learnedSteps) => new PctChooser(seed, depth, steps ?? Math.Max(learnedSteps, 1));

        internal override string Describe(int learnedSteps) => $"SimStrategy.Pct(depth: {depth}, steps: {steps ?? Math.Max(learnedSteps, 1)})";

        public override string ToString() => $"pct(depth {depth})";
    }
}

/// <summary>
/// Makes the choices of one schedule. The simulation asks it; it never sees the decision log (the simulation
/// writes that), so a replay can swap it for a <see cref="LogChooser"/>.
/// </summary>
internal abstract class Chooser
{
    /// <summary>Index into <paramref name="runnable"/> of the goroutine to run next (Count &gt;= 2).</summary>
    public abstract int Next(IReadOnlyList<G> runnable);

    /// <summary>Should <paramref name="current"/> yield at an await point, with <paramref name="runnable"/> waiting (Count &gt;= 1)?</summary>
    public abstract bool Preempt(G current, IReadOnlyList<G> runnable);

    /// <summary>Any other choice: a value in [0, count).</summary>
    public abstract int Other(SimChoice kind, int count);
}

/// <summary>Uniform choices from one seeded generator.</summary>
internal sealed class RandomChooser(ulong seed) : Chooser
{
    private FastRandom _random = new(SimSeeds.Mix(seed));

    public override int Next(IReadOnlyList<G> runnable) => _random.NextBelow(runnable.Count);

    // Uniform among the enabled goroutines: the current one and every runnable one.
    public override bool Preempt(G current, IReadOnlyList<G> runnable) => _random.NextBelow(runnable.Count + 1) != 0;

    public override int Other(SimChoice kind, int count) => _random.NextBelow(count);
}

/// <summary>
/// PCT: each goroutine gets a random priority when first seen; the highest-priority runnable goroutine runs; at
/// each of <c>depth - 1</c> change points (steps drawn from [1, steps]) the goroutine about to run drops below
/// every other. Steps are counted at every scheduling point (a pick, or an await point where another could run).
/// </summary>
internal sealed class PctChooser : Chooser
{
    private FastRandom _random;
    private readonly HashSet<int> _changePoints = new();
    private readonly List<long> _byPriority = new(); // goroutine ids, highest priority first
    private int _step;

    public PctChooser(ulong seed, int depth, int steps)
    {
        _random = new FastRandom(SimSeeds.Mix(seed ^ 0x5043540000000000UL));
        for (int i = 1; i < depth && _changePoints.Count < steps; i++)
        {
            int point;
            do point = 1 + _random.NextBelow(steps);
            while (!_changePoints.Add(point));
        }
    }

    private int Rank(G g)
    {
        int rank = _byPriority.IndexOf(g.Id);
        if (rank >= 0) return rank;
        // First sight: a random place among the priorities handed out so far (above the lowered ones is fine:
        // lowered goroutines sit at the end, and a newcomer may land anywhere, as in PCT's initial assignment).
        rank = _random.NextBelow(_byPriority.Count + 1);
        _byPriority.Insert(rank, g.Id);
        return rank;
    }

    private void Lower(G g)
    {
        _byPriority.Remove(g.Id);
        _byPriority.Add(g.Id);
    }

    private int Highest(IReadOnlyList<G> runnable)
    {
        int best = 0, bestRank = int.MaxValue;
        for (int i = 0; i < runnable.Count; i++)
        {
            int rank = Rank(runnable[i]);
            if (rank < bestRank) (best, bestRank) = (i, rank);
        }

        return best;
    }

    public override int Next(IReadOnlyList<G> runnable)
    {
        int chosen = Highest(runnable);
        if (_changePoints.Contains(++_step))
        {
            Lower(runnable[chosen]);
            chosen = Highest(runnable);
        }

        return chosen;
    }

    public override bool Preempt(G current, IReadOnlyList<G> runnable)
    {
        Rank(current);
        if (_changePoints.Contains(++_step)) Lower(current);
        return Rank(runnable[Highest(runnable)]) < Rank(current);
    }

    public override int Other(SimChoice kind, int count) => _random.NextBelow(count);
}

/// <summary>Replays a decision log: its values in order, then option 0 for every later choice.</summary>
internal sealed class LogChooser(DecisionLog log) : Chooser
{
    private int _next;

    /// <summary>Choices that did not match the log's kind or count (the program is not the one logged).</summary>
    public int Divergences { get; private set; }

    private int Take(SimChoice kind, int count)
    {
        if (_next >= log.Count) return 0;
        var d = log.Decisions[_next++];
        if ((int)d.Kind != (int)kind || d.Count != count) Divergences++;
        return d.Value < count ? d.Value : 0;
    }

    public override int Next(IReadOnlyList<G> runnable) => Take(SimChoice.Next, runnable.Count);

    public override bool Preempt(G current, IReadOnlyList<G> runnable) => Take(SimChoice.Preempt, 2) != 0;

    public override int Other(SimChoice kind, int count) => Take(kind, count);
}

/// <summary>Seed arithmetic shared by runs and explorations.</summary>
internal static class SimSeeds
{
    /// <summary>SplitMix64's finalizer: spreads nearby seeds (1, 2, 3...) over the generator's state space.</summary>
    public static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        x ^= x >> 31;
        return x == 0 ? 1 : x;
    }
}
