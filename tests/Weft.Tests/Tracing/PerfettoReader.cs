using System.Text;

namespace Weft.Tests.Tracing;

/// <summary>A track descriptor read back from a trace.</summary>
public sealed record TrackInfo(ulong Uuid, string Name, ulong Parent, bool IsCounter, bool IsProcess);

/// <summary>A track event read back from a trace.</summary>
public sealed record TrackEventInfo(long Timestamp, ulong Track, int Type, string? Name, IReadOnlyList<ulong> Flows,
    IReadOnlyList<ulong> TerminatingFlows, IReadOnlyDictionary<string, object> Annotations, long? CounterValue)
{
    public const int SliceBegin = 1, SliceEnd = 2, Instant = 3, Counter = 4;
}

/// <summary>
/// A small protobuf reader for the parts of Perfetto's trace format Weft writes (the test's own decoder, independent of
/// the runtime's writer): Trace.packet → TracePacket {timestamp, track_descriptor, track_event}.
/// </summary>
public sealed class PerfettoReader
{
    public List<TrackInfo> Tracks { get; } = new();

    public List<TrackEventInfo> Events { get; } = new();

    public static PerfettoReader Parse(byte[] data)
    {
        var reader = new PerfettoReader();
        foreach (var (field, _, bytes) in Fields(data))
            if (field == 1) reader.Packet(bytes);
        return reader;
    }

    private void Packet(ReadOnlyMemory<byte> packet)
    {
        long ts = 0;
        ReadOnlyMemory<byte>? ev = null;
        foreach (var (field, value, bytes) in Fields(packet))
        {
            switch (field)
            {
                case 8: ts = (long)value; break;
                case 11: ev = bytes; break;
                case 60: Tracks.Add(Descriptor(bytes)); break;
            }
        }

        if (ev is { } e) Events.Add(Event(ts, e));
    }

    private static TrackInfo Descriptor(ReadOnlyMemory<byte> data)
    {
        ulong uuid = 0, parent = 0;
        string name = "";
        bool counter = false, process = false;
        foreach (var (field, value, bytes) in Fields(data))
        {
            switch (field)
            {
                case 1: uuid = value; break;
                case 2: name = Text(bytes); break;
                case 5: parent = value; break;
                case 8: counter = true; break;
                case 3:
                    process = true;
                    foreach (var (f, _, b) in Fields(bytes))
                        if (f == 6) name = Text(b);
                    break;
            }
        }

        return new TrackInfo(uuid, name, parent, counter, process);
    }

    private static TrackEventInfo Event(long ts, ReadOnlyMemory<byte> data)
    {
        int type = 0;
        ulong track = 0;
        string? name = null;
        long? counter = null;
        var flows = new List<ulong>();
        var terminating = new List<ulong>();
        var annotations = new Dictionary<string, object>();
        foreach (var (field, value, bytes) in Fields(data))
        {
            switch (field)
            {
                case 9: type = (int)value; break;
                case 11: track = value; break;
                case 23: name = Text(bytes); break;
                case 30: counter = (long)value; break;
                case 47: flows.Add(value); break;
                case 48: terminating.Add(value); break;
                case 4:
                {
                    string key = "";
                    object? v = null;
                    foreach (var (f, val, b) in Fields(bytes))
                    {
                        if (f == 10) key = Text(b);
                        else if (f == 4) v = (long)val;
                        else if (f == 6) v = Text(b);
                    }

                    if (v is not null) annotations[key] = v;
                    break;
                }
            }
        }

        return new TrackEventInfo(ts, track, type, name, flows, terminating, annotations, counter);
    }

    private static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);

    /// <summary>The fields of one message: number, varint/fixed value, and the bytes of a length-delimited field.</summary>
    private static IEnumerable<(int Field, ulong Value, ReadOnlyMemory<byte> Bytes)> Fields(ReadOnlyMemory<byte> message)
    {
        int pos = 0;
        while (pos < message.Length)
        {
            ulong key = Varint(message.Span, ref pos);
            int field = (int)(key >> 3);
            switch ((int)(key & 7))
            {
                case 0:
                    yield return (field, Varint(message.Span, ref pos), default);
                    break;
                case 1:
                    yield return (field, BitConverter.ToUInt64(message.Span.Slice(pos, 8)), default);
                    pos += 8;
                    break;
                case 2:
                {
                    int length = checked((int)Varint(message.Span, ref pos));
                    if (pos + length > message.Length) throw new InvalidDataException($"field {field}: length {length} runs past the message");
                    yield return (field, 0, message.Slice(pos, length));
                    pos += length;
                    break;
                }

                case 5:
                    yield return (field, BitConverter.ToUInt32(message.Span.Slice(pos, 4)), default);
                    pos += 4;
                    break;
                default:
                    throw new InvalidDataException($"field {field}: unknown wire type {key & 7}");
            }
        }
    }

    private static ulong Varint(ReadOnlySpan<byte> data, ref int pos)
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = data[pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return result;
        }

        throw new InvalidDataException("varint longer than 10 bytes");
    }
}
