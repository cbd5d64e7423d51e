namespace Weft.Contexts;

/// <summary>Background and TODO: never canceled, no values.</summary>
internal sealed class EmptyContext(string name) : GoContext
{
    public override ChanReader<bool> Done => default;

    public override Exception? Err => null;

    public override DateTime? Deadline => null;

    public override CancellationToken CancellationToken => CancellationToken.None;

    private protected override GoContext? ParentForValues => null;

    internal override CancelContext? Canceler => null;

    public override string ToString() => name;
}

/// <summary>A context that adds one key/value pair to its parent (Go's <c>valueCtx</c>).</summary>
internal sealed class ValueContext(GoContext parent, object key, object? value) : GoContext
{
    internal object Key => key;

    internal object? Val => value;

    public override ChanReader<bool> Done => parent.Done;

    public override Exception? Err => parent.Err;

    public override DateTime? Deadline => parent.Deadline;

    public override CancellationToken CancellationToken => parent.CancellationToken;

    private protected override GoContext? ParentForValues => parent;

    internal override CancelContext? Canceler => parent.Canceler;

    public override string ToString() => $"{parent}.WithValue({key}, {value})";
}

/// <summary>The parent's values without its cancellation (Go's <c>withoutCancelCtx</c>).</summary>
internal sealed class WithoutCancelContext(GoContext parent) : GoContext
{
    public override ChanReader<bool> Done => default;

    public override Exception? Err => null;

    public override DateTime? Deadline => null;

    public override CancellationToken CancellationToken => CancellationToken.None;

    private protected override GoContext? ParentForValues => parent;

    internal override CancelContext? Canceler => null;

    public override string ToString() => $"{parent}.WithoutCancel";
}
