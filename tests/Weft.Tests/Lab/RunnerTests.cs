using System.Xml.Linq;
using Weft.Lab.Commands;
using Weft.Lab.Output;
using Weft.Lab.Workloads;

namespace Weft.Tests.Lab;

[Collection("Lab")]
public sealed class RunnerTests
{
    private static RunPlan Plan(string workloads, string models, string sizes) =>
        RunPlan.Create(workloads, models, [], sizes, warmup: false, inProcess: true);

    [Fact]
    public void The_plan_is_built_from_the_option_values_in_one_place()
    {
        var plan = RunPlan.Create("skynet,hog", null, ["weft", "tasks", "go"], "skynet=10k", quick: true);
        Assert.Equal(["skynet", "hog"], plan.Workloads.Select(w => w.Name));
        // A base model brings its variants, right after it.
        Assert.Equal(["weft", "weft-declared", "tasks", "tasks-run", "tasks-call", "tasks-long", "go"], plan.Models);
        Assert.True(plan.Isolated); // one process per workload × model unless asked otherwise
        Assert.True(plan.Warmup);
        Assert.Equal(10_000, plan.SizeFor(plan.Workloads[0]));
        Assert.Equal(new HogWorkload().QuickSize, plan.SizeFor(plan.Workloads[1]));
        // Only the models each workload has, workloads outer.
        Assert.Equal(["skynet/weft", "skynet/tasks", "skynet/tasks-run", "skynet/go", "hog/weft", "hog/tasks", "hog/tasks-long", "hog/go"],
            plan.Pairs().Select(p => $"{p.Workload.Name}/{p.Model}"));

        var other = RunPlan.Create(null, "threads,peers", [], null, warmup: false, timeoutSeconds: 5, inProcess: true);
        Assert.Equal(WorkloadRegistry.All, other.Workloads);
        Assert.Equal(["threads", "go", "erlang", "node", "python", "java", "tokio"], other.Models);
        Assert.False(other.Isolated);
        Assert.False(other.Warmup);
        Assert.Equal(TimeSpan.FromSeconds(5), other.PeerTimeout);

        Assert.Contains("unknown model 'fibers'", Assert.Throws<ArgumentException>(() => RunPlan.Create(null, "weft,fibers", [])).Message);
        Assert.Contains("unknown workload 'nope'", Assert.Throws<ArgumentException>(() => RunPlan.Create("nope", null, [])).Message);
        Assert.Contains("--peer-timeout", Assert.Throws<ArgumentException>(() => RunPlan.Create(null, null, [], timeoutSeconds: 0)).Message);
        Assert.Throws<FormatException>(() => RunPlan.Create(null, null, [], "lots"));
    }

    [Fact]
    public void An_isolated_run_measures_in_a_fresh_process_of_the_lab()
    {
        // The child is this Lab started again with the hidden measure command; its pool starts fresh, so the hog note
        // reports the pool of a new process, not this test host's.
        var run = IsolatedRun.Run(new SkynetWorkload(), "tasks", 1_000, warmup: true, TimeSpan.FromSeconds(120));
        Assert.False(run.Failed, run.Note);
        Assert.Equal(1_000, run.Size);
        Assert.True(run.Value("ms") > 0);

        var failed = IsolatedRun.Run(new SkynetWorkload(), "threads", 1_000, warmup: false, TimeSpan.FromSeconds(120));
        Assert.True(failed.Failed);
        Assert.Contains("skynet has no in-process model 'threads'", failed.Note);
    }

    [Fact]
    public void The_measure_command_prints_one_run_line()
    {
        var output = new StringWriter();
        Assert.Equal(0, IsolatedRun.Measure("skynet-await", "weft", 100, warmup: false, output));
        var run = Weft.Lab.Output.JsonLines.ParseRun(output.ToString().Trim());
        Assert.Equal(("skynet-await", "weft", 100L), (run.Workload, run.Model, run.Size));
        Assert.Throws<ArgumentException>(() => IsolatedRun.Measure("skynet", "go", 100, warmup: false, output));
    }

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
            Assert.Matches(@"^\| workload +\| figure +\| +weft \| +tasks \| +tasks-run \|\n", md.ToString());
            Assert.Matches(@"\n\| skynet +\| ms \(ms\) +\|", md.ToString());
            Assert.Matches(@"\n\| yield +\| ns_per_yield \(ns\) +\|", md.ToString());
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
