using System.Buffers.Binary;
using System.Text;

namespace Weft.Tracing;

/// <summary>
/// The few protobuf encodings a Perfetto trace needs (varints, fixed64, strings, nested messages), written into a
/// growing buffer that the owner drains into a stream between top-level messages.
/// </summary>
/// <remarks>
/// A nested message's length is not known until it is written, so four bytes are reserved for it and filled with a
/// padded varint afterwards (continuation bits on the leading bytes): valid protobuf, as Perfetto's own writer
/// does, and it saves copying every message.
/// </remarks>
internal sealed class ProtoWriter
{
    private const int WireVarint = 0, WireFixed64 = 1, WireLength = 2;
    private const int ReservedLengthBytes = 4;

    private byte[] _buffer = new byte[1 << 16];

    /// <summary>Bytes written and not yet drained.</summary>
    internal int Length { get; private set; }

    internal ReadOnlySpan<byte> Written => _buffer.AsSpan(0, Length);

    internal void Clear() => Length = 0;

    internal void Varint(int field, ulong value)
    {
        Tag(field, WireVarint);
        RawVarint(value);
    }

    internal void Int(int field, long value) => Varint(field, unchecked((ulong)value));

    internal void Fixed64(int field, ulong value)
    {
        Tag(field, WireFixed64);
        Ensure(8);
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.AsSpan(Length), value);
        Length += 8;
    }

    internal void String(int field, string value)
    {
        Tag(field, WireLength);
        int n = Encoding.UTF8.GetByteCount(value);
        RawVarint((ulong)n);
        Ensure(n);
        Encoding.UTF8.GetBytes(value, _buffer.AsSpan(Length, n));
        Length += n;
    }

    /// <summary>Opens a nested message; pass the result to <see cref="EndMessage"/>.</summary>
    internal int BeginMessage(int field)
    {
        Tag(field, WireLength);
        Ensure(ReservedLengthBytes);
        int at = Length;
        Length += ReservedLengthBytes;
        return at;
    }

    internal void EndMessage(int at)
    {
        int size = Length - at - ReservedLengthBytes;
        if (size >= 1 << 28) throw new InvalidOperationException("ProtoWriter: a nested message over 256 MB.");
        // A four-byte varint: 7 bits per byte, continuation bit on all but the last.
        _buffer[at] = (byte)(size & 0x7F | 0x80);
        _buffer[at + 1] = (byte)(size >> 7 & 0x7F | 0x80);
        _buffer[at + 2] = (byte)(size >> 14 & 0x7F | 0x80);
        _buffer[at + 3] = (byte)(size >> 21 & 0x7F);
    }

    private void Tag(int field, int wire) => RawVarint((ulong)((field << 3) | wire));

    private void RawVarint(ulong value)
    {
        Ensure(10);
        while (value >= 0x80)
        {
            _buffer[Length++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _buffer[Length++] = (byte)value;
    }

    private void Ensure(int more)
    {
        if (Length + more <= _buffer.Length) return;
        Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + more));
    }
}
