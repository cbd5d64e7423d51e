namespace Weft.Actors;

/// <summary>A monitor's reference, unique on its node: match it against <see cref="Down.Ref"/>, pass it to <see cref="ProcessContext.Demonitor"/>.</summary>
/// <param name="Id">The number of the monitor.</param>
public readonly record struct MonitorRef(long Id)
{
    /// <summary><c>#Ref&lt;42&gt;</c>.</summary>
    public override string ToString() => $"#Ref<{Id}>";
}
