namespace Weft;

/// <summary>The <see cref="Stream"/> view of a <see cref="TcpConn"/> (<see cref="TcpConn.AsStream"/>).</summary>
internal sealed class NetStream(TcpConn conn, bool ownsConnection) : Stream
{
    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException("A network stream has no length.");

    public override long Position
    {
        get => throw new NotSupportedException("A network stream has no position.");
        set => throw new NotSupportedException("A network stream has no position.");
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        conn.ReadAsync(buffer, cancellationToken).AsValueTask();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        conn.ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        conn.WriteAsync(buffer, cancellationToken).AsValueTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        conn.WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    // Synchronous calls would block an M (a goroutine's thread) on the network: refuse them loudly.
    public override int Read(byte[] buffer, int offset, int count) => throw SyncRefused();

    public override void Write(byte[] buffer, int offset, int count) => throw SyncRefused();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A network stream cannot seek.");

    public override void SetLength(long value) => throw new NotSupportedException("A network stream has no length.");

    private static NotSupportedException SyncRefused() =>
        new("TcpConn.AsStream(): synchronous Read/Write would block a runtime thread; use ReadAsync/WriteAsync.");

    protected override void Dispose(bool disposing)
    {
        if (disposing && ownsConnection) conn.Close();
        base.Dispose(disposing);
    }
}
