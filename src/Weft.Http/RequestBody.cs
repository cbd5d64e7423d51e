using System.Buffers.Text;

namespace Weft.Http;

/// <summary>
/// The body of the current request, decoded from Content-Length or chunked framing (RFC 9112 §6-7) out of the
/// connection's input buffer. Reads past the end return 0.
/// </summary>
internal sealed class RequestBody(Connection connection) : Stream
{
    private enum State : byte
    {
        Done,
        Fixed,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        Trailers,
    }

    private State _state;
    private long _remaining; // in the fixed body, or in the current chunk
    private long _total;
    private long _limit;
    private bool _expectContinue;

    /// <summary>Sets up for the request just parsed.</summary>
    internal void Start(Request request, long limit)
    {
        _limit = limit;
        _total = 0;
        _expectContinue = request.ExpectContinue;
        if (request.IsChunked)
        {
            _state = State.ChunkSize;
        }
        else
        {
            _remaining = request.ContentLength;
            _state = _remaining > 0 ? State.Fixed : State.Done;
        }
    }

    internal bool IsDone => _state == State.Done;

    /// <summary>Bytes a fixed body still has, or -1 for a chunked body (for draining decisions).</summary>
    internal long KnownRemaining => _state == State.Fixed ? _remaining : _state == State.Done ? 0 : -1;

    internal async GoTask<int> ReadCoreAsync(Memory<byte> destination)
    {
        if (destination.Length == 0) return 0;
        if (_expectContinue && _state != State.Done)
        {
            _expectContinue = false;
            await connection.SendContinueAsync();
        }

        while (true)
        {
            switch (_state)
            {
                case State.Done:
                    return 0;

                case State.Fixed:
                case State.ChunkData:
                {
                    if (connection.Buffered.Length == 0) await FillAsync();
                    var available = connection.Buffered;
                    int n = (int)Math.Min(Math.Min(available.Length, destination.Length), _remaining);
                    available[..n].CopyTo(destination.Span);
                    connection.Consume(n);
                    _remaining -= n;
                    _total += n;
                    if (_total > _limit) throw new BadRequestException(413, "request body too large");
                    if (_remaining == 0) _state = _state == State.Fixed ? State.Done : State.ChunkDataEnd;
                    return n;
                }

                case State.ChunkSize:
                {
                    var line = await ReadLineAsync();
                    int semicolon = line.AsSpan().IndexOf(';'); // chunk extensions are ignored
                    var digits = semicolon < 0 ? line.AsSpan() : line.AsSpan(0, semicolon);
                    digits = digits.Trim(" \t");
                    if (digits.Length == 0 || digits.Length > 15 || !long.TryParse(digits, System.Globalization.NumberStyles.AllowHexSpecifier, null, out long size))
                        throw new BadRequestException(400, "malformed chunk size");
                    _remaining = size;
                    _state = size == 0 ? State.Trailers : State.ChunkData;
                    break;
                }

                case State.ChunkDataEnd:
                    if (await ReadLineAsync() != "") throw new BadRequestException(400, "missing CRLF after chunk data");
                    _state = State.ChunkSize;
                    break;

                case State.Trailers:
                    if (await ReadLineAsync() == "") _state = State.Done; // trailer fields are read and dropped
                    break;
            }
        }
    }

    private async GoTask FillAsync()
    {
        if (!await connection.FillAsync()) throw new BadRequestException(400, "unexpected end of stream in the request body");
    }

    /// <summary>One CRLF-terminated line of chunked framing (at most 4 KiB), without the CRLF.</summary>
    private async GoTask<string> ReadLineAsync()
    {
        while (true)
        {
            var buffered = connection.Buffered;
            int end = buffered.IndexOf("\r\n"u8);
            if (end >= 0)
            {
                string line = System.Text.Encoding.Latin1.GetString(buffered[..end]);
                connection.Consume(end + 2);
                return line;
            }

            if (buffered.Length > 4096) throw new BadRequestException(400, "chunk line too long");
            await FillAsync();
        }
    }

    /// <summary>Reads and drops what the handler left; false when there is too much to bother (close instead).</summary>
    internal async GoTask<bool> DrainAsync()
    {
        const long maxDrain = 256 * 1024; // as Go: past this, closing is cheaper than reading
        long drained = 0;
        var scratch = connection.Scratch;
        while (_state != State.Done)
        {
            if (KnownRemaining > maxDrain - drained) return false;
            int n = await ReadCoreAsync(scratch);
            drained += n;
            if (drained > maxDrain) return false;
        }

        return true;
    }

    // ---- Stream -------------------------------------------------------------------------------------

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException("The request body has no known length; see Request.ContentLength.");

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ReadCoreAsync(buffer).AsValueTask();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadCoreAsync(buffer.AsMemory(offset, count)).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("Request.Body: synchronous reads would block a runtime thread; use ReadAsync.");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
