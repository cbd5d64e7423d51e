using Weft.Lab.Commands;
using Weft.Lab.Measurement;
using Weft.Lab.Output;

namespace Weft.Tests.Lab;

public sealed class TableTests
{
    private static Report Measured()
    {
        var report = new Report();
        report.Runs.Add(new ModelRun("spawn", "weft",
            [new Figure("spawn", "bytes_per_unit", "weft", 212.7, "bytes"), new Figure("spawn", "ns_per_spawn", "weft", 505.4, "ns")]));
        report.Runs.Add(new ModelRun("spawn", "go", [new Figure("spawn", "bytes_per_unit", "go", 4192, "bytes")]));
        report.Runs.Add(new ModelRun("pingpong", "python", [new Figure("pingpong", "ns_per_roundtrip", "python", 20_000, "ns")]));
        report.Runs.Add(new ModelRun("select", "weft", [new Figure("select", "ns_per_op", "weft", 90, "ns")]));
        return report;
    }

    [Fact]
    public void Every_row_states_a_fact_for_every_model_and_measured_rows_name_a_real_figure()
    {
        foreach (var row in TableCommand.Rows)
        {
            Assert.All(TableCommand.Columns, c => Assert.False(string.IsNullOrWhiteSpace(row.Facts.GetValueOrDefault(c.Model)), $"{row.Title}/{c.Model}"));
            if (row.Workload is null) continue;
            var w = Weft.Lab.Workloads.WorkloadRegistry.Find(row.Workload);
            Assert.NotNull(w);
            Assert.Contains(row.Figure, w!.Figures.Select(f => f.Name));
        }

        Assert.Equal(["spawn", "pingpong", "hog", "blocking", "prodcons"], TableCommand.Workloads);
    }

    [Fact]
    public void A_measured_cell_shows_the_figure_with_its_unit_then_the_fact_and_the_rest_the_fact_alone()
    {
        var report = Measured();
        var memory = TableCommand.Rows[0];
        Assert.Equal("212.7 bytes: G + suspended frame, no stack", TableCommand.Cell(report, memory, "weft", markdown: false));
        Assert.Equal("4,192 bytes: growable stack, 2 KB min", TableCommand.Cell(report, memory, "go", markdown: false));
        Assert.Equal("promise + closure", TableCommand.Cell(report, memory, "node", markdown: false));
        var supervision = TableCommand.Rows.Single(r => r.Title == "supervision");
        Assert.Equal("links, monitors, OTP supervisors", TableCommand.Cell(report, supervision, "erlang", markdown: false));
    }

    [Fact]
    public void The_markdown_table_has_one_column_per_model_says_what_was_not_measured_and_keeps_only_its_workloads_notes()
    {
        var md = TableCommand.Render(Measured(), markdown: true);
        var header = md.Split('\n')[0].Split('|').Select(c => c.Trim()).Where(c => c.Length > 0).ToList();
        Assert.Equal(TableCommand.Columns.Select(c => c.Title), header);
        Assert.Equal(2 + TableCommand.Rows.Count, md.Split('\n').Count(l => l.StartsWith('|')));
        Assert.Contains("20,000 ns: asyncio.Queue(1)", md);
        Assert.Contains("- Java: not measured in this run", md);
        Assert.Contains("- Kotlin: not measured in this run", md);
        Assert.DoesNotContain("- Go: not measured", md);
        Assert.DoesNotContain("- select", md); // a compare run's other workloads and their caveats stay out
    }
}
