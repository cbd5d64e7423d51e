using System.Globalization;

namespace Weft.Diagnostics;

/// <summary>
/// Parsed <c>WEFT_DEBUG</c> settings (Go's <c>GODEBUG</c>): comma-separated <c>name=value</c> pairs.
/// Unknown names are rejected so a typo does not silently do nothing.
/// </summary>
internal sealed record DebugSettings
{
    /// <summary>Print a SCHED line every this many milliseconds (0 = off).</summary>
    public int SchedTraceMilliseconds { get; init; }

    /// <summary>With schedtrace: also print every P, M and G (Go's <c>scheddetail</c>).</summary>
    public bool SchedDetail { get; init; }

    /// <summary>Print a one-time warning when sysmon hands off the P of a goroutine that blocks or hogs.</summary>
    public bool BlockWarn { get; init; }

    /// <summary>After printing the dump on SIGQUIT, exit with code 2 as Go does (default: keep running).</summary>
    public bool SigQuitExit { get; init; }

    public static readonly DebugSettings None = new();

    /// <exception cref="FormatException">A pair is malformed or names an unknown setting.</exception>
    public static DebugSettings Parse(string? text)
    {
        var settings = None;
        if (string.IsNullOrWhiteSpace(text)) return settings;
        foreach (var raw in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = raw.IndexOf('=');
            if (eq <= 0) throw new FormatException($"WEFT_DEBUG: expected name=value, got '{raw}'.");
            var name = raw[..eq].Trim();
            var value = raw[(eq + 1)..].Trim();
            if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) || n < 0)
                throw new FormatException($"WEFT_DEBUG: '{name}' needs a non-negative integer, got '{value}'.");
            settings = name switch
            {
                "schedtrace" => settings with { SchedTraceMilliseconds = n },
                "scheddetail" => settings with { SchedDetail = n != 0 },
                "blockwarn" => settings with { BlockWarn = n != 0 },
                "sigquitexit" => settings with { SigQuitExit = n != 0 },
                _ => throw new FormatException($"WEFT_DEBUG: unknown setting '{name}' (known: schedtrace, scheddetail, blockwarn, sigquitexit)."),
            };
        }

        return settings;
    }
}
