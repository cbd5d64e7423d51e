using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Weft.Diagnostics;
using Weft.Scheduling;

namespace Weft.Tests.Scheduling;

/// <summary>
/// Behaviour that belongs to a whole process, checked by running tests/Weft.TestChild as a child process: the panic
/// path (Go's output, exit code 2), WEFT_DEBUG=schedtrace, WEFT_MAXPROCS. Plus the in-process forms of schedtrace.
/// </summary>
public sealed partial class ChildProcessTests
{
    private sealed record Outcome(int ExitCode, string Stdout, string Stderr);

    private static Outcome RunChild(string mode, params (string Name, string Value)[] environment) =>
        RunChild([mode], environment);

    private static Outcome RunChild(string[] args, params (string Name, string Value)[] environment)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Weft.TestChild.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing (Weft.Tests references Weft.TestChild)");
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";
        var psi = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("exec");
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("WEFT_DEBUG");
        psi.Environment.Remove("WEFT_MAXPROCS");
        foreach (var (name, value) in environment) psi.Environment[name] = value;

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TestRuntime.HangGuard))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the child process ({string.Join(' ', args)}) did not exit");
        }

        process.WaitForExit(); // flush the redirected streams
        return new Outcome(process.ExitCode, stdout.Result, stderr.Result);
    }

    // ---- panics --------------------------------------------------------------------------------------

    [Theory]
    [InlineData("panic-gotask", "boom from a GoTask goroutine")]
    [InlineData("panic-action", "boom from an Action goroutine")]
    [InlineData("panic-task", "boom from a Task goroutine")]
    public void Panic_ExceptionEscapesAGoroutine_PrintsGoStylePanicAndExitsWithCode2(string mode, string message)
    {
        var outcome = RunChild(mode);

        Assert.Equal(2, outcome.ExitCode);
        Assert.StartsWith($"panic: System.InvalidOperationException: {message}", outcome.Stderr);
        Assert.Matches(GoroutineRunningLine(), outcome.Stderr);
        Assert.Contains("Thrower.Throw", outcome.Stderr); // the exception's own stack
        Assert.DoesNotContain("no panic", outcome.Stderr);
    }

    [Fact]
    public void ThreadCap_RuntimeNeedsMoreThreadsThanAllowed_FatalErrorAndExitCode2()
    {
        var outcome = RunChild("thread-cap");
        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains("fatal error: thread exhaustion", outcome.Stderr);
        Assert.Contains("MaxThreads = 1", outcome.Stderr);
    }

    [GeneratedRegex(@"(?m)^goroutine [1-9][0-9]* \[running\]:\r?$")]
    private static partial Regex GoroutineRunningLine();

    // ---- schedtrace ----------------------------------------------------------------------------------

    [GeneratedRegex(@"^SCHED (\d+)ms: gomaxprocs=(\d+) idleprocs=(\d+) threads=(\d+) spinningthreads=(\d+) idlethreads=(\d+) runqueue=(\d+) \[((?:\d+(?: \d+)*)?)\]$")]
    private static partial Regex SchedLine();

    /// <summary>Asserts a line has Go's SCHED shape, with one run-queue length per P.</summary>
    private static Match AssertSchedLine(string line)
    {
        var m = SchedLine().Match(line);
        Assert.True(m.Success, $"not a SCHED line in Go's shape: '{line}'");
        int procs = int.Parse(m.Groups[2].Value);
        Assert.Equal(procs, m.Groups[8].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.InRange(int.Parse(m.Groups[3].Value), 0, procs);
        return m;
    }

    [Fact]
    public void SchedTrace_WeftDebugEnvironmentVariable_PrintsSchedLinesInGoShape()
    {
        var outcome = RunChild(["schedtrace", "450"], ("WEFT_DEBUG", "schedtrace=100"), ("WEFT_MAXPROCS", "2"));

        Assert.Equal(0, outcome.ExitCode);
        var lines = outcome.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith("SCHED", StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count >= 2, $"expected SCHED lines every 100 ms for 450 ms, got:\n{outcome.Stderr}");
        Assert.All(lines, l => AssertSchedLine(l));
        // Not asserted: that the timestamps increase line by line. SchedTrace formats a line on a Timer callback
        // before taking the output lock, and under load two callbacks overlap and print out of order (seen once in
        // ~40 loaded runs: 367, 501, 430). Reported rather than fixed here (Diagnostics is outside this change).
        Assert.All(lines, l => Assert.Contains("gomaxprocs=2 ", l));
    }

    /// <summary>A writer that signals once it has received enough SCHED lines (no sleeping in the test).</summary>
    private sealed class SchedLineCollector(int wanted) : TextWriter
    {
        private readonly StringBuilder _current = new();
        public List<string> Lines { get; } = new();
        public ManualResetEventSlim Enough { get; } = new();
        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            lock (Lines)
            {
                if (value != '\n')
                {
                    _current.Append(value);
                    return;
                }

                Lines.Add(_current.ToString().TrimEnd('\r'));
                _current.Clear();
                if (Lines.Count(l => l.StartsWith("SCHED", StringComparison.Ordinal)) >= wanted) Enough.Set();
            }
        }
    }

    [Fact]
    public void SchedTrace_GoOptionsDebug_WritesSchedLinesToTheDiagnosticOutput()
    {
        var collector = new SchedLineCollector(wanted: 3);
        var rt = new GoRuntime(new GoOptions { MaxProcs = 3, Debug = "schedtrace=20", DiagnosticOutput = collector });
        try
        {
            rt.Start(async () =>
            {
                for (int i = 0; i < 100 && !collector.Enough.IsSet; i++) await Go.Sleep(5);
            });
            Assert.True(collector.Enough.Wait(TestRuntime.HangGuard), "no SCHED lines were written");
        }
        finally
        {
            Assert.True(rt.ShutdownAsync().Wait(TestRuntime.HangGuard));
        }

        string[] lines;
        lock (collector.Lines) lines = collector.Lines.ToArray();
        Assert.All(lines.Where(l => l.StartsWith("SCHED", StringComparison.Ordinal)), l =>
        {
            var m = AssertSchedLine(l);
            Assert.Equal("3", m.Groups[2].Value);
        });
    }

    [Fact]
    public void SchedTraceFormat_IdleRuntime_ReportsEveryPIdleAndEmpty()
    {
        using var rt = new TestRuntime(maxProcs: 3);
        var line = SchedTrace.Format(rt.Runtime);
        var m = AssertSchedLine(line);
        Assert.EndsWith("gomaxprocs=3 idleprocs=3 threads=0 spinningthreads=0 idlethreads=0 runqueue=0 [0 0 0]", line);
        Assert.Equal(m.Value, line);
    }

    [Fact]
    public void SchedTraceFormat_QueuedGoroutines_CountedInTheirPsQueue()
    {
        using var rt = new TestRuntime(maxProcs: 1); // one P: nobody can steal the queued goroutines
        var line = rt.Run(async () =>
        {
            for (int i = 0; i < 5; i++) Go.Start(() => { }); // one in runnext, four in the ring
            var formatted = SchedTrace.Format(GoRuntime.Current!);
            await Go.Yield();
            return formatted;
        });
        AssertSchedLine(line);
        Assert.Contains("gomaxprocs=1 idleprocs=0 ", line);
        Assert.EndsWith("runqueue=0 [5]", line);
    }

    [Fact]
    public void DebugSettings_UnknownOrMalformed_FailsAtConstruction()
    {
        Assert.Throws<FormatException>(() => new GoRuntime(new GoOptions { MaxProcs = 1, Debug = "schedtrace" }));
        Assert.Throws<FormatException>(() => new GoRuntime(new GoOptions { MaxProcs = 1, Debug = "schedtrace=-5" }));
        var e = Assert.Throws<FormatException>(() => new GoRuntime(new GoOptions { MaxProcs = 1, Debug = "shedtrace=100" }));
        Assert.Contains("shedtrace", e.Message);
        Assert.Equal(250, DebugSettings.Parse("schedtrace=250, scheddetail=1").SchedTraceMilliseconds);
    }

    // ---- WEFT_MAXPROCS -------------------------------------------------------------------------------

    [Theory]
    [InlineData("1")]
    [InlineData("3")]
    [InlineData("9")]
    public void MaxProcs_WeftMaxProcsEnvironmentVariable_SetsTheDefaultRuntimesProcs(string value)
    {
        var outcome = RunChild("maxprocs", ("WEFT_MAXPROCS", value));
        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(value, outcome.Stdout.Trim());
    }

    [Fact]
    public void MaxProcs_NoEnvironmentVariable_DefaultIsTheCgroupLimitElseTheProcessorCount()
    {
        var outcome = RunChild("maxprocs");
        Assert.Equal(0, outcome.ExitCode);
        int expected = CgroupCpuQuota.Read("/") ?? Environment.ProcessorCount;
        Assert.Equal(expected.ToString(), outcome.Stdout.Trim());
    }

    [Fact]
    public void MaxProcs_WeftMaxProcsJunk_ProcessFailsNamingTheVariable()
    {
        var outcome = RunChild("maxprocs", ("WEFT_MAXPROCS", "lots"));
        Assert.NotEqual(0, outcome.ExitCode);
        Assert.Contains("WEFT_MAXPROCS must be a positive integer, got 'lots'", outcome.Stderr);
    }
}
