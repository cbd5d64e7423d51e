using Weft.Lab.Commands;
using Weft.Lab.Output;

namespace Weft.Tests.Tracing;

[Collection(TracingCollection.Name)]
public sealed class TraceCommandTests
{
    [Fact]
    public void TraceCommand_WritesAWellFormedTrace_AndTheOverheadAsJson()
    {
        var file = Path.Combine(Path.GetTempPath(), $"weft-trace-{Guid.NewGuid():N}.perfetto-trace");
        try
        {
            var stdout = new StringWriter();
            Assert.Equal(0, TraceCommand.Execute("pingpong", file, 2_000, quick: false, json: true, stdout, new StringWriter()));
            var figure = JsonLines.Parse(stdout.ToString().Trim());
            Assert.Equal(("trace", "overhead_pct", "weft"), (figure.Workload, figure.Name, figure.Model));
            Assert.False(double.IsNaN(figure.Value) || double.IsInfinity(figure.Value));

            var trace = PerfettoReader.Parse(File.ReadAllBytes(file));
            var steps = TraceInvariants.Check(trace);
            Assert.True(steps.Count >= 2, "the two pingpong goroutines have steps");
            Assert.True(trace.Events.Count(e => e.Name?.StartsWith("unblock G", StringComparison.Ordinal) == true) >= 2_000,
                "each round trip readies both goroutines");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void TraceCommand_UnknownWorkload_NamesTheMistake()
    {
        var e = Assert.Throws<ArgumentException>(() => TraceCommand.Execute("nope", "x", null, true, false, TextWriter.Null, TextWriter.Null));
        Assert.Contains("unknown workload 'nope'", e.Message);
    }
}
