using Weft.Scheduling;

namespace Weft;

// Go.Sleep with a cancellation token or a context (the Weft waits that take one or the other).
public static partial class Go
{
    /// <summary>
    /// Parks the goroutine for at least <paramref name="duration"/>, or until <paramref name="cancellationToken"/> is
    /// canceled, which throws <see cref="OperationCanceledException"/>. Outside goroutines it awaits a .NET delay.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is negative.</exception>
    public static GoTask Sleep(TimeSpan duration, CancellationToken cancellationToken)
    {
        var plain = Sleep(duration);
        if (!cancellationToken.CanBeCanceled) return AwaitSleep(plain);
        return CancelableSleep(duration, cancellationToken);

        static async GoTask AwaitSleep(SleepAwaitable sleep) => await sleep;
    }

    /// <summary>As <see cref="Sleep(TimeSpan, CancellationToken)"/>, ended by the context's cancellation (Go's select on a timer and ctx.Done()).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    public static GoTask Sleep(TimeSpan duration, GoContext context) => Sleep(duration, GoContext.TokenOf(context));

    private static async GoTask CancelableSleep(TimeSpan duration, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (G.Current is null)
        {
#pragma warning disable WEFT002 // outside goroutines there is no Weft scheduler to stay on: a .NET timer is the right wait
            await Task.Delay(duration, cancellationToken);
#pragma warning restore WEFT002
            return;
        }

        var timer = Time.NewTimer(duration);
        try
        {
            await timer.C.ReceiveAsync(cancellationToken);
        }
        finally
        {
            timer.Stop();
        }
    }
}
