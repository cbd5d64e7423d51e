using Weft.Scheduling;

namespace Weft.Tasks;

/// <summary>A frame that runs one callback on a goroutine's strand (SynchronizationContext posts, task completions).</summary>
internal sealed class CallbackFrame : GoVoidFrame
{
    private readonly SendOrPostCallback _callback;
    private readonly object? _state;

    internal CallbackFrame(G owner, SendOrPostCallback callback, object? state)
    {
        Owner = owner;
        _callback = callback;
        _state = state;
    }

    internal override void MoveNextCore() => _callback(_state);

    internal override Type StateMachineType => _callback.Method.DeclaringType ?? typeof(CallbackFrame);
}
