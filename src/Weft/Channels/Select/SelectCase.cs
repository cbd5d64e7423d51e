using Weft.Channels;
using Weft.Scheduling;

namespace Weft;

/// <summary>
/// A case of a <see cref="Select"/>: <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>. Implemented only by
/// Weft; the struct cases make <c>Select.Of(...)</c> with up to eight cases allocation-free.
/// </summary>
public interface ISelectCase
{
    /// <summary>Copies the case into its waiter of the select.</summary>
    internal void Load(SelectWaiter node);
}

/// <summary>A select case receiving from a channel (null: the nil channel, never ready).</summary>
/// <typeparam name="T">The element type.</typeparam>
public readonly struct ReceiveCase<T> : ISelectCase
{
    private readonly Chan<T>? _chan;

    internal ReceiveCase(Chan<T>? chan) => _chan = chan;

    void ISelectCase.Load(SelectWaiter node)
    {
        if (_chan is null) node.LoadNil(send: false);
        else _chan.LoadCase(node, send: false);
    }
}

/// <summary>A select case sending a value on a channel (null: the nil channel, never ready).</summary>
/// <typeparam name="T">The element type.</typeparam>
public readonly struct SendCase<T> : ISelectCase
{
    private readonly Chan<T>? _chan;
    private readonly T _value;

    internal SendCase(Chan<T>? chan, T value)
    {
        _chan = chan;
        _value = value;
    }

    void ISelectCase.Load(SelectWaiter node)
    {
        if (_chan is null)
        {
            node.LoadNil(send: true);
            return;
        }

        _chan.LoadCase(node, send: true);
        ElemSlot<T>.Store(node, _value);
    }
}
