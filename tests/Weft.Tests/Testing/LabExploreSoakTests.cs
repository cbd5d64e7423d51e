using Weft.Lab.Explore;
using Weft.Lab.Soak;

namespace Weft.Tests.Testing;

/// <summary>The Lab's explore and soak commands, at smoke sizes.</summary>
public class LabExploreSoakTests
{
    [Fact]
    public void Explore_FindsTheBugs_AndPrintsTheReplay()
    {
        var output = new StringWriter();
        int status = ExploreCommand.Execute("lost_update,select_deadlock", "random,pct", 1000, 2, output);
        Assert.Equal(0, status);
        string text = output.ToString();
        Assert.Equal(4, text.Split("found after").Length - 1);
        Assert.Contains("Sim.Replay(DecisionLog.Parse(", text);
        Assert.Contains("all goroutines are asleep - deadlock!", text);
    }

    [Fact]
    public void Explore_UnknownBugOrStrategy_IsNamed()
    {
        Assert.Contains("no_such_bug", Assert.Throws<ArgumentException>(() => ExploreCommand.Execute("no_such_bug", "random", 10, 2, TextWriter.Null)).Message);
        Assert.Contains("dfs", Assert.Throws<ArgumentException>(() => ExploreCommand.Execute("aba", "dfs", 10, 2, TextWriter.Null)).Message);
    }

    [Fact]
    public void Soak_ShortRun_HoldsEveryInvariant_AndPrintsSummaries()
    {
        var output = new StringWriter();
        int status = SoakCommand.Execute(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), 2, output);
        string text = output.ToString();
        Assert.True(status == 0, text);
        Assert.Contains("soak: ok", text);
        Assert.True(text.Split("] rounds ").Length - 1 >= 2, text);
    }
}
