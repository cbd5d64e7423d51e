using System.Diagnostics;

namespace Weft.Tests.Lab;

/// <summary>
/// <c>top</c> as a person sees it: the Lab runs in a tmux session of a fixed size and the test reads the screen with
/// <c>tmux capture-pane</c> until the live view shows the scheduler (skipped when tmux is not installed).
/// </summary>
[Collection("Lab")]
public sealed class TopCommandTests
{
    [SkippableFact]
    public void Top_ShowsPsMsGoroutinesAndRates_OnTheScreen()
    {
        var tmux = Which("tmux");
        Skip.If(tmux is null, "tmux is not installed (apt-get install tmux)");
        var lab = typeof(Weft.Lab.Program).Assembly.Location;
        var dotnet = Environment.ProcessPath!;
        string session = $"weft-top-{Environment.ProcessId}-{Guid.NewGuid():N}"[..28];
        Run(tmux!, "new-session", "-d", "-s", session, "-x", "160", "-y", "50",
            $"{dotnet} {lab} top pingpong --seconds 20 --refresh 100; sleep 30");
        try
        {
            string screen = "";
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                screen = Run(tmux!, "capture-pane", "-p", "-t", session);
                // The goroutine table changes every refresh: wait for a screen where pingpong's partner is parked.
                if (screen.Contains("per second", StringComparison.Ordinal) && screen.Contains("chan receive", StringComparison.Ordinal)
                    && screen.Contains("P0 ", StringComparison.Ordinal)) break;
                Thread.Sleep(100); // polling the screen: what a person would see next
            }

            Assert.Contains("weft top — workload pingpong", screen);
            Assert.Matches(@"P0\s", screen);               // the P table
            Assert.Matches(@"M\d+\s", screen);             // the M table
            Assert.Contains("chan receive", screen);       // goroutines by state: pingpong's waiting partner
            Assert.Contains("steals", screen);
            Assert.Contains("hand-offs", screen);
            Assert.Contains("preemptions", screen);
            Assert.Contains("channel ops", screen);
        }
        finally
        {
            Run(tmux!, "kill-session", "-t", session);
        }
    }

    private static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit(10_000);
        return output;
    }

    private static string? Which(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
            if (dir.Length > 0 && File.Exists(Path.Combine(dir, name))) return Path.Combine(dir, name);
        return null;
    }
}
