using Weft.Scheduling;

namespace Weft.Tests.Scheduling;

/// <summary>
/// The default MaxProcs: cgroup v2 <c>cpu.max</c> and v1 quota/period parsed from fixture roots
/// (Fixtures/cgroup/&lt;case&gt;/...), floored and at least 1; no limit or junk falls back; WEFT_MAXPROCS overrides.
/// </summary>
public sealed class MaxProcsDefaultTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "cgroup", name);

    [Theory]
    [InlineData("v2-limit-1.5", 1)] // 150000/100000 floored
    [InlineData("v2-limit-2.5", 2)]
    [InlineData("v2-namespace-root", 3)] // "0::/" inside a container: the root's cpu.max
    [InlineData("v2-limit-on-ancestor", 2)] // the leaf is unlimited, its parent is not
    [InlineData("v2-tighter-ancestor", 2)] // the leaf allows 4, its parent 2: the kernel enforces 2
    [InlineData("v1-quota", 2)]
    [InlineData("v1-cpu-dir", 3)]
    [InlineData("v1-fraction", 1)] // half a CPU is still one P
    public void Read_FixtureWithALimit_ReturnsTheFlooredCount(string fixture, int expected)
    {
        Assert.True(Directory.Exists(Fixture(fixture)), $"fixture {fixture} was not copied to the output");
        Assert.Equal(expected, CgroupCpuQuota.Read(Fixture(fixture)));
    }

    [Theory]
    [InlineData("v2-unlimited")] // "max 100000"
    [InlineData("v1-unlimited")] // quota -1
    [InlineData("v2-junk")]
    [InlineData("v1-junk")]
    [InlineData("none")]
    [InlineData("no-such-directory")]
    public void Read_FixtureWithoutAUsableLimit_ReturnsNull(string fixture)
    {
        Assert.Null(CgroupCpuQuota.Read(Fixture(fixture)));
    }

    [Theory]
    [InlineData("150000 100000", 1)]
    [InlineData("250000 100000", 2)]
    [InlineData("200000 100000\n", 2)]
    [InlineData("  400000   100000  ", 4)]
    [InlineData("50000 100000", 1)]
    [InlineData("1 100000", 1)]
    [InlineData("50000", 1)] // period defaults to 100000
    [InlineData("800000", 8)]
    [InlineData("300000 50000", 6)]
    public void ParseCpuMax_Limit_ReturnsFlooredAtLeastOne(string text, int expected)
    {
        Assert.Equal(expected, CgroupCpuQuota.ParseCpuMax(text));
    }

    [Theory]
    [InlineData("max 100000")]
    [InlineData("max")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("banana")]
    [InlineData("100000 banana")]
    [InlineData("-100000 100000")]
    [InlineData("100000 0")]
    [InlineData("0 100000")]
    [InlineData("1 2 3")]
    [InlineData("1.5 1")]
    public void ParseCpuMax_NoLimitOrJunk_ReturnsNull(string text)
    {
        Assert.Null(CgroupCpuQuota.ParseCpuMax(text));
    }

    [Theory]
    [InlineData("200000", "100000", 2)]
    [InlineData("300000\n", "100000\n", 3)]
    [InlineData("150000", "100000", 1)]
    [InlineData("10000", "100000", 1)]
    public void ParseV1_Limit_ReturnsFlooredAtLeastOne(string quota, string period, int expected)
    {
        Assert.Equal(expected, CgroupCpuQuota.ParseV1(quota, period));
    }

    [Theory]
    [InlineData("-1", "100000")]
    [InlineData("0", "100000")]
    [InlineData("twelve", "100000")]
    [InlineData("100000", "")]
    [InlineData("100000", "-100000")]
    [InlineData("100000", "0")]
    public void ParseV1_NoLimitOrJunk_ReturnsNull(string quota, string period)
    {
        Assert.Null(CgroupCpuQuota.ParseV1(quota, period));
    }

    [Theory]
    [InlineData("3", 3)]
    [InlineData(" 7 ", 7)]
    [InlineData("1", 1)]
    public void Resolve_WeftMaxProcsSet_OverridesTheCgroupLimit(string env, int expected)
    {
        Assert.Equal(expected, MaxProcsDefault.Resolve(env, Fixture("v2-limit-2.5"), processorCount: 16));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-2")]
    [InlineData("many")]
    [InlineData("2.5")]
    public void Resolve_WeftMaxProcsInvalid_FailsNamingTheVariable(string env)
    {
        var e = Assert.Throws<InvalidOperationException>(() => MaxProcsDefault.Resolve(env, Fixture("none"), processorCount: 16));
        Assert.Contains("WEFT_MAXPROCS", e.Message);
        Assert.Contains(env, e.Message);
    }

    [Theory]
    [InlineData(null, "v2-limit-2.5", 2)]
    [InlineData("", "v1-quota", 2)]
    [InlineData("  ", "v2-unlimited", 16)]
    [InlineData(null, "none", 16)]
    public void Resolve_WeftMaxProcsUnset_UsesTheCgroupLimitElseTheProcessorCount(string? env, string fixture, int expected)
    {
        Assert.Equal(expected, MaxProcsDefault.Resolve(env, Fixture(fixture), processorCount: 16));
    }
}
