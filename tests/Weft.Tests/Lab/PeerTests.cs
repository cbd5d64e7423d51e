using System.Diagnostics;
using Weft.Lab.Peers;

namespace Weft.Tests.Lab;

public sealed class PeerTests
{
    [Fact]
    public void Parses_results_checks_and_errors()
    {
        var parsed = PeerOutput.Parse("go", """
            building...
            result skynet ms 1561.250 ms
            check skynet sum 499999500000
            result spawn bytes_per_unit 2706 bytes

            error something broke
            """);
        Assert.Equal(2, parsed.Figures.Count);
        Assert.Equal(new Weft.Lab.Measurement.Figure("skynet", "ms", "go", 1561.25, "ms"), parsed.Figures[0]);
        Assert.Equal("go", parsed.Figures[1].Model);
        Assert.Equal("499999500000", parsed.Checks[("skynet", "sum")]);
        Assert.Equal(["something broke"], parsed.Errors);
    }

    [Fact]
    public void Malformed_lines_are_errors_and_windows_line_ends_are_fine()
    {
        var parsed = PeerOutput.Parse("node", "result skynet ms\r\nresult skynet ms abc ms\r\nresult sleep wakeups_per_s 1e3 1/s\r\ncheck x\r\n");
        Assert.Single(parsed.Figures);
        Assert.Equal(1000, parsed.Figures[0].Value);
        Assert.Equal(3, parsed.Errors.Count);
        Assert.Empty(PeerOutput.Parse("go", null).Figures);
    }

    [Fact]
    public void Expected_checks_are_the_workloads_answers()
    {
        Assert.Equal("499999500000", Peer.ExpectedCheck("skynet", "sum", 1_000_000));
        Assert.Equal("500000500000", Peer.ExpectedCheck("pingpong", "sum", 1_000_000));
        Assert.Null(Peer.ExpectedCheck("sleep", "sum", 1_000));
    }

    [Fact]
    public void Every_peer_has_its_program_and_only_known_workloads()
    {
        foreach (var peer in Peer.All)
        {
            Assert.True(Directory.Exists(peer.SourceDirectory), peer.SourceDirectory);
            Assert.NotEmpty(Directory.GetFiles(peer.SourceDirectory, "weftpeer.*"));
            Assert.All(peer.Workloads, w => Assert.NotNull(Weft.Lab.Workloads.WorkloadRegistry.Find(w)));
        }
    }

    /// <summary>A peer whose "program" is a shell script, to test the runner without Go, Erlang or Node.</summary>
    private sealed class ShellPeer(string script) : Peer
    {
        public override string Name => "go";
        public override string Tool => "sh";
        public override IReadOnlyList<string> Workloads { get; } = ["skynet"];
        public override string? Prepare(TimeSpan timeout) => null;
        public override ProcessStartInfo Command(string workload, long size) => ProcessRunner.Start("/bin/sh", null, "-c", script);
    }

    private static bool HasShell => File.Exists("/bin/sh");

    [Fact]
    public void A_peer_run_turns_its_output_into_figures()
    {
        if (!HasShell) return;
        var run = new ShellPeer("echo 'result skynet ms 12.5 ms'; echo 'check skynet sum 4999950000'").Run("skynet", 100_000, TimeSpan.FromSeconds(30));
        Assert.False(run.Failed, run.Note);
        Assert.Equal(12.5, run.Value("ms"));
    }

    [Fact]
    public void A_wrong_answer_a_crash_or_silence_fails_with_the_reason()
    {
        if (!HasShell) return;
        var wrong = new ShellPeer("echo 'result skynet ms 12.5 ms'; echo 'check skynet sum 7'").Run("skynet", 100_000, TimeSpan.FromSeconds(30));
        Assert.True(wrong.Failed);
        Assert.Contains("wrong answer", wrong.Note);
        var crash = new ShellPeer("echo 'panic: oops' >&2; exit 3").Run("skynet", 10, TimeSpan.FromSeconds(30));
        Assert.True(crash.Failed);
        Assert.Contains("exit code 3", crash.Note);
        Assert.Contains("panic: oops", crash.Note);
        var silent = new ShellPeer("true").Run("skynet", 10, TimeSpan.FromSeconds(30));
        Assert.True(silent.Failed);
        Assert.Contains("no result", silent.Note);
    }

    [Fact]
    public void A_peer_that_hangs_is_killed_at_its_time_bound()
    {
        if (!HasShell) return;
        var sw = Stopwatch.StartNew();
        var run = new ShellPeer("sleep 30").Run("skynet", 10, TimeSpan.FromMilliseconds(300));
        Assert.True(run.Failed);
        Assert.Contains("timed out", run.Note);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(20), $"took {sw.Elapsed}");
    }
}
