using System.Xml.Linq;
using Weft.Lab.Commands;
using Weft.Lab.Output;
using Weft.Lab.Workloads;

namespace Weft.Tests.Lab;

[Collection("Lab")]
public sealed class RunnerTests
{
    private static RunPlan Plan(string workloads, string models, string sizes) => new()
    {
        Workloads = WorkloadRegistry.Select(workloads),
        Models = RunPlan.ParseModels(models, []),
        Sizes = WorkloadRegistry.ParseSizes(sizes),
        Warmup = false,
    };

    [Fact]
    public void Runs_each_workload_for_each_model_that_has_it_in_the_plan_order()
    {
        var seen = new List<string>();
        var report = Runner.Run(Plan("skynet-await,sleep", "tasks,weft,threads", "skynet-await=1000,sleep=30"), onRun: r => seen.Add($"{r.Workload}/{r.Model}"));
        // skynet-await has no threads model: nothing is run or reported for it.
        Assert.Equal(["skynet-await/tasks", "skynet-await/weft", "sleep/tasks", "sleep/weft", "sleep/threads"], seen);
        Assert.Equal(["tasks", "weft", "threads"], report.ModelsSeen);
        Assert.All(report.Runs, r => Assert.False(r.Failed, r.Note));
        Assert.Equal(1000, report.SizeOf("skynet-await"));
    }

    [Fact]
    public void Compare_writes_markdown_json_and_a_chart()
    {
        var chart = Path.Combine(Path.GetTempPath(), $"weft-lab-test-{Guid.NewGuid():N}.svg");
        try
        {
            var md = new StringWriter();
            var progress = new StringWriter();
            int rc = CompareCommand.Execute(Plan("skynet,yield", "weft,tasks", "skynet=1000,yield=400"), json: false, markdown: true, chart, md, progress);
            Assert.Equal(0, rc);
            Assert.StartsWith("| workload | figure | weft | tasks |", md.ToString());
            Assert.Contains("| skynet | ms (ms) |", md.ToString());
            Assert.Contains("| yield | ns_per_yield (ns) |", md.ToString());
            var groups = XDocument.Load(chart).Descendants(XName.Get("g", "http://www.w3.org/2000/svg"))
                .Where(g => (string?)g.Attribute("class") == "workload").Select(g => (string)g.Attribute("data-workload")!);
            Assert.Equal(["skynet", "yield"], groups);

            var json = new StringWriter();
            rc = CompareCommand.Execute(Plan("yield", "weft,tasks", "400"), json: true, markdown: false, null, json, progress);
            Assert.Equal(0, rc);
            var figures = json.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(JsonLines.Parse).ToList();
            Assert.Equal(["weft", "tasks"], figures.Select(f => f.Model));
            Assert.All(figures, f => Assert.Equal("ns_per_yield", f.Name));
        }
        finally
        {
            File.Delete(chart);
        }
    }

    [Fact]
    public void Bench_prints_one_line_per_model_with_its_ratio_to_the_baseline()
    {
        var output = new StringWriter();
        int rc = BenchCommand.Execute(Plan("sleep", "weft,tasks", "20"), json: false, "tasks", output, new StringWriter());
        Assert.Equal(0, rc);
        Assert.Contains("sleep: one unit sleeping 1 ms in a loop for 1 s", output.ToString());
        Assert.Matches(@"\n  weft +wakeups_per_s [\d.,]+ 1/s \([\d.,]+× tasks\)", output.ToString());
    }
}
