namespace Weft.Actors.Diagnostics;

/// <summary>What a behaviour (GenServer, supervisor) adds to its process's line in <see cref="Actors.Dump"/>.</summary>
internal interface IDumpable
{
    /// <summary><c>gen_server</c>, <c>supervisor one_for_one</c>, ...</summary>
    string Kind { get; }

    /// <summary>A short text of the behaviour's state, or null.</summary>
    string? State { get; }

    /// <summary>A supervisor's children in start order, or null.</summary>
    IReadOnlyList<ChildInfo>? Children { get; }
}
