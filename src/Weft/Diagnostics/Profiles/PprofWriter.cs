using Weft.Tracing;

namespace Weft.Diagnostics;

/// <summary>
/// Writes pprof's <c>profile.proto</c> (github.com/google/pprof/proto/profile.proto): sample types, samples with
/// their stacks (one location and function per distinct frame name) and string labels, and the string table.
/// </summary>
internal static class PprofWriter
{
    // Field numbers of profile.proto.
    private const int ProfileSampleType = 1, ProfileSample = 2, ProfileLocation = 4, ProfileFunction = 5, ProfileStringTable = 6;
    private const int ValueTypeType = 1, ValueTypeUnit = 2;
    private const int SampleLocationId = 1, SampleValue = 2, SampleLabel = 3;
    private const int LabelKey = 1, LabelStr = 2;
    private const int LocationId = 1, LocationLine = 4;
    private const int LineFunctionId = 1;
    private const int FunctionId = 1, FunctionName = 2, FunctionSystemName = 3;

    /// <summary>One sample: frames innermost first, one value per sample type, labels.</summary>
    internal sealed record Sample(IReadOnlyList<string> Stack, IReadOnlyList<long> Values, IReadOnlyList<(string Key, string Value)> Labels);

    internal static void Write(Stream output, IReadOnlyList<(string Type, string Unit)> types, IEnumerable<Sample> samples)
    {
        var strings = new List<string> { "" }; // index 0 is the empty string, by the format's rule
        var index = new Dictionary<string, long> { [""] = 0 };
        long Str(string s)
        {
            if (!index.TryGetValue(s, out long i)) { i = strings.Count; strings.Add(s); index[s] = i; }
            return i;
        }

        var w = new ProtoWriter();
        foreach (var (type, unit) in types)
        {
            int vt = w.BeginMessage(ProfileSampleType);
            w.Int(ValueTypeType, Str(type));
            w.Int(ValueTypeUnit, Str(unit));
            w.EndMessage(vt);
        }

        var functions = new Dictionary<string, ulong>();
        foreach (var sample in samples)
        {
            int s = w.BeginMessage(ProfileSample);
            foreach (var frame in sample.Stack)
            {
                if (!functions.TryGetValue(frame, out ulong id)) functions[frame] = id = (ulong)functions.Count + 1;
                w.Varint(SampleLocationId, id);
            }

            foreach (var v in sample.Values) w.Int(SampleValue, v);
            foreach (var (key, value) in sample.Labels)
            {
                int l = w.BeginMessage(SampleLabel);
                w.Int(LabelKey, Str(key));
                w.Int(LabelStr, Str(value));
                w.EndMessage(l);
            }

            w.EndMessage(s);
        }

        // One location per function (no addresses: the stacks are async frames, not machine code).
        foreach (var (name, id) in functions)
        {
            int loc = w.BeginMessage(ProfileLocation);
            w.Varint(LocationId, id);
            int line = w.BeginMessage(LocationLine);
            w.Varint(LineFunctionId, id);
            w.EndMessage(line);
            w.EndMessage(loc);

            int fn = w.BeginMessage(ProfileFunction);
            w.Varint(FunctionId, id);
            w.Int(FunctionName, Str(name));
            w.Int(FunctionSystemName, Str(name));
            w.EndMessage(fn);
        }

        foreach (var s in strings) w.String(ProfileStringTable, s);
        output.Write(w.Written);
    }
}
