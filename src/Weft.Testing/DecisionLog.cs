using System.Text;
using Weft.Scheduling;

namespace Weft.Testing;

/// <summary>What a decision of a simulated schedule chose between.</summary>
public enum DecisionKind
{
    /// <summary>Which runnable goroutine runs next (<c>N</c> in the text form).</summary>
    Next,

    /// <summary>Preempt at a Weft await point: 0 continues, 1 yields (<c>Y</c>).</summary>
    Preempt,

    /// <summary>Which P runs the chosen goroutine; another than the one it was readied on is a steal (<c>P</c>).</summary>
    Proc,

    /// <summary>One step of a select's random poll order (<c>S</c>).</summary>
    SelectOrder,

    /// <summary>The order of timers due at the same virtual instant (<c>T</c>).</summary>
    TimerTie,
}

/// <summary>One choice: <see cref="Value"/> out of <see cref="Count"/> options of kind <see cref="Kind"/>.</summary>
/// <param name="Kind">What was chosen.</param>
/// <param name="Value">The option taken, in [0, Count).</param>
/// <param name="Count">How many options there were (always at least 2: a choice of one is not logged).</param>
public readonly record struct Decision(DecisionKind Kind, int Value, int Count)
{
    /// <inheritdoc />
    public override string ToString() => $"{Letter(Kind)}{Value}/{Count}";

    internal static char Letter(DecisionKind kind) => "NYPST"[(int)kind];
}

/// <summary>
/// The decisions of one simulated schedule, in order. <see cref="Sim.Replay"/> runs a program again with exactly
/// these choices (and option 0 for every choice past the end), so a log is a complete reproducer; its text form
/// (<c>N1/3 Y0/2 S1/2 ...</c>) round-trips through <see cref="Parse"/>.
/// </summary>
public sealed class DecisionLog
{
    private readonly List<Decision> _decisions;

    /// <summary>A log of the given decisions.</summary>
    public DecisionLog(IEnumerable<Decision> decisions) => _decisions = new List<Decision>(decisions ?? throw new ArgumentNullException(nameof(decisions)));

    internal DecisionLog() => _decisions = new List<Decision>();

    /// <summary>The decisions, in order.</summary>
    public IReadOnlyList<Decision> Decisions => _decisions;

    /// <summary>Number of decisions.</summary>
    public int Count => _decisions.Count;

    /// <summary>Decisions that took another option than 0 (the default a replay takes past the end).</summary>
    public int NonDefaultCount => _decisions.Count(d => d.Value != 0);

    internal void Add(SimChoice kind, int value, int count) => _decisions.Add(new Decision((DecisionKind)kind, value, count));

    /// <summary>The log without its trailing default (0) decisions, which a replay takes anyway.</summary>
    internal DecisionLog TrimDefaults()
    {
        int n = _decisions.Count;
        while (n > 0 && _decisions[n - 1].Value == 0) n--;
        return new DecisionLog(_decisions.Take(n));
    }

    /// <summary>The text form: decisions separated by spaces (<c>N1/3 Y0/2</c>).</summary>
    public override string ToString()
    {
        var text = new StringBuilder(_decisions.Count * 5);
        foreach (var d in _decisions)
        {
            if (text.Length > 0) text.Append(' ');
            text.Append(d.ToString());
        }

        return text.ToString();
    }

    /// <summary>Reads the text form written by <see cref="ToString"/>.</summary>
    /// <exception cref="FormatException">A token is not <c>K value/count</c> with K one of N, Y, P, S, T.</exception>
    public static DecisionLog Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var log = new DecisionLog();
        foreach (var token in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int kind = "NYPST".IndexOf(token[0]);
            int slash = token.IndexOf('/');
            if (kind < 0 || slash < 2 || !int.TryParse(token.AsSpan(1, slash - 1), out int value) ||
                !int.TryParse(token.AsSpan(slash + 1), out int count) || value < 0 || value >= count)
                throw new FormatException($"DecisionLog.Parse: '{token}' is not a decision (expected e.g. N1/3: a kind letter N, Y, P, S or T, the option, '/', the number of options).");
            log._decisions.Add(new Decision((DecisionKind)kind, value, count));
        }

        return log;
    }
}
