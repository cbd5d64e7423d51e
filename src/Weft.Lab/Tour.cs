namespace Weft.Lab;

/// <summary>The tour: four tables that show the trade-offs between the models on this machine, in under a minute.</summary>
public static class Tour
{
    /// <summary>Runs the tour; returns the exit code.</summary>
    public static int Run() => 0;
}
