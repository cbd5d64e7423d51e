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

/// <summary>Readable names for compiler-generated async state machines, lambdas and local functions.</summary>
internal static class AsyncFrameNames
{
    /// <summary>
    /// "Namespace.Type.Method" for a method; unwraps compiler names: an async method's state machine
    /// ("&lt;Foo&gt;d__3" → Foo), a lambda ("&lt;Foo&gt;b__3_0" → Foo.func1, as Go names closures), a local function
    /// ("&lt;Foo&gt;g__Bar|3_0" → Foo.Bar).
    /// </summary>
    public static string Describe(Type type, string methodName)
    {
        var owner = type;
        var name = methodName;
        if (type.Name.StartsWith('<') && type.DeclaringType is { } declaring)
        {
            name = Unmangle(type.Name);
            owner = declaring;
        }
        else if (methodName.StartsWith('<'))
        {
            name = Unmangle(methodName);
        }

        // Closures live in display classes ("<>c", "<>c__DisplayClass3_0"): name them after the real type.
        while (owner.Name.StartsWith('<') && owner.DeclaringType is { } outer) owner = outer;
        return $"{owner.FullName?.Replace('+', '.')}.{name}";
    }

    /// <summary>The async method a state machine type belongs to.</summary>
    public static string OfStateMachine(Type stateMachine) => Describe(stateMachine, "MoveNext");

    private static string Unmangle(string mangled)
    {
        // Strip one level of "<...>d__N" (the state machine of an async method or lambda).
        var name = mangled;
        if (name.StartsWith('<') && name.EndsWith('d') || name.Contains(">d__", StringComparison.Ordinal))
        {
            int end = name.LastIndexOf('>');
            if (end > 1) name = name[1..end];
        }

        // A lambda: "<Foo>b__3_0" → "Foo.func1".
        int lambda = name.IndexOf(">b__", StringComparison.Ordinal);
        if (name.StartsWith('<') && lambda > 1)
        {
            var method = name[1..lambda];
            var suffix = name[(lambda + 4)..];
            int underscore = suffix.LastIndexOf('_');
            int index = underscore >= 0 && int.TryParse(suffix[(underscore + 1)..], out int n) ? n + 1 : 1;
            return $"{method}.func{index}";
        }

        // A local function: "<Foo>g__Bar|3_0" → "Foo.Bar".
        int local = name.IndexOf(">g__", StringComparison.Ordinal);
        if (name.StartsWith('<') && local > 1)
        {
            var method = name[1..local];
            var rest = name[(local + 4)..];
            int bar = rest.IndexOf('|');
            return $"{method}.{(bar >= 0 ? rest[..bar] : rest)}";
        }

        if (name.StartsWith('<'))
        {
            int end = name.IndexOf('>');
            if (end > 1) return name[1..end];
        }

        return name;
    }
}
