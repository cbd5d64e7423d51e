using Weft.Lab.Http;
using Weft.Lab.Workloads;
using Weft.Tests.Net;

namespace Weft.Tests.Lab;

[Collection(NetCollection.Name)]
public sealed class HttpWorkloadTests
{
    [Fact]
    public void Wrk_report_is_parsed()
    {
        var report = Wrk.Parse("""
            Running 10s test @ http://127.0.0.1:8080/plaintext
              2 threads and 256 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency     3.20ms    2.06ms  40.39ms   82.64%
                Req/Sec    40.81k     3.54k   50.57k    71.50%
              Latency Distribution
                 50%  870.00us
                 75%    3.83ms
                 90%    5.16ms
                 99%    1.05s
              812043 requests in 10.01s, 99.90MB read
              Socket errors: connect 0, read 3, write 0, timeout 0
            Requests/sec:  81125.46
            Transfer/sec:      9.98MB
            """)!;
        Assert.Equal(81125.46, report.RequestsPerSecond);
        Assert.Equal(0.87, report.P50Ms, 3);
        Assert.Equal(1050, report.P99Ms, 3);
        Assert.Equal(812043, report.Requests);
        Assert.Contains("read 3", report.Errors);
        Assert.Null(Wrk.Parse("unable to connect to 127.0.0.1:1 Connection refused"));
    }

    [Fact]
    public void Bench_http_runs_kestrel_and_go_by_default_but_bench_all_does_not()
    {
        var http = Weft.Lab.Commands.BenchCommand.DefaultModelsFor([new HttpWorkload(), new HttpIdleWorkload()]);
        Assert.Contains(Models.Kestrel, http);
        Assert.Contains("go", http);
        var all = Weft.Lab.Commands.BenchCommand.DefaultModelsFor(WorkloadRegistry.All);
        Assert.DoesNotContain(Models.Kestrel, all);
    }

    /// <summary>The Weft server in its own process, under wrk for a second: every figure is there and positive.</summary>
    [ToolFact("wrk", "wrk")]
    public void Http_weft_server_runs_under_wrk()
    {
        var w = new HttpWorkload { Duration = TimeSpan.FromSeconds(1), WarmupDuration = TimeSpan.FromSeconds(1) };
        var run = w.Run(Models.Weft, 16, warmup: false);
        Assert.False(run.Failed, run.Note);
        Assert.Equal(w.Figures.Select(f => f.Name), run.Figures.Select(f => f.Name));
        Assert.All(run.Figures, f => Assert.True(f.Value > 0, $"{f.Name} = {f.Value}"));
    }

    /// <summary>The tour's HTTP table (shown when wrk is installed), in its quick form: Weft.Http alone, with a reading.</summary>
    [ToolFact("wrk", "wrk")]
    public void Tour_http_table_measures_the_weft_server()
    {
        var output = new StringWriter();
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
        {
            Ansi = Spectre.Console.AnsiSupport.No,
            ColorSystem = Spectre.Console.ColorSystemSupport.NoColors,
            Interactive = Spectre.Console.InteractionSupport.No,
            Out = new Spectre.Console.AnsiConsoleOutput(output),
        });
        console.Profile.Width = 200;
        var table = Weft.Lab.Tour.HttpTable(quick: true, new Weft.Lab.TourProgress(console));
        Assert.StartsWith("Weft.Http answered ", table.Reading);
        console.Write(table.Table);
        Assert.Contains("5. An HTTP server", output.ToString());
        Assert.Contains("Weft.Http (goroutine per connection)", output.ToString());
    }

    [Fact]
    public void Http_idle_measures_the_weft_server()
    {
        var run = new HttpIdleWorkload().Run(Models.Weft, 300, warmup: false);
        Assert.False(run.Failed, run.Note);
        Assert.True(run.Value("bytes_per_conn") is double v && double.IsFinite(v) && v >= 0, $"bytes_per_conn = {run.Value("bytes_per_conn")}");
    }
}
