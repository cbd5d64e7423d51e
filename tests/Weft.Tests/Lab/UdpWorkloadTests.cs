using Weft.Lab.Measurement;
using Weft.Lab.Workloads;
using Weft.Tests.Net;

namespace Weft.Tests.Lab;

/// <summary>
/// The Lab's <c>udp</c> workload at a tiny size, in the Net collection: it opens sockets in this process, which the
/// other net tests' descriptor counts must not see, and its own count is checked the same way.
/// </summary>
public sealed class UdpWorkloadTests : NetTestBase
{
    [Theory]
    [InlineData(Models.Weft)]
    [InlineData(Models.Tasks)]
    public void Udp_model_echoes_every_round_trip_and_reports_its_figure(string model)
    {
        var w = new UdpWorkload();
        var run = w.Run(model, 2_000, warmup: false);
        Assert.False(run.Failed, $"udp/{model} failed: {run.Note}");
        Assert.Equal(["roundtrips_per_s"], run.Figures.Select(f => f.Name));
        Assert.True(run.Value("roundtrips_per_s") > 0);
    }

    [Fact]
    public void Both_models_count_exactly_the_round_trips_asked_for_even_when_they_do_not_divide_among_the_clients()
    {
        const int n = 1_003; // not a multiple of the 16 clients
        using (var lab = new LabRuntime()) Assert.Equal(n, UdpWorkload.Weft(lab, n));
        Assert.Equal(n, UdpWorkload.Tasks(n));
    }
}
