using Weft.Channels;

namespace Weft;

/// <summary>
/// Go's <c>select</c>: waits on several channel operations and runs exactly one — a ready case chosen uniformly at
/// random, or, if none is ready, the first to become ready. <c>Select.Of(...)</c> blocks (await it);
/// <c>Select.Try(...)</c> is the form with a <c>default</c> case and never blocks.
/// </summary>
/// <example>
/// <code>
/// var r = await Select.Of(Select.Receive(jobs), Select.Send(results, last), Select.Receive(quit));
/// switch (r.Index)
/// {
///     case 0: Handle(r.Value&lt;Job&gt;()); break;   // received a job (r.Ok false: jobs was closed)
///     case 1: break;                               // sent last
///     case 2: return;                              // quit
/// }
/// </code>
/// </example>
/// <remarks>
/// Cases on a nil channel (a null <see cref="Chan{T}"/> or a default view) are never ready; a select with no cases
/// blocks forever. A send case on a closed channel throws <see cref="ChannelClosedException"/>, as Go panics.
/// With up to eight cases a select allocates nothing per call.
/// </remarks>
public static partial class Select
{
    /// <summary>A case receiving from <paramref name="channel"/> (null: never ready).</summary>
    public static ReceiveCase<T> Receive<T>(Chan<T>? channel) => new(channel);

    /// <summary>A case receiving from <paramref name="channel"/> (the nil view: never ready).</summary>
    public static ReceiveCase<T> Receive<T>(ChanReader<T> channel) => new(channel.Channel);

    /// <summary>A case sending <paramref name="value"/> on <paramref name="channel"/> (null: never ready).</summary>
    public static SendCase<T> Send<T>(Chan<T>? channel, T value) => new(channel, value);

    /// <summary>A case sending <paramref name="value"/> on <paramref name="channel"/> (the nil view: never ready).</summary>
    public static SendCase<T> Send<T>(ChanWriter<T> channel, T value) => new(channel.Channel, value);

    /// <summary>A select with no cases: blocks forever (Go's <c>select {}</c>).</summary>
    public static SelectAwaitable Of() => new(SelectState.Acquire(0), default);

    /// <summary>A select with no cases that only a cancellation can end.</summary>
    public static SelectAwaitable Of(CancellationToken cancellationToken) => new(SelectState.Acquire(0), cancellationToken);

    /// <summary>Selects among any number of cases (allocates; prefer the fixed-arity overloads).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="cases"/> is null.</exception>
    public static SelectAwaitable Of(params ISelectCase[] cases) => Of(CancellationToken.None, cases);

    /// <summary>Selects among any number of cases, with cancellation.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="cases"/> is null.</exception>
    public static SelectAwaitable Of(CancellationToken cancellationToken, params ISelectCase[] cases) =>
        new(Load(cases), cancellationToken);

    /// <summary>Runs a ready case, or returns the default result (<see cref="SelectResult.IsDefault"/>) at once.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="cases"/> is null.</exception>
    public static SelectResult Try(params ISelectCase[] cases) => TryCore(Load(cases));

    private static SelectState Load(ISelectCase[] cases)
    {
        ArgumentNullException.ThrowIfNull(cases);
        var state = SelectState.Acquire(cases.Length);
        for (int i = 0; i < cases.Length; i++)
        {
            if (cases[i] is null)
            {
                state.Release();
                throw new ArgumentNullException(nameof(cases), $"Select case {i} is null.");
            }

            cases[i].Load(state.Nodes[i]);
        }

        return state;
    }

    private static SelectResult TryCore(SelectState state)
    {
        var outcome = default(SelectOutcome);
        try
        {
            int winner = state.Poll(ref outcome, keepLocked: false);
            return winner < 0 ? SelectResult.Default : new SelectResult(winner, outcome);
        }
        finally
        {
            state.Release();
        }
    }

    /// <summary>Waits until one of the 1 case can run, runs it, and returns which (see <see cref="SelectResult"/>).</summary>
    /// <typeparam name="C1">Case 0: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <param name="case1">Case 0.</param>
    public static SelectAwaitable Of<C1>(C1 case1)
        where C1 : struct, ISelectCase
        => new(Load1(case1), default);

    /// <summary>As <c>Of</c>; a cancellation withdraws the waiting select and throws <see cref="OperationCanceledException"/>.</summary>
    /// <typeparam name="C1">Case 0: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>.</param>
    /// <param name="case1">Case 0.</param>
    public static SelectAwaitable Of<C1>(CancellationToken cancellationToken, C1 case1)
        where C1 : struct, ISelectCase
        => new(Load1(case1), cancellationToken);

    /// <summary>Runs one of the 1 case if any is ready, otherwise returns the default result at once.</summary>
    /// <typeparam name="C1">Case 0: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <param name="case1">Case 0.</param>
    public static SelectResult Try<C1>(C1 case1)
        where C1 : struct, ISelectCase
        => TryCore(Load1(case1));

    private static SelectState Load1<C1>(C1 case1)
        where C1 : struct, ISelectCase
    {
        var state = SelectState.Acquire(1);
        case1.Load(state.Nodes[0]);
        return state;
    }

    /// <summary>Waits until one of the 2 cases can run, runs it, and returns which (see <see cref="SelectResult"/>).</summary>
    /// <typeparam name="C1">Case 0: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C2">Case 1: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <param name="case1">Case 0.</param>
    /// <param name="case2">Case 1.</param>
    public static SelectAwaitable Of<C1, C2>(C1 case1, C2 case2)
        where C1 : struct, ISelectCase
        where C2 : struct, ISelectCase
        => new(Load2(case1, case2), default);

    /// <summary>As <c>Of</c>; a cancellation withdraws the waiting select and throws <see cref="OperationCanceledException"/>.</summary>
    /// <typeparam name="C1">Case 0: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C2">Case 1: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>.</param>
    /// <param name="case1">Case 0.</param>
    /// <param name="case2">Case 1.</param>
    public static SelectAwaitable Of<C1, C2>(CancellationToken cancellationToken, C1 case1, C2 case2)
        where C1 : struct, ISelectCase
        where C2 : struct, ISelectCase
        => new(Load2(case1, case2), cancellationToken);

    /// <summary>Runs one of the 2 cases if any is ready, otherwise returns the default result at once.</summary>
    /// <typeparam name="C1">Case 0: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C2">Case 1: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <param name="case1">Case 0.</param>
    /// <param name="case2">Case 1.</param>
    public static SelectResult Try<C1, C2>(C1 case1, C2 case2)
        where C1 : struct, ISelectCase
        where C2 : struct, ISelectCase
        => TryCore(Load2(case1, case2));

    private static SelectState Load2<C1, C2>(C1 case1, C2 case2)
        where C1 : struct, ISelectCase
        where C2 : struct, ISelectCase
    {
        var state = SelectState.Acquire(2);
        case1.Load(state.Nodes[0]);
        case2.Load(state.Nodes[1]);
        return state;
    }

    /// <summary>Waits until one of the 3 cases can run, runs it, and returns which (see <see cref="SelectResult"/>).</summary>
    /// <typeparam name="C1">Case 0: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C2">Case 1: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C3">Case 2: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <param name="case1">Case 0.</param>
    /// <param name="case2">Case 1.</param>
    /// <param name="case3">Case 2.</param>
    public static SelectAwaitable Of<C1, C2, C3>(C1 case1, C2 case2, C3 case3)
        where C1 : struct, ISelectCase
        where C2 : struct, ISelectCase
        where C3 : struct, ISelectCase
        => new(Load3(case1, case2, case3), default);

    /// <summary>As <c>Of</c>; a cancellation withdraws the waiting select and throws <see cref="OperationCanceledException"/>.</summary>
    /// <typeparam name="C1">Case 0: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C2">Case 1: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C3">Case 2: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>.</param>
    /// <param name="case1">Case 0.</param>
    /// <param name="case2">Case 1.</param>
    /// <param name="case3">Case 2.</param>
    public static SelectAwaitable Of<C1, C2, C3>(CancellationToken cancellationToken, C1 case1, C2 case2, C3 case3)
        where C1 : struct, ISelectCase
        where C2 : struct, ISelectCase
        where C3 : struct, ISelectCase
        => new(Load3(case1, case2, case3), cancellationToken);

    /// <summary>Runs one of the 3 cases if any is ready, otherwise returns the default result at once.</summary>
    /// <typeparam name="C1">Case 0: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C2">Case 1: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C3">Case 2: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <param name="case1">Case 0.</param>
    /// <param name="case2">Case 1.</param>
    /// <param name="case3">Case 2.</param>
    public static SelectResult Try<C1, C2, C3>(C1 case1, C2 case2, C3 case3)
        where C1 : struct, ISelectCase
        where C2 : struct, ISelectCase
        where C3 : struct, ISelectCase
        => TryCore(Load3(case1, case2, case3));

    private static SelectState Load3<C1, C2, C3>(C1 case1, C2 case2, C3 case3)
        where C1 : struct, ISelectCase
        where C2 : struct, ISelectCase
        where C3 : struct, ISelectCase
    {
        var state = SelectState.Acquire(3);
        case1.Load(state.Nodes[0]);
        case2.Load(state.Nodes[1]);
        case3.Load(state.Nodes[2]);
        return state;
    }

    /// <summary>Waits until one of the 4 cases can run, runs it, and returns which (see <see cref="SelectResult"/>).</summary>
    /// <typeparam name="C1">Case 0: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C2">Case 1: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C3">Case 2: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C4">Case 3: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <param name="case1">Case 0.</param>
    /// <param name="case2">Case 1.</param>
    /// <param name="case3">Case 2.</param>
    /// <param name="case4">Case 3.</param>
    public static SelectAwaitable Of<C1, C2, C3, C4>(C1 case1, C2 case2, C3 case3, C4 case4)
        where C1 : struct, ISelectCase
        where C2 : struct, ISelectCase
        where C3 : struct, ISelectCase
        where C4 : struct, ISelectCase
        => new(Load4(case1, case2, case3, case4), default);

    /// <summary>As <c>Of</c>; a cancellation withdraws the waiting select and throws <see cref="OperationCanceledException"/>.</summary>
    /// <typeparam name="C1">Case 0: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C2">Case 1: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C3">Case 2: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C4">Case 3: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>.</param>
    /// <param name="case1">Case 0.</param>
    /// <param name="case2">Case 1.</param>
    /// <param name="case3">Case 2.</param>
    /// <param name="case4">Case 3.</param>
    public static SelectAwaitable Of<C1, C2, C3, C4>(CancellationToken cancellationToken, C1 case1, C2 case2, C3 case3, C4 case4)
        where C1 : struct, ISelectCase
        where C2 : struct, ISelectCase
        where C3 : struct, ISelectCase
        where C4 : struct, ISelectCase
        => new(Load4(case1, case2, case3, case4), cancellationToken);

    /// <summary>Runs one of the 4 cases if any is ready, otherwise returns the default result at once.</summary>
    /// <typeparam name="C1">Case 0: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C2">Case 1: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C3">Case 2: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C4">Case 3: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <param name="case1">Case 0.</param>
    /// <param name="case2">Case 1.</param>
    /// <param name="case3">Case 2.</param>
    /// <param name="case4">Case 3.</param>
    public static SelectResult Try<C1, C2, C3, C4>(C1 case1, C2 case2, C3 case3, C4 case4)
        where C1 : struct, ISelectCase
        where C2 : struct, ISelectCase
        where C3 : struct, ISelectCase
        where C4 : struct, ISelectCase
        => TryCore(Load4(case1, case2, case3, case4));

    private static SelectState Load4<C1, C2, C3, C4>(C1 case1, C2 case2, C3 case3, C4 case4)
        where C1 : struct, ISelectCase
        where C2 : struct, ISelectCase
        where C3 : struct, ISelectCase
        where C4 : struct, ISelectCase
    {
        var state = SelectState.Acquire(4);
        case1.Load(state.Nodes[0]);
        case2.Load(state.Nodes[1]);
        case3.Load(state.Nodes[2]);
        case4.Load(state.Nodes[3]);
        return state;
    }

    /// <summary>Waits until one of the 5 cases can run, runs it, and returns which (see <see cref="SelectResult"/>).</summary>
    /// <typeparam name="C1">Case 0: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C2">Case 1: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C3">Case 2: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C4">Case 3: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C5">Case 4: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <param name="case1">Case 0.</param>
    /// <param name="case2">Case 1.</param>
    /// <param name="case3">Case 2.</param>
    /// <param name="case4">Case 3.</param>
    /// <param name="case5">Case 4.</param>
    public static SelectAwaitable Of<C1, C2, C3, C4, C5>(C1 case1, C2 case2, C3 case3, C4 case4, C5 case5)
        where C1 : struct, ISelectCase
        where C2 : struct, ISelectCase
        where C3 : struct, ISelectCase
        where C4 : struct, ISelectCase
        where C5 : struct, ISelectCase
        => new(Load5(case1, case2, case3, case4, case5), default);

    /// <summary>As <c>Of</c>; a cancellation withdraws the waiting select and throws <see cref="OperationCanceledException"/>.</summary>
    /// <typeparam name="C1">Case 0: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C2">Case 1: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C3">Case 2: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C4">Case 3: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C5">Case 4: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>.</param>
    /// <param name="case1">Case 0.</param>
    /// <param name="case2">Case 1.</param>
    /// <param name="case3">Case 2.</param>
    /// <param name="case4">Case 3.</param>
    /// <param name="case5">Case 4.</param>
    public static SelectAwaitable Of<C1, C2, C3, C4, C5>(CancellationToken cancellationToken, C1 case1, C2 case2, C3 case3, C4 case4, C5 case5)
        where C1 : struct, ISelectCase
        where C2 : struct, ISelectCase
        where C3 : struct, ISelectCase
        where C4 : struct, ISelectCase
        where C5 : struct, ISelectCase
        => new(Load5(case1, case2, case3, case4, case5), cancellationToken);

    /// <summary>Runs one of the 5 cases if any is ready, otherwise returns the default result at once.</summary>
    /// <typeparam name="C1">Case 0: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C2">Case 1: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C3">Case 2: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C4">Case 3: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C5">Case 4: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <param name="case1">Case 0.</param>
    /// <param name="case2">Case 1.</param>
    /// <param name="case3">Case 2.</param>
    /// <param name="case4">Case 3.</param>
    /// <param name="case5">Case 4.</param>
    public static SelectResult Try<C1, C2, C3, C4, C5>(C1 case1, C2 case2, C3 case3, C4 case4, C5 case5)
        where C1 : struct, ISelectCase
        where C2 : struct, ISelectCase
        where C3 : struct, ISelectCase
        where C4 : struct, ISelectCase
        where C5 : struct, ISelectCase
        => TryCore(Load5(case1, case2, case3, case4, case5));

    private static SelectState Load5<C1, C2, C3, C4, C5>(C1 case1, C2 case2, C3 case3, C4 case4, C5 case5)
        where C1 : struct, ISelectCase
        where C2 : struct, ISelectCase
        where C3 : struct, ISelectCase
        where C4 : struct, ISelectCase
        where C5 : struct, ISelectCase
    {
        var state = SelectState.Acquire(5);
        case1.Load(state.Nodes[0]);
        case2.Load(state.Nodes[1]);
        case3.Load(state.Nodes[2]);
        case4.Load(state.Nodes[3]);
        case5.Load(state.Nodes[4]);
        return state;
    }

    /// <summary>Waits until one of the 6 cases can run, runs it, and returns which (see <see cref="SelectResult"/>).</summary>
    /// <typeparam name="C1">Case 0: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C2">Case 1: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C3">Case 2: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C4">Case 3: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C5">Case 4: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C6">Case 5: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <param name="case1">Case 0.</param>
    /// <param name="case2">Case 1.</param>
    /// <param name="case3">Case 2.</param>
    /// <param name="case4">Case 3.</param>
    /// <param name="case5">Case 4.</param>
    /// <param name="case6">Case 5.</param>
    public static SelectAwaitable Of<C1, C2, C3, C4, C5, C6>(C1 case1, C2 case2, C3 case3, C4 case4, C5 case5, C6 case6)
        where C1 : struct, ISelectCase
        where C2 : struct, ISelectCase
        where C3 : struct, ISelectCase
        where C4 : struct, ISelectCase
        where C5 : struct, ISelectCase
        where C6 : struct, ISelectCase
        => new(Load6(case1, case2, case3, case4, case5, case6), default);

    /// <summary>As <c>Of</c>; a cancellation withdraws the waiting select and throws <see cref="OperationCanceledException"/>.</summary>
    /// <typeparam name="C1">Case 0: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C2">Case 1: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C3">Case 2: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C4">Case 3: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C5">Case 4: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C6">Case 5: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>.</param>
    /// <param name="case1">Case 0.</param>
    /// <param name="case2">Case 1.</param>
    /// <param name="case3">Case 2.</param>
    /// <param name="case4">Case 3.</param>
    /// <param name="case5">Case 4.</param>
    /// <param name="case6">Case 5.</param>
    public static SelectAwaitable Of<C1, C2, C3, C4, C5, C6>(CancellationToken cancellationToken, C1 case1, C2 case2, C3 case3, C4 case4, C5 case5, C6 case6)
        where C1 : struct, ISelectCase
        where C2 : struct, ISelectCase
        where C3 : struct, ISelectCase
        where C4 : struct, ISelectCase
        where C5 : struct, ISelectCase
        where C6 : struct, ISelectCase
        => new(Load6(case1, case2, case3, case4, case5, case6), cancellationToken);

    /// <summary>Runs one of the 6 cases if any is ready, otherwise returns the default result at once.</summary>
    /// <typeparam name="C1">Case 0: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C2">Case 1: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C3">Case 2: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C4">Case 3: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C5">Case 4: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C6">Case 5: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <param name="case1">Case 0.</param>
    /// <param name="case2">Case 1.</param>
    /// <param name="case3">Case 2.</param>
    /// <param name="case4">Case 3.</param>
    /// <param name="case5">Case 4.</param>
    /// <param name="case6">Case 5.</param>
    public static SelectResult Try<C1, C2, C3, C4, C5, C6>(C1 case1, C2 case2, C3 case3, C4 case4, C5 case5, C6 case6)
        where C1 : struct, ISelectCase
        where C2 : struct, ISelectCase
        where C3 : struct, ISelectCase
        where C4 : struct, ISelectCase
        where C5 : struct, ISelectCase
        where C6 : struct, ISelectCase
        => TryCore(Load6(case1, case2, case3, case4, case5, case6));

    private static SelectState Load6<C1, C2, C3, C4, C5, C6>(C1 case1, C2 case2, C3 case3, C4 case4, C5 case5, C6 case6)
        where C1 : struct, ISelectCase
        where C2 : struct, ISelectCase
        where C3 : struct, ISelectCase
        where C4 : struct, ISelectCase
        where C5 : struct, ISelectCase
        where C6 : struct, ISelectCase
    {
        var state = SelectState.Acquire(6);
        case1.Load(state.Nodes[0]);
        case2.Load(state.Nodes[1]);
        case3.Load(state.Nodes[2]);
        case4.Load(state.Nodes[3]);
        case5.Load(state.Nodes[4]);
        case6.Load(state.Nodes[5]);
        return state;
    }

    /// <summary>Waits until one of the 7 cases can run, runs it, and returns which (see <see cref="SelectResult"/>).</summary>
    /// <typeparam name="C1">Case 0: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C2">Case 1: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C3">Case 2: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C4">Case 3: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C5">Case 4: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C6">Case 5: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C7">Case 6: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <param name="case1">Case 0.</param>
    /// <param name="case2">Case 1.</param>
    /// <param name="case3">Case 2.</param>
    /// <param name="case4">Case 3.</param>
    /// <param name="case5">Case 4.</param>
    /// <param name="case6">Case 5.</param>
    /// <param name="case7">Case 6.</param>
    public static SelectAwaitable Of<C1, C2, C3, C4, C5, C6, C7>(C1 case1, C2 case2, C3 case3, C4 case4, C5 case5, C6 case6, C7 case7)
        where C1 : struct, ISelectCase
        where C2 : struct, ISelectCase
        where C3 : struct, ISelectCase
        where C4 : struct, ISelectCase
        where C5 : struct, ISelectCase
        where C6 : struct, ISelectCase
        where C7 : struct, ISelectCase
        => new(Load7(case1, case2, case3, case4, case5, case6, case7), default);

    /// <summary>As <c>Of</c>; a cancellation withdraws the waiting select and throws <see cref="OperationCanceledException"/>.</summary>
    /// <typeparam name="C1">Case 0: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C2">Case 1: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C3">Case 2: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C4">Case 3: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C5">Case 4: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C6">Case 5: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C7">Case 6: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>.</param>
    /// <param name="case1">Case 0.</param>
    /// <param name="case2">Case 1.</param>
    /// <param name="case3">Case 2.</param>
    /// <param name="case4">Case 3.</param>
    /// <param name="case5">Case 4.</param>
    /// <param name="case6">Case 5.</param>
    /// <param name="case7">Case 6.</param>
    public static SelectAwaitable Of<C1, C2, C3, C4, C5, C6, C7>(CancellationToken cancellationToken, C1 case1, C2 case2, C3 case3, C4 case4, C5 case5, C6 case6, C7 case7)
        where C1 : struct, ISelectCase
        where C2 : struct, ISelectCase
        where C3 : struct, ISelectCase
        where C4 : struct, ISelectCase
        where C5 : struct, ISelectCase
        where C6 : struct, ISelectCase
        where C7 : struct, ISelectCase
        => new(Load7(case1, case2, case3, case4, case5, case6, case7), cancellationToken);

    /// <summary>Runs one of the 7 cases if any is ready, otherwise returns the default result at once.</summary>
    /// <typeparam name="C1">Case 0: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C2">Case 1: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C3">Case 2: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C4">Case 3: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C5">Case 4: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C6">Case 5: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C7">Case 6: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <param name="case1">Case 0.</param>
    /// <param name="case2">Case 1.</param>
    /// <param name="case3">Case 2.</param>
    /// <param name="case4">Case 3.</param>
    /// <param name="case5">Case 4.</param>
    /// <param name="case6">Case 5.</param>
    /// <param name="case7">Case 6.</param>
    public static SelectResult Try<C1, C2, C3, C4, C5, C6, C7>(C1 case1, C2 case2, C3 case3, C4 case4, C5 case5, C6 case6, C7 case7)
        where C1 : struct, ISelectCase
        where C2 : struct, ISelectCase
        where C3 : struct, ISelectCase
        where C4 : struct, ISelectCase
        where C5 : struct, ISelectCase
        where C6 : struct, ISelectCase
        where C7 : struct, ISelectCase
        => TryCore(Load7(case1, case2, case3, case4, case5, case6, case7));

    private static SelectState Load7<C1, C2, C3, C4, C5, C6, C7>(C1 case1, C2 case2, C3 case3, C4 case4, C5 case5, C6 case6, C7 case7)
        where C1 : struct, ISelectCase
        where C2 : struct, ISelectCase
        where C3 : struct, ISelectCase
        where C4 : struct, ISelectCase
        where C5 : struct, ISelectCase
        where C6 : struct, ISelectCase
        where C7 : struct, ISelectCase
    {
        var state = SelectState.Acquire(7);
        case1.Load(state.Nodes[0]);
        case2.Load(state.Nodes[1]);
        case3.Load(state.Nodes[2]);
        case4.Load(state.Nodes[3]);
        case5.Load(state.Nodes[4]);
        case6.Load(state.Nodes[5]);
        case7.Load(state.Nodes[6]);
        return state;
    }

    /// <summary>Waits until one of the 8 cases can run, runs it, and returns which (see <see cref="SelectResult"/>).</summary>
    /// <typeparam name="C1">Case 0: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C2">Case 1: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C3">Case 2: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C4">Case 3: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C5">Case 4: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C6">Case 5: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C7">Case 6: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C8">Case 7: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <param name="case1">Case 0.</param>
    /// <param name="case2">Case 1.</param>
    /// <param name="case3">Case 2.</param>
    /// <param name="case4">Case 3.</param>
    /// <param name="case5">Case 4.</param>
    /// <param name="case6">Case 5.</param>
    /// <param name="case7">Case 6.</param>
    /// <param name="case8">Case 7.</param>
    public static SelectAwaitable Of<C1, C2, C3, C4, C5, C6, C7, C8>(C1 case1, C2 case2, C3 case3, C4 case4, C5 case5, C6 case6, C7 case7, C8 case8)
        where C1 : struct, ISelectCase
        where C2 : struct, ISelectCase
        where C3 : struct, ISelectCase
        where C4 : struct, ISelectCase
        where C5 : struct, ISelectCase
        where C6 : struct, ISelectCase
        where C7 : struct, ISelectCase
        where C8 : struct, ISelectCase
        => new(Load8(case1, case2, case3, case4, case5, case6, case7, case8), default);

    /// <summary>As <c>Of</c>; a cancellation withdraws the waiting select and throws <see cref="OperationCanceledException"/>.</summary>
    /// <typeparam name="C1">Case 0: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C2">Case 1: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C3">Case 2: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C4">Case 3: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C5">Case 4: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C6">Case 5: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C7">Case 6: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C8">Case 7: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>.</param>
    /// <param name="case1">Case 0.</param>
    /// <param name="case2">Case 1.</param>
    /// <param name="case3">Case 2.</param>
    /// <param name="case4">Case 3.</param>
    /// <param name="case5">Case 4.</param>
    /// <param name="case6">Case 5.</param>
    /// <param name="case7">Case 6.</param>
    /// <param name="case8">Case 7.</param>
    public static SelectAwaitable Of<C1, C2, C3, C4, C5, C6, C7, C8>(CancellationToken cancellationToken, C1 case1, C2 case2, C3 case3, C4 case4, C5 case5, C6 case6, C7 case7, C8 case8)
        where C1 : struct, ISelectCase
        where C2 : struct, ISelectCase
        where C3 : struct, ISelectCase
        where C4 : struct, ISelectCase
        where C5 : struct, ISelectCase
        where C6 : struct, ISelectCase
        where C7 : struct, ISelectCase
        where C8 : struct, ISelectCase
        => new(Load8(case1, case2, case3, case4, case5, case6, case7, case8), cancellationToken);

    /// <summary>Runs one of the 8 cases if any is ready, otherwise returns the default result at once.</summary>
    /// <typeparam name="C1">Case 0: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C2">Case 1: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C3">Case 2: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C4">Case 3: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C5">Case 4: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C6">Case 5: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C7">Case 6: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C8">Case 7: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <param name="case1">Case 0.</param>
    /// <param name="case2">Case 1.</param>
    /// <param name="case3">Case 2.</param>
    /// <param name="case4">Case 3.</param>
    /// <param name="case5">Case 4.</param>
    /// <param name="case6">Case 5.</param>
    /// <param name="case7">Case 6.</param>
    /// <param name="case8">Case 7.</param>
    public static SelectResult Try<C1, C2, C3, C4, C5, C6, C7, C8>(C1 case1, C2 case2, C3 case3, C4 case4, C5 case5, C6 case6, C7 case7, C8 case8)
        where C1 : struct, ISelectCase
        where C2 : struct, ISelectCase
        where C3 : struct, ISelectCase
        where C4 : struct, ISelectCase
        where C5 : struct, ISelectCase
        where C6 : struct, ISelectCase
        where C7 : struct, ISelectCase
        where C8 : struct, ISelectCase
        => TryCore(Load8(case1, case2, case3, case4, case5, case6, case7, case8));

    private static SelectState Load8<C1, C2, C3, C4, C5, C6, C7, C8>(C1 case1, C2 case2, C3 case3, C4 case4, C5 case5, C6 case6, C7 case7, C8 case8)
        where C1 : struct, ISelectCase
        where C2 : struct, ISelectCase
        where C3 : struct, ISelectCase
        where C4 : struct, ISelectCase
        where C5 : struct, ISelectCase
        where C6 : struct, ISelectCase
        where C7 : struct, ISelectCase
        where C8 : struct, ISelectCase
    {
        var state = SelectState.Acquire(8);
        case1.Load(state.Nodes[0]);
        case2.Load(state.Nodes[1]);
        case3.Load(state.Nodes[2]);
        case4.Load(state.Nodes[3]);
        case5.Load(state.Nodes[4]);
        case6.Load(state.Nodes[5]);
        case7.Load(state.Nodes[6]);
        case8.Load(state.Nodes[7]);
        return state;
    }
}
