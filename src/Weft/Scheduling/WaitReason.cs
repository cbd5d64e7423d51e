namespace Weft.Scheduling;

/// <summary>Why a goroutine is parked (Go's <c>waitReason</c>); printed by dumps.</summary>
internal enum WaitReason : byte
{
    None,
    ChanSend,
    ChanReceive,
    ChanSendNil,
    ChanReceiveNil,
    Select,
    SelectNoCases,
    Sleep,
    MutexLock,
    RWMutexRLock,
    RWMutexLock,
    WaitGroupWait,
    CondWait,
    Semacquire,
    IOWait,
    BlockingCall,
    ForeignAwait,
    GoroutineAwait,
    Yield,
    Preempted,
}

internal static class WaitReasonText
{
    /// <summary>Go's spelling of each reason.</summary>
    public static string Of(WaitReason reason) => reason switch
    {
        WaitReason.ChanSend => "chan send",
        WaitReason.ChanReceive => "chan receive",
        WaitReason.ChanSendNil => "chan send (nil chan)",
        WaitReason.ChanReceiveNil => "chan receive (nil chan)",
        WaitReason.Select => "select",
        WaitReason.SelectNoCases => "select (no cases)",
        WaitReason.Sleep => "sleep",
        WaitReason.MutexLock => "sync.Mutex.Lock",
        WaitReason.RWMutexRLock => "sync.RWMutex.RLock",
        WaitReason.RWMutexLock => "sync.RWMutex.Lock",
        WaitReason.WaitGroupWait => "sync.WaitGroup.Wait",
        WaitReason.CondWait => "sync.Cond.Wait",
        WaitReason.Semacquire => "semacquire",
        WaitReason.IOWait => "IO wait",
        WaitReason.BlockingCall => "blocking call",
        WaitReason.ForeignAwait => "foreign await",
        WaitReason.GoroutineAwait => "goroutine await",
        WaitReason.Yield => "runnable",
        WaitReason.Preempted => "runnable",
        _ => "waiting",
    };
}
