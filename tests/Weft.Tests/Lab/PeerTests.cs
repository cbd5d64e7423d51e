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
        Assert.Equal([("skynet", "sum", "499999500000")], parsed.Checks);
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
            Assert.Contains(Directory.GetFiles(peer.SourceDirectory), f => Path.GetFileName(f).StartsWith("weftpeer.", StringComparison.OrdinalIgnoreCase));
            Assert.All(peer.Workloads, w => Assert.NotNull(Weft.Lab.Workloads.WorkloadRegistry.Find(w)));
        }
    }

    [Fact]
    public void Result_lines_split_into_runs_where_a_figure_repeats()
    {
        var parsed = PeerOutput.Parse("go", """
            result spawn bytes_per_unit 2700 bytes
            result spawn ns_per_spawn 900 ns
            result spawn bytes_per_unit 2600 bytes
            result spawn ns_per_spawn 800 ns
            check spawn n 1
            result spawn bytes_per_unit 2650 bytes
            result spawn ns_per_spawn 850 ns
            """);
        Assert.Equal([2, 2, 2], parsed.Runs.Select(r => r.Count));
        Assert.Equal([2700.0, 2600, 2650], parsed.Runs.Select(r => r[0].Value));
    }

    /// <summary>
    /// A peer whose "program" is a shell script, to test the runner without Go, Erlang or Node. The script sees the
    /// arguments the Lab passes to a real peer program as $1..$4.
    /// </summary>
    private sealed class ShellPeer(string script) : Peer
    {
        public override string Name => "go";
        public override string Tool => "sh";
        public override IReadOnlyList<string> Workloads { get; } = ["skynet"];
        public override string? Prepare(TimeSpan timeout) => null;
        public override ProcessStartInfo Command(string workload, long size, long warmupSize, int repeats) =>
            ProcessRunner.Start("/bin/sh", null, ["-c", script, "peer", .. Arguments(workload, size, warmupSize, repeats)]);
    }

    private static readonly Weft.Lab.Workloads.Workload Skynet = new Weft.Lab.Workloads.SkynetWorkload();

    [Fact]
    public void A_peer_gets_the_in_process_protocol_and_reports_its_median_run()
    {
        if (!HasShell) return;
        // The program echoes its arguments and prints one run per repeat, with times 30, 10, 20 ms.
        var script = """
            echo "args $1 $2 $3 $4"
            [ "$1 $2 $3 $4" = "skynet 100000 10000 3" ] || { echo "error wrong arguments: $*"; exit 1; }
            for ms in 30 10 20; do echo "result skynet ms $ms ms"; echo "check skynet sum 4999950000"; done
            """;
        var run = new ShellPeer(script).Run(Skynet, 100_000, warmup: true, TimeSpan.FromSeconds(30));
        Assert.False(run.Failed, run.Note);
        Assert.Equal(20, run.Value("ms"));
        Assert.Equal(100_000, run.Size);

        var noWarmup = new ShellPeer("""[ "$3 $4" = "0 3" ] && for ms in 1 2 3; do echo "result skynet ms $ms ms"; done""")
            .Run(Skynet, 100_000, warmup: false, TimeSpan.FromSeconds(30));
        Assert.False(noWarmup.Failed, noWarmup.Note);
        Assert.Equal(2, noWarmup.Value("ms"));

        var tooFew = new ShellPeer("echo 'result skynet ms 12.5 ms'").Run(Skynet, 100_000, warmup: true, TimeSpan.FromSeconds(30));
        Assert.True(tooFew.Failed);
        Assert.Contains("printed 1 measured runs, expected 3", tooFew.Note);
    }

    [Fact]
    public void Timed_workloads_give_peers_their_own_protocol_too()
    {
        if (!HasShell) return;
        // hog: no warm-up and one run, as in-process; the script fails unless it is asked for exactly that.
        var hog = new Weft.Lab.Workloads.HogWorkload();
        var script = """[ "$3 $4" = "0 1" ] && echo "result hog worst_late_ms 3 ms" && echo "result hog mean_late_ms 1 ms" """;
        var run = new ShellPeer(script).Run(hog, 2_000, warmup: true, TimeSpan.FromSeconds(30));
        Assert.False(run.Failed, run.Note);
        Assert.Equal(3, run.Value("worst_late_ms"));
    }

    private static bool HasShell => File.Exists("/bin/sh");

    [Fact]
    public void A_peer_run_turns_its_output_into_figures()
    {
        if (!HasShell) return;
        var run = new ShellPeer("for i in 1 2 3; do echo 'result skynet ms 12.5 ms'; echo 'check skynet sum 4999950000'; done")
            .Run(Skynet, 100_000, warmup: true, TimeSpan.FromSeconds(30));
        Assert.False(run.Failed, run.Note);
        Assert.Equal(12.5, run.Value("ms"));
    }

    [Fact]
    public void A_wrong_answer_a_crash_or_silence_fails_with_the_reason()
    {
        if (!HasShell) return;
        var wrong = new ShellPeer("echo 'result skynet ms 12.5 ms'; echo 'check skynet sum 7'").Run(Skynet, 100_000, warmup: true, TimeSpan.FromSeconds(30));
        Assert.True(wrong.Failed);
        Assert.Contains("wrong answer", wrong.Note);
        var crash = new ShellPeer("echo 'panic: oops' >&2; exit 3").Run(Skynet, 10, warmup: true, TimeSpan.FromSeconds(30));
        Assert.True(crash.Failed);
        Assert.Contains("exit code 3", crash.Note);
        Assert.Contains("panic: oops", crash.Note);
        var silent = new ShellPeer("true").Run(Skynet, 10, warmup: true, TimeSpan.FromSeconds(30));
        Assert.True(silent.Failed);
        Assert.Contains("no result", silent.Note);
    }

    [Fact]
    public void A_peer_that_hangs_is_killed_at_its_time_bound()
    {
        if (!HasShell) return;
        var sw = Stopwatch.StartNew();
        var run = new ShellPeer("sleep 30").Run(Skynet, 10, warmup: true, TimeSpan.FromMilliseconds(300));
        Assert.True(run.Failed);
        Assert.Contains("timed out", run.Note);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(20), $"took {sw.Elapsed}");
    }
}
