using System.Net;
using System.Net.Sockets;

namespace Weft.Netpoll;

/// <summary>The fallback listener (see <see cref="SocketConn"/>).</summary>
internal sealed class SocketListener : ListenerBackend
{
    private readonly Socket _socket;
    private readonly SocketDeadline _deadline = new();
    private volatile bool _closed;

    internal SocketListener(IPEndPoint endpoint, int backlog)
    {
        _socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endpoint.Address.Equals(IPAddress.IPv6Any)) _socket.DualMode = true;
            _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _socket.Bind(endpoint);
            _socket.Listen(backlog);
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
    }

    internal override IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    internal override async GoTask<ConnBackend> AcceptAsync(CancellationToken ct, TcpListener owner)
    {
        if (_closed) throw NetErrors.Closed("accept", owner.Describe());
        if (_deadline.Expired) throw NetErrors.Timeout("accept", owner.Describe(), ((INetDescribed)owner).DeadlineOf(IoMode.Read));
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _deadline.Token);
        try
        {
            var accepted = await _socket.AcceptAsync(linked.Token);
            accepted.NoDelay = true;
            return new SocketConn(accepted);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            if (_closed) throw NetErrors.Closed("accept", owner.Describe());
            if (ct.IsCancellationRequested) throw new OperationCanceledException(ct);
            if (_deadline.Expired) throw NetErrors.Timeout("accept", owner.Describe(), ((INetDescribed)owner).DeadlineOf(IoMode.Read));
            throw;
        }
    }

    internal override void Close()
    {
        _closed = true;
        _socket.Dispose();
    }

    internal override void SetDeadline(long when) => _deadline.Set(when);
}
