using System.Runtime.CompilerServices;

namespace Weft.Channels;

/// <summary>
/// The lock of one channel: a CAS spin lock. Critical sections are a few dozen instructions and never block, run
/// user code or ready a goroutine, so spinning (yielding the thread when it takes long) beats a kernel lock.
/// </summary>
internal struct ChanLock
{
    private int _held;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Enter()
    {
        if (Interlocked.CompareExchange(ref _held, 1, 0) != 0) EnterSlow();
    }

    private void EnterSlow()
    {
        var spin = new SpinWait();
        while (true)
        {
            if (Volatile.Read(ref _held) == 0 && Interlocked.CompareExchange(ref _held, 1, 0) == 0) return;
            spin.SpinOnce(sleep1Threshold: -1); // never Sleep(1): a holder releases within nanoseconds
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Exit() => Volatile.Write(ref _held, 0);

    public readonly bool IsHeld => Volatile.Read(ref Unsafe.AsRef(in _held)) != 0;
}
