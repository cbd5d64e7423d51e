using System.Xml.Linq;
using Weft.Lab.Commands;
using Weft.Lab.Measurement;
using Weft.Lab.Output;
using Weft.Lab.Workloads;

namespace Weft.Tests.Lab;

public sealed class OutputTests
{
    private static Report SampleReport()
    {
        var report = new Report();
        report.ModelOrder.AddRange(["weft", "tasks", "threads", "go"]);
        report.Runs.Add(new ModelRun("skynet", "weft", [new Figure("skynet", "ms", "weft", 312.5, "ms")]) { Size = 1_000_000 });
        report.Runs.Add(new ModelRun("skynet", "tasks", [new Figure("skynet", "ms", "tasks", 1250, "ms")]));
        report.Runs.Add(new ModelRun("skynet", "go", [new Figure("skynet", "ms", "go", 1561, "ms")]));
        report.Runs.Add(new ModelRun("spawn", "weft",
            [new Figure("spawn", "bytes_per_unit", "weft", 180, "bytes"), new Figure("spawn", "ns_per_spawn", "weft", 400, "ns")]));
        report.Runs.Add(new ModelRun("spawn", "threads",
            [new Figure("spawn", "bytes_per_unit", "threads", 18000, "bytes"), new Figure("spawn", "ns_per_spawn", "threads", 400000, "ns")]));
        report.Runs.Add(ModelRun.Failure("spawn", "go", "exit code 2: boom"));
        report.Notes.Add("erlang: `erl` is not on PATH; its runs are skipped");
        return report;
    }

    [Fact]
    public void Json_line_has_the_exact_DESIGN_format()
    {
        Assert.Equal("{\"workload\":\"skynet\",\"figure\":\"ms\",\"model\":\"weft\",\"value\":312.5,\"unit\":\"ms\"}",
            JsonLines.Line(new Figure("skynet", "ms", "weft", 312.5, "ms")));
    }

    [Fact]
    public void Json_lines_round_trip_and_escape()
    {
        var f = new Figure("c10k", "p99_ms", "we\"ft", 12.3456789, "ms");
        var back = JsonLines.Parse(JsonLines.Line(f));
        Assert.Equal(f.Workload, back.Workload);
        Assert.Equal(f.Model, back.Model);
        Assert.Equal(12.35, back.Value, 6);
        var sw = new StringWriter();
        JsonLines.Write(sw, SampleReport().Figures);
        var lines = sw.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(7, lines.Length);
        Assert.All(lines, l => JsonLines.Parse(l));
    }

    [Fact]
    public void Rounded_keeps_four_significant_digits()
    {
        Assert.Equal(312.5, Format.Rounded(312.5));
        Assert.Equal(1234567, Format.Rounded(1234567.4));
        Assert.Equal(12.35, Format.Rounded(12.3456789));
        Assert.Equal(0.001235, Format.Rounded(0.0012345678), 9);
    }

    [Fact]
    public void Markdown_table_has_a_row_per_figure_a_column_per_model_and_ratios_to_weft()
    {
        var md = MarkdownTable.Render(SampleReport());
        var rows = Rows(md);
        Assert.Equal("| workload | figure | weft | tasks | threads | go |", rows[0]);
        Assert.Equal("| --- | --- | ---: | ---: | ---: | ---: |", rows[1]);
        Assert.Equal("| skynet | ms (ms) | 312.5 | 1,250 (4.00×) | — | 1,561 (5.00×) |", rows[2]);
        Assert.Equal("| spawn | bytes_per_unit (bytes) | 180 | — | 18,000 (100×) | — |", rows[3]);
        Assert.StartsWith("| spawn | ns_per_spawn (ns) |", rows[4]);
        Assert.Equal(5, rows.Count);
        Assert.All(md.Split('\n').Where(l => l.StartsWith('|')), l => Assert.Equal(md.Split('\n')[0].Length, l.Length)); // aligned columns
        Assert.Contains("- spawn/go: FAILED: exit code 2: boom", md);
        Assert.Contains("- erlang: `erl` is not on PATH", md);
        Assert.Contains("- sizes: skynet 1,000,000 leaves (a power of 10)", md);
    }

    [Fact]
    public void Svg_chart_is_valid_xml_with_one_bar_group_per_workload()
    {
        var report = SampleReport();
        var doc = XDocument.Parse(SvgChart.Render(report));
        XNamespace svg = "http://www.w3.org/2000/svg";
        Assert.Equal(svg + "svg", doc.Root!.Name);
        Assert.Contains("ran at 1,000,000 leaves (a power of 10)", doc.ToString());
        var groups = doc.Descendants(svg + "g").Where(g => (string?)g.Attribute("class") == "workload").ToList();
        Assert.Equal(["skynet", "spawn"], groups.Select(g => (string)g.Attribute("data-workload")!));
        var skynetBars = groups[0].Descendants(svg + "rect").Where(r => (string?)r.Attribute("class") == "bar").ToList();
        Assert.Equal(["weft", "tasks", "go"], skynetBars.Select(b => (string)b.Attribute("data-model")!));
        Assert.All(skynetBars, b => Assert.True(int.Parse((string)b.Attribute("width")!) > 0));
    }

    [Fact]
    public void A_saved_json_run_renders_again_without_measuring()
    {
        var sw = new StringWriter();
        JsonLines.Write(sw, SampleReport().Figures);
        var lines = ("… progress\n" + sw + "not json\n").Split('\n');
        var report = Weft.Lab.Commands.CompareCommand.FromJsonLines(lines);
        Assert.Equal(["skynet", "spawn"], report.WorkloadsSeen);
        Assert.Equal(["weft", "tasks", "threads", "go"], report.ModelsSeen);
        Assert.Equal(1561, report.Value("skynet", "ms", "go"));
        var md = new StringWriter();
        Assert.Equal(0, Weft.Lab.Commands.CompareCommand.Render(report, json: false, markdown: true, chart: null, md, new StringWriter()));
        Assert.Contains("| skynet | ms (ms) | 312.5 | 1,250 (4.00×) | — | 1,561 (5.00×) |", Rows(md.ToString()));
    }

    [Fact]
    public void Ratios_are_taken_to_the_chosen_baseline()
    {
        var rows = Rows(MarkdownTable.Render(SampleReport(), baseline: "tasks"));
        Assert.Contains("| skynet | ms (ms) | 312.5 (0.25×) | 1,250 | — | 1,561 (1.25×) |", rows);
        var md = new StringWriter();
        CompareCommand.Render(SampleReport(), json: false, markdown: true, chart: null, md, new StringWriter(), baseline: "go");
        Assert.Contains("| skynet | ms (ms) | 312.5 (0.20×) | 1,250 (0.80×) | — | 1,561 |", Rows(md.ToString()));
    }

    [Fact]
    public void Caveats_travel_with_the_figures_they_concern()
    {
        var report = new Report();
        report.Runs.Add(new ModelRun("c10k", "weft", [new Figure("c10k", "req_per_s", "weft", 1900, "req/s")]));
        report.Runs.Add(new ModelRun("c10k", "erlang", [new Figure("c10k", "req_per_s", "erlang", 1000, "req/s")]));
        report.Runs.Add(new ModelRun("select", "weft", [new Figure("select", "ns_per_op", "weft", 90, "ns")]));
        report.Runs.Add(new ModelRun("select", "node", [new Figure("select", "ns_per_op", "node", 250, "ns")]));
        report.Runs.Add(ModelRun.Failure("skynet", "node", "boom")); // no figure shown: no caveat
        var caveats = MarkdownTable.CaveatsOf(report);
        Assert.Contains(caveats, c => c.StartsWith("c10k/erlang: ", StringComparison.Ordinal) && c.Contains("unreliable"));
        Assert.DoesNotContain(caveats, c => c.StartsWith("c10k/weft", StringComparison.Ordinal));
        Assert.Contains(caveats, c => c.StartsWith("select: one op is a select plus", StringComparison.Ordinal)); // shared: once
        Assert.Contains(caveats, c => c.StartsWith("select/node: node's channels are a small Go-style class", StringComparison.Ordinal));
        Assert.DoesNotContain(caveats, c => c.StartsWith("skynet", StringComparison.Ordinal));
        Assert.Equal(3, caveats.Count);
        Assert.Contains(MarkdownTable.NotesOf(report), n => n.StartsWith("c10k/erlang: ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_run_line_carries_a_whole_run_back_from_a_child_process()
    {
        var run = new ModelRun("spawn", "tasks",
            [new Figure("spawn", "bytes_per_unit", "tasks", 191.5, "bytes"), new Figure("spawn", "ns_per_spawn", "tasks", double.NaN, "ns")],
            "2 pool threads at start") { Size = 1_000_000 };
        var line = JsonLines.RunLine(run);
        Assert.True(JsonLines.IsRunLine(line));
        Assert.False(JsonLines.IsRunLine(JsonLines.Line(run.Figures[0])));
        var back = JsonLines.ParseRun(line);
        Assert.Equal(("spawn", "tasks", 1_000_000L, false, "2 pool threads at start"), (back.Workload, back.Model, back.Size, back.Failed, back.Note));
        Assert.Equal(run.Figures[0], back.Figures[0]);
        Assert.True(double.IsNaN(back.Figures[1].Value));
        var failed = JsonLines.ParseRun(JsonLines.RunLine(ModelRun.Failure("skynet", "weft", "TimeoutException: x")));
        Assert.True(failed.Failed);
        Assert.Empty(failed.Figures);
        Assert.Equal("TimeoutException: x", failed.Note);
    }

    /// <summary>The table rows of a markdown text with each cell trimmed (Spectre pads cells to align the columns).</summary>
    private static List<string> Rows(string md) => md.Split('\n').Where(l => l.StartsWith('|'))
        .Select(l => "| " + string.Join(" | ", l.Trim('|').Split('|').Select(c => c.Trim()).Select(c => c.Trim('-').Length == 0 ? "---" : c.TrimStart('-') == ":" ? "---:" : c)) + " |")
        .ToList();

    [Fact]
    public void Ratios_to_a_value_that_prints_as_zero_are_not_shown()
    {
        Assert.True(double.IsNaN(Format.RatioOf(0.001, 0.0001)));
        Assert.Equal(0.5, Format.RatioOf(1, 2));
        Assert.Equal(0, SvgChart.Shown(0.0003));
        Assert.Equal(["note: aaa bbb", "    ccc"], SvgChart.Wrap("note: aaa bbb ccc", 14));
    }

    [Fact]
    public void Svg_uses_a_log_scale_when_values_spread_widely()
    {
        var doc = SvgChart.Render(SampleReport());
        Assert.Contains("ns_per_spawn (ns) — lower is better · log scale", doc);
        Assert.DoesNotContain("ms (ms) — lower is better · log scale", doc);
        Assert.Equal(1, SvgChart.Scale(100, 1, 100, log: true), 6);
        Assert.True(SvgChart.Scale(1, 1, 100, log: true) > 0);
        Assert.Equal(0.5, SvgChart.Scale(50, 1, 100, log: false), 6);
    }

    [Fact]
    public void Bench_text_prints_one_line_per_model_with_the_ratio_to_the_baseline()
    {
        var text = BenchCommand.Text(SampleReport(), "tasks");
        Assert.Contains("  weft   ms 312.5 ms (0.25× tasks)", text);
        Assert.Contains("  tasks  ms 1,250 ms", text);
        Assert.Matches(@"\n  go +FAILED: exit code 2: boom", text);
    }

    [Fact]
    public void Sizes_and_models_parse()
    {
        Assert.Equal(1_000_000, WorkloadRegistry.ParseSize("1M"));
        Assert.Equal(10_000, WorkloadRegistry.ParseSize("10k"));
        Assert.Equal(2_500, WorkloadRegistry.ParseSize("2.5k"));
        Assert.Equal(1_000_000, WorkloadRegistry.ParseSize("1_000_000"));
        Assert.Throws<FormatException>(() => WorkloadRegistry.ParseSize("lots"));
        var sizes = WorkloadRegistry.ParseSizes("skynet=100k,5k");
        Assert.Equal(100_000, sizes["skynet"]);
        Assert.Equal(5_000, sizes["*"]);
        Assert.Throws<ArgumentException>(() => WorkloadRegistry.ParseSizes("nope=1"));
        var skynet = WorkloadRegistry.Find("skynet")!;
        Assert.Equal(100_000, WorkloadRegistry.SizeFor(skynet, sizes, quick: false));
        Assert.Equal(1_000_000, WorkloadRegistry.SizeFor(skynet, new Dictionary<string, long>(), quick: false));
        Assert.Equal(skynet.QuickSize, WorkloadRegistry.SizeFor(skynet, new Dictionary<string, long>(), quick: true));

        Assert.Equal(["weft", "weft-declared", "tasks", "tasks-run", "tasks-call", "tasks-long"], RunPlan.ParseModels("weft,tasks", []));
        Assert.Equal(["tasks-long", "threads"], RunPlan.ParseModels("tasks-long,threads", []));
        Assert.Equal(["go", "erlang", "node", "python", "java", "tokio"], RunPlan.ParseModels("peers", []));
        Assert.Throws<ArgumentException>(() => RunPlan.ParseModels("kotlin", []));
        Assert.Equal(["spawn", "c10k"], WorkloadRegistry.Select("spawn,c10k").Select(w => w.Name));
        Assert.Equal(WorkloadRegistry.All.Count, WorkloadRegistry.Select("all").Count);
        Assert.Throws<ArgumentException>(() => WorkloadRegistry.Select("fib"));
    }
}
