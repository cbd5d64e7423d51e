using Weft.Lab.Peers;
using Weft.Lab.Workloads;

namespace Weft.Tests.Lab;

/// <summary>
/// The Rust (tokio) peer built and run for real at tiny sizes: its answers are the Lab's, its figures come out in the
/// protocol's shape. Skipped when cargo or Debian's tokio crate is missing. The first run builds the peer (about half a
/// minute on two cores); the build is kept, keyed by the source's hash, so later runs take a second or two.
/// </summary>
public sealed class TokioPeerTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(5);

    private static TokioPeer Prepared()
    {
        var peer = new TokioPeer();
        Skip.If(peer.ToolPath is null, "cargo is not on PATH (Debian: apt-get install cargo librust-tokio-dev)");
        Skip.IfNot(Directory.Exists(TokioPeer.Registry) && Directory.EnumerateDirectories(TokioPeer.Registry, "tokio-1.*").Any(),
            $"Debian's tokio crate is not in {TokioPeer.Registry} (apt-get install librust-tokio-dev)");
        var error = peer.Prepare(Bound);
        Assert.True(error is null, error);
        return peer;
    }

    [SkippableFact]
    public void Channel_workloads_give_the_labs_answers()
    {
        var peer = Prepared();
        foreach (var (workload, size, figure) in new[] { ("skynet", 1_000L, "ms"), ("skynet-await", 1_000L, "ms"), ("pingpong", 1_000L, "ns_per_roundtrip"), ("prodcons", 4_000L, "ns_per_item") })
        {
            var w = WorkloadRegistry.Find(workload)!;
            var run = peer.Run(w, size, warmup: true, Bound); // Run fails on a wrong check line
            Assert.False(run.Failed, $"{workload}: {run.Note}");
            Assert.True(run.Value(figure) > 0, $"{workload} {figure} = {run.Value(figure)}");
        }
    }

    [SkippableFact]
    public void Every_workload_it_claims_prints_every_figure_of_the_labs_version()
    {
        var peer = Prepared();
        var sizes = new Dictionary<string, long>
        {
            ["spawn"] = 1_000, ["skynet"] = 100, ["skynet-await"] = 100, ["pingpong"] = 100, ["prodcons"] = 400, ["select"] = 1_000, ["hog"] = 50,
            ["blocking"] = 60, ["sleep"] = 30, ["yield"] = 1_000, ["c10k"] = 100,
        };
        Assert.Equal(sizes.Keys.Order(), peer.Workloads.Order());
        foreach (var name in peer.Workloads)
        {
            var w = WorkloadRegistry.Find(name)!;
            var run = peer.Run(w, w.NormalizeSize(sizes[name]), warmup: false, Bound);
            Assert.False(run.Failed, $"{name}: {run.Note}");
            Assert.All(w.Figures, f => Assert.True(run.Value(f.Name) >= 0, $"{name} {f.Name} = {run.Value(f.Name)}"));
        }
    }
}
