using System.Diagnostics;

namespace Weft.Diagnostics;

/// <summary>Where a goroutine was started, for dumps (<see cref="GoOptions.TrackCreationSites"/>).</summary>
internal static class CreationSite
{
    /// <summary>The first frame outside Weft's own code on the current stack, as "Type.Method".</summary>
    public static string Capture()
    {
        var trace = new StackTrace(2, fNeedFileInfo: false);
        foreach (var frame in trace.GetFrames())
        {
            var method = frame.GetMethod();
            var type = method?.DeclaringType;
            if (type is null || type.Assembly == typeof(CreationSite).Assembly) continue;
            return $"{AsyncFrameNames.Describe(type, method!.Name)}";
        }

        return "unknown";
    }
}

/// <summary>Readable names for compiler-generated async state machines and lambdas.</summary>
internal static class AsyncFrameNames
{
    /// <summary>"Namespace.Type.Method" for a method, unwrapping state machines ("&lt;Foo&gt;d__3.MoveNext" → "Foo").</summary>
    public static string Describe(Type type, string methodName)
    {
        var owner = type;
        var name = methodName;
        if (type.Name.StartsWith('<') && type.DeclaringType is { } declaring)
        {
            int end = type.Name.IndexOf('>');
            name = end > 1 ? type.Name[1..end] : type.Name;
            owner = declaring;
        }

        while (owner.Name.StartsWith('<') && owner.DeclaringType is { } outer) owner = outer;
        return $"{owner.FullName?.Replace('+', '.')}.{name}";
    }

    /// <summary>The async method a state machine type belongs to.</summary>
    public static string OfStateMachine(Type stateMachine) => Describe(stateMachine, "MoveNext");
}
