namespace Weft.Tests.Net;

/// <summary>A fact that needs an outside tool on PATH (curl, wrk): skipped, with the install hint, when it is absent.</summary>
public sealed class ToolFactAttribute : FactAttribute
{
    public ToolFactAttribute(string tool, string debianPackage)
    {
        Tool = tool;
        if (Weft.Lab.Peers.Toolchain.Find(tool) is null) Skip = $"{tool} is not installed (apt-get install -y {debianPackage})";
    }

    public string Tool { get; }
}
