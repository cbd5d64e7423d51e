using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Weft.Channels;
using StcChannelClosedException = System.Threading.Channels.ChannelClosedException;

namespace Weft;

/// <summary>
/// Interop with <see cref="System.Threading.Channels"/>: a <see cref="Chan{T}"/> seen as a
/// <see cref="ChannelReader{T}"/>, <see cref="ChannelWriter{T}"/> or <see cref="Channel{T}"/> (no copy: the same
/// channel), and a <see cref="ChannelReader{T}"/> or <see cref="ChannelWriter{T}"/> turned into a Weft channel (a
/// goroutine pumps values across).
/// </summary>
/// <remarks>
/// <para><b>Semantic gaps</b> (a Go channel cannot express everything the System.Threading.Channels API promises):</para>
/// <list type="bullet">
/// <item><b>WaitToReadAsync / TryPeek take the value.</b> A Weft receiver cannot wait for a value without taking
/// it, so <see cref="ChannelReader{T}.WaitToReadAsync"/> (when it has to wait) and
/// <see cref="ChannelReader{T}.TryPeek"/> receive the value into the reader adapter, where the next
/// <c>TryRead</c>/<c>ReadAsync</c> of that adapter finds it. On an unbuffered channel this completes the sender's
/// rendezvous at the wait, not at the read; a value taken this way belongs to that adapter instance (abandoning the
/// adapter abandons it). Values are never lost or duplicated otherwise, and cancellation never loses one.</item>
/// <item><b>WaitToWriteAsync polls when the channel is full.</b> A Weft sender cannot wait for room without
/// offering a value, so when no receiver waits and the buffer is full, <see cref="ChannelWriter{T}.WaitToWriteAsync"/>
/// re-checks with a back-off from 1 ms up to 8 ms. <see cref="ChannelWriter{T}.WriteAsync"/> does not poll: it is a
/// plain send and parks like one — prefer it.</item>
/// <item><b>Completion.</b> A reader adapter's <see cref="ChannelReader{T}.Completion"/> completes once a read
/// through that adapter has seen the channel closed and drained (there is no close notification without a
/// receive). Reads that bypass the adapter do not complete it.</item>
/// <item><b>Completion errors.</b> Go channels carry no error. <c>TryComplete(error)</c> closes the channel and
/// remembers the error beside it, so every reader adapter of the same channel surfaces it (WaitToReadAsync throws
/// it, ReadAsync throws <see cref="StcChannelClosedException"/> with it as the inner exception, Completion faults);
/// plain Weft receivers just see the channel closed.</item>
/// <item><b>Closing</b> goes through the writer (<c>Complete</c>/<c>TryComplete</c> close the channel), exactly once:
/// a later <c>TryComplete</c> returns false, as does one after <see cref="Chan{T}.Close"/>.</item>
/// </list>
/// </remarks>
public static class ChanAdapters
{
    /// <summary>Views <paramref name="chan"/> as a <see cref="ChannelReader{T}"/> (see the class remarks for the gaps).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="chan"/> is null.</exception>
    public static ChannelReader<T> AsChannelReader<T>(this Chan<T> chan) =>
        new ChanChannelReader<T>(chan ?? throw new ArgumentNullException(nameof(chan)));

    /// <summary>Views the channel behind a receive-only view as a <see cref="ChannelReader{T}"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="chan"/> is the nil channel.</exception>
    public static ChannelReader<T> AsChannelReader<T>(this ChanReader<T> chan) =>
        new ChanChannelReader<T>(chan.Channel ?? throw new ArgumentException("A nil channel has no ChannelReader: it never yields a value.", nameof(chan)));

    /// <summary>Views <paramref name="chan"/> as a <see cref="ChannelWriter{T}"/>; completing the writer closes the channel.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="chan"/> is null.</exception>
    public static ChannelWriter<T> AsChannelWriter<T>(this Chan<T> chan) =>
        new ChanChannelWriter<T>(chan ?? throw new ArgumentNullException(nameof(chan)));

    /// <summary>Views the channel behind a send-only view as a <see cref="ChannelWriter{T}"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="chan"/> is the nil channel.</exception>
    public static ChannelWriter<T> AsChannelWriter<T>(this ChanWriter<T> chan) =>
        new ChanChannelWriter<T>(chan.Channel ?? throw new ArgumentException("A nil channel has no ChannelWriter: it never accepts a value.", nameof(chan)));

    /// <summary>Views <paramref name="chan"/> as a <see cref="Channel{T}"/>: a reader and a writer over the same channel.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="chan"/> is null.</exception>
    public static Channel<T> AsChannel<T>(this Chan<T> chan) =>
        new ChanChannel<T>(chan ?? throw new ArgumentNullException(nameof(chan)));

    /// <summary>
    /// A Weft channel fed from <paramref name="reader"/>: a goroutine (on the current goroutine's runtime, or
    /// <see cref="GoRuntime.Default"/>) reads each item and sends it on the channel, in order, and closes the channel
    /// when the reader completes. If the reader completes with an error, the channel is closed all the same and the
    /// error is kept beside it for <see cref="AsChannelReader{T}(ChanReader{T})"/> (see the class remarks); a
    /// cancellation of <paramref name="cancellationToken"/> stops the pump and closes the channel (an item read but
    /// not yet sent is dropped).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="reader"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is negative.</exception>
    public static ChanReader<T> ToChan<T>(this ChannelReader<T> reader, int capacity = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var chan = new Chan<T>(capacity);
        Go.Start(() => PumpFrom(reader, chan, cancellationToken));
        return chan;
    }

    /// <summary>
    /// A Weft channel draining into <paramref name="writer"/>: a goroutine receives each value and writes it to the
    /// writer, in order; closing the channel completes the writer (with the error given to
    /// <c>AsChannelWriter().TryComplete(error)</c>, if any). If the writer refuses a value (it was completed or
    /// faulted) or <paramref name="cancellationToken"/> is canceled, the pump stops and closes the channel, so that
    /// blocked and later senders fail with <see cref="ChannelClosedException"/> instead of waiting forever; the value
    /// refused and any still buffered are dropped, and the writer is left as it is.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is negative.</exception>
    public static ChanWriter<T> ToChan<T>(this ChannelWriter<T> writer, int capacity = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var chan = new Chan<T>(capacity);
        Go.Start(() => PumpTo(chan, writer, cancellationToken));
        return chan;
    }

    private static async GoTask PumpFrom<T>(ChannelReader<T> reader, Chan<T> chan, CancellationToken cancellationToken)
    {
        Exception? error = null;
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken))
            {
                while (reader.TryRead(out var item)) await chan.SendAsync(item, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped by the caller: close without an error.
        }
        catch (Exception e)
        {
            error = e; // the reader completed with an error
        }

        ChanCompletion.TryClose(chan, error);
    }

    private static async GoTask PumpTo<T>(Chan<T> chan, ChannelWriter<T> writer, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var (item, ok) = await chan.ReceiveWithOkAsync(cancellationToken);
                if (!ok)
                {
                    writer.TryComplete(ChanCompletion.ErrorOf(chan));
                    return;
                }

                await writer.WriteAsync(item, cancellationToken);
            }
        }
        catch (Exception)
        {
            // Canceled, or the writer refused the value: stop accepting values so that senders fail, not hang.
            ChanCompletion.TryClose(chan, null);
        }
    }
}

/// <summary>
/// The completion error of a channel closed through an adapter, kept beside the channel (Go channels carry none),
/// and the single place adapters close a channel.
/// </summary>
internal sealed class ChanCompletion
{
    private static readonly ConditionalWeakTable<object, ChanCompletion> s_table = new();

    /// <summary>The error the channel was completed with, or null. Written under lock(this) before the close.</summary>
    private Exception? _error;

    internal static Exception? ErrorOf(object chan) => s_table.TryGetValue(chan, out var state) ? Volatile.Read(ref state._error) : null;

    /// <summary>Closes <paramref name="chan"/>, recording <paramref name="error"/> first; false if it was already closed.</summary>
    internal static bool TryClose<T>(Chan<T> chan, Exception? error)
    {
        var state = s_table.GetValue(chan, static _ => new ChanCompletion());
        lock (state)
        {
            if (chan.IsClosed) return false;
            Volatile.Write(ref state._error, error); // visible to any reader that observes the close
            try
            {
                chan.Close();
                return true;
            }
            catch (InvalidOperationException)
            {
                // Closed directly (Chan.Close) in the meantime: that close carries no error.
                Volatile.Write(ref state._error, null);
                return false;
            }
        }
    }

    /// <summary>What a read on a closed, drained channel throws (the shape System.Threading.Channels uses).</summary>
    internal static Exception ClosedException(object chan) => ErrorOf(chan) switch
    {
        null => new StcChannelClosedException(),
        StcChannelClosedException closed => closed,
        OperationCanceledException canceled => canceled,
        var error => new StcChannelClosedException(error),
    };
}

/// <summary>A <see cref="Chan{T}"/> as a <see cref="ChannelReader{T}"/>. Safe for concurrent readers.</summary>
internal sealed class ChanChannelReader<T>(Chan<T> chan) : ChannelReader<T>
{
    /// <summary>Values received from the channel by WaitToReadAsync or TryPeek, handed out first by the reads.</summary>
    private readonly ConcurrentQueue<T> _taken = new();

    /// <summary>Receives under way that may still add to <see cref="_taken"/> (so the end is not declared early).</summary>
    private int _taking;

    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override Task Completion => _completion.Task;

    public override bool CanCount => true;

    public override int Count => chan.Len + _taken.Count;

    public override bool CanPeek => true;

    public override bool TryRead(out T item)
    {
        if (_taken.TryDequeue(out item!)) return true;
        if (chan.TryReceive(out item, out bool ok))
        {
            if (ok) return true;
            if (_taken.TryDequeue(out item!)) return true; // taken by a concurrent wait meanwhile
            ObserveEnd();
        }

        item = default!;
        return false;
    }

    public override bool TryPeek(out T item)
    {
        if (_taken.TryPeek(out item!)) return true;
        TryTakeNow(out _);
        return _taken.TryPeek(out item!);
    }

    public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<bool>(cancellationToken);
        if (!_taken.IsEmpty) return new(true);
        if (TryTakeNow(out bool closed)) return new(true);
        return closed ? End() : WaitSlow(cancellationToken);
    }

    private async ValueTask<bool> WaitSlow(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _taking);
        try
        {
            var (value, ok) = await chan.ReceiveWithOkAsync(cancellationToken);
            if (ok)
            {
                _taken.Enqueue(value);
                return true;
            }
        }
        finally
        {
            Interlocked.Decrement(ref _taking);
        }

        return await End();
    }

    /// <summary>Moves one value from the channel into <see cref="_taken"/> if one is ready now.</summary>
    private bool TryTakeNow(out bool closed)
    {
        Interlocked.Increment(ref _taking);
        try
        {
            closed = false;
            if (!chan.TryReceive(out var value, out bool ok)) return false;
            if (!ok)
            {
                closed = true;
                return false;
            }

            _taken.Enqueue(value);
            return true;
        }
        finally
        {
            Interlocked.Decrement(ref _taking);
        }
    }

    /// <summary>The channel is closed and drained: true while this adapter still holds values, else false or the error.</summary>
    private ValueTask<bool> End()
    {
        if (!_taken.IsEmpty) return new(true);
        ObserveEnd();
        return ChanCompletion.ErrorOf(chan) is { } error ? ValueTask.FromException<bool>(error) : new(false);
    }

    public override ValueTask<T> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<T>(cancellationToken);
        return TryRead(out var item) ? new(item) : ReadSlow(cancellationToken);
    }

    private async ValueTask<T> ReadSlow(CancellationToken cancellationToken)
    {
        var (value, ok) = await chan.ReceiveWithOkAsync(cancellationToken);
        if (ok) return value;
        if (_taken.TryDequeue(out value!)) return value;
        ObserveEnd();
        throw ChanCompletion.ClosedException(chan);
    }

    /// <summary>Completes <see cref="Completion"/> once nothing is left in this adapter or on its way in.</summary>
    private void ObserveEnd()
    {
        if (Volatile.Read(ref _taking) != 0 || !_taken.IsEmpty) return;
        if (ChanCompletion.ErrorOf(chan) is { } error) _completion.TrySetException(error);
        else _completion.TrySetResult();
    }
}

/// <summary>A <see cref="Chan{T}"/> as a <see cref="ChannelWriter{T}"/>.</summary>
internal sealed class ChanChannelWriter<T>(Chan<T> chan) : ChannelWriter<T>
{
    /// <summary>The longest pause between two readiness checks of a blocked WaitToWriteAsync.</summary>
    private const int MaxPollMilliseconds = 8;

    public override bool TryComplete(Exception? error = null) => ChanCompletion.TryClose(chan, error);

    public override bool TryWrite(T item) => !chan.IsClosed && chan.TrySendLocked(item) == OpResult.Completed;

    public override ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<bool>(cancellationToken);
        return chan.SendWouldNotBlock ? Ready() : WaitSlow(cancellationToken);
    }

    private async ValueTask<bool> WaitSlow(CancellationToken cancellationToken)
    {
        // No way to park for "room" without offering a value (see ChanAdapters' remarks): poll with a back-off.
        int delay = 1;
        while (!chan.SendWouldNotBlock)
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = Math.Min(delay * 2, MaxPollMilliseconds);
        }

        return await Ready().ConfigureAwait(false);
    }

    /// <summary>True while open; once closed, false, or the error the channel was completed with.</summary>
    private ValueTask<bool> Ready()
    {
        if (!chan.IsClosed) return new(true);
        return ChanCompletion.ErrorOf(chan) is { } error ? ValueTask.FromException<bool>(error) : new(false);
    }

    public override ValueTask WriteAsync(T item, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled(cancellationToken);
        if (chan.IsClosed) return ValueTask.FromException(ChanCompletion.ClosedException(chan));
        return WriteSlow(item, cancellationToken);
    }

    private async ValueTask WriteSlow(T item, CancellationToken cancellationToken)
    {
        try
        {
            await chan.SendAsync(item, cancellationToken);
        }
        catch (Weft.ChannelClosedException)
        {
            throw ChanCompletion.ClosedException(chan);
        }
    }
}

/// <summary>A <see cref="Chan{T}"/> as a <see cref="Channel{T}"/>.</summary>
internal sealed class ChanChannel<T> : Channel<T>
{
    internal ChanChannel(Chan<T> chan)
    {
        Reader = new ChanChannelReader<T>(chan);
        Writer = new ChanChannelWriter<T>(chan);
    }
}
