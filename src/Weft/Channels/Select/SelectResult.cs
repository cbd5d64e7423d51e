using System.Runtime.CompilerServices;
using Weft.Scheduling;

namespace Weft;

/// <summary>
/// The outcome of a <see cref="Select"/>: which case ran (<see cref="Index"/>, in argument order; -1 for the
/// default of <c>Select.Try(...)</c>), and for a receive case the value and whether it was sent.
/// </summary>
public readonly struct SelectResult
{
    private readonly object? _ref;
    private readonly long _bits;
    private readonly Type? _elementType;

    internal SelectResult(int index, in SelectOutcome outcome)
    {
        Index = index;
        Ok = outcome.Ok;
        _ref = outcome.Ref;
        _bits = outcome.Bits;
        _elementType = outcome.ElementType;
    }

    /// <summary>The result of the default case.</summary>
    internal static SelectResult Default => new(-1, default);

    /// <summary>The case that ran, counted from 0 in argument order; -1 when the default case ran.</summary>
    public int Index { get; }

    /// <summary>For a receive case: true for a value sent on the channel, false when the channel was closed. True for sends.</summary>
    public bool Ok { get; }

    /// <summary>True when no case was ready and the select had a default (<c>Select.Try(...)</c>).</summary>
    public bool IsDefault => Index < 0;

    /// <summary>The value received by the chosen case (default when <see cref="Ok"/> is false).</summary>
    /// <typeparam name="T">The element type of the chosen case's channel.</typeparam>
    /// <exception cref="InvalidOperationException">The chosen case was not a receive of <typeparamref name="T"/>.</exception>
    public T Value<T>()
    {
        if (_elementType != typeof(T))
        {
            throw new InvalidOperationException(_elementType is null
                ? $"Select case {Index} was {(IsDefault ? "the default case" : "a send")}: it received no value."
                : $"Select case {Index} received a {_elementType}, not a {typeof(T)}.");
        }

        if (!typeof(T).IsValueType) return Unsafe.As<object?, T>(ref Unsafe.AsRef(in _ref));
        if (ElemSlot<T>.FitsInline)
        {
            long bits = _bits;
            return Unsafe.As<long, T>(ref bits);
        }

        return _ref is null ? default! : (T)_ref;
    }

    /// <inheritdoc />
    public override string ToString() => IsDefault ? "default" : $"case {Index} (ok={Ok})";
}

/// <summary>Mutable form of <see cref="SelectResult"/> filled while the channels are locked.</summary>
internal struct SelectOutcome
{
    public bool Ok;
    public object? Ref;
    public long Bits;
    public Type? ElementType;

    /// <summary>Records a received value (boxed only when it fits neither inline slot).</summary>
    public void SetReceived<T>(T value, bool ok)
    {
        Ok = ok;
        ElementType = typeof(T);
        if (!typeof(T).IsValueType) Ref = value;
        else if (ElemSlot<T>.FitsInline) Unsafe.As<long, T>(ref Bits) = value;
        else Ref = value;
    }
}
