using Spectre.Console;

namespace Weft.Tests.Lab;

[Collection("Lab")]
public sealed class TourTests
{
    [Fact]
    public void Quick_tour_prints_four_tables_each_with_a_reading()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 200;
        Assert.Equal(0, Weft.Lab.Tour.Run(console, quick: true));
        var text = output.ToString();
        int one = text.IndexOf("1. What one concurrency unit costs", StringComparison.Ordinal);
        int two = text.IndexOf("2. A web server", StringComparison.Ordinal);
        int three = text.IndexOf("3. Fairness", StringComparison.Ordinal);
        int four = text.IndexOf("4. Channels", StringComparison.Ordinal);
        Assert.True(one >= 0 && one < two && two < three && three < four, text);
        Assert.Contains("A parked goroutine costs", text);
        Assert.Contains("The CPU limit here is", text);
        Assert.Contains("Beside the hogs", text);
        Assert.Contains("Tour done", text);
    }
}
