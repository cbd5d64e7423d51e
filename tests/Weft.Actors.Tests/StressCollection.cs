namespace Weft.Actors.Tests;

/// <summary>The fault-injection tests saturate the cores: they run one at a time, not beside each other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StressCollection
{
    public const string Name = "Actors stress (not parallel)";
}
