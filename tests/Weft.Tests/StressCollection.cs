namespace Weft.Tests;

/// <summary>
/// Tests that saturate the machine's cores (stress loops, a million goroutines, timing-sensitive checks) run one at a
/// time in this collection, not beside each other, so on a 2-core CI machine they neither starve each other nor
/// stretch each other's hang guards.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StressCollection
{
    public const string Name = "Stress (not parallel)";
}
