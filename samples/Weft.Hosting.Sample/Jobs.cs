using Weft;

namespace Weft.Hosting.Sample;

/// <summary>The channel between the job source and the workers: buffered, so the source runs a little ahead.</summary>
public sealed class Jobs
{
    /// <summary>Job numbers, in order; closed when the source stops.</summary>
    public Chan<int> Queue { get; } = new(capacity: 64);
}
