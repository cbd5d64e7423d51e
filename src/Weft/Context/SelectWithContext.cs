namespace Weft;

// The GoContext overloads of Select.Of: each passes the context's token to the CancellationToken overload (one code path).
public static partial class Select
{
    /// <summary>A select with no cases that only the context's cancellation can end.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    public static SelectAwaitable Of(GoContext context) => Of(GoContext.TokenOf(context));

    /// <summary>Selects among any number of cases; the context's cancellation ends the wait with <see cref="OperationCanceledException"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> or <paramref name="cases"/> is null.</exception>
    public static SelectAwaitable Of(GoContext context, params ISelectCase[] cases) => Of(GoContext.TokenOf(context), cases);

    /// <summary>As the CancellationToken overload, ended by the context's cancellation.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    /// <typeparam name="C1">Case 0: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <param name="context">Ends the wait with <see cref="OperationCanceledException"/>; <see cref="GoContext.Err"/> says why.</param>
    /// <param name="case1">Case 0.</param>
    public static SelectAwaitable Of<C1>(GoContext context, C1 case1)
        where C1 : struct, ISelectCase
        => Of(GoContext.TokenOf(context), case1);

    /// <summary>As the CancellationToken overload, ended by the context's cancellation.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    /// <typeparam name="C1">Case 0: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C2">Case 1: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <param name="context">Ends the wait with <see cref="OperationCanceledException"/>; <see cref="GoContext.Err"/> says why.</param>
    /// <param name="case1">Case 0.</param>
    /// <param name="case2">Case 1.</param>
    public static SelectAwaitable Of<C1, C2>(GoContext context, C1 case1, C2 case2)
        where C1 : struct, ISelectCase
        where C2 : struct, ISelectCase
        => Of(GoContext.TokenOf(context), case1, case2);

    /// <summary>As the CancellationToken overload, ended by the context's cancellation.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    /// <typeparam name="C1">Case 0: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C2">Case 1: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C3">Case 2: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <param name="context">Ends the wait with <see cref="OperationCanceledException"/>; <see cref="GoContext.Err"/> says why.</param>
    /// <param name="case1">Case 0.</param>
    /// <param name="case2">Case 1.</param>
    /// <param name="case3">Case 2.</param>
    public static SelectAwaitable Of<C1, C2, C3>(GoContext context, C1 case1, C2 case2, C3 case3)
        where C1 : struct, ISelectCase
        where C2 : struct, ISelectCase
        where C3 : struct, ISelectCase
        => Of(GoContext.TokenOf(context), case1, case2, case3);

    /// <summary>As the CancellationToken overload, ended by the context's cancellation.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    /// <typeparam name="C1">Case 0: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C2">Case 1: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C3">Case 2: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C4">Case 3: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <param name="context">Ends the wait with <see cref="OperationCanceledException"/>; <see cref="GoContext.Err"/> says why.</param>
    /// <param name="case1">Case 0.</param>
    /// <param name="case2">Case 1.</param>
    /// <param name="case3">Case 2.</param>
    /// <param name="case4">Case 3.</param>
    public static SelectAwaitable Of<C1, C2, C3, C4>(GoContext context, C1 case1, C2 case2, C3 case3, C4 case4)
        where C1 : struct, ISelectCase
        where C2 : struct, ISelectCase
        where C3 : struct, ISelectCase
        where C4 : struct, ISelectCase
        => Of(GoContext.TokenOf(context), case1, case2, case3, case4);

    /// <summary>As the CancellationToken overload, ended by the context's cancellation.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    /// <typeparam name="C1">Case 0: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C2">Case 1: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C3">Case 2: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C4">Case 3: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C5">Case 4: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <param name="context">Ends the wait with <see cref="OperationCanceledException"/>; <see cref="GoContext.Err"/> says why.</param>
    /// <param name="case1">Case 0.</param>
    /// <param name="case2">Case 1.</param>
    /// <param name="case3">Case 2.</param>
    /// <param name="case4">Case 3.</param>
    /// <param name="case5">Case 4.</param>
    public static SelectAwaitable Of<C1, C2, C3, C4, C5>(GoContext context, C1 case1, C2 case2, C3 case3, C4 case4, C5 case5)
        where C1 : struct, ISelectCase
        where C2 : struct, ISelectCase
        where C3 : struct, ISelectCase
        where C4 : struct, ISelectCase
        where C5 : struct, ISelectCase
        => Of(GoContext.TokenOf(context), case1, case2, case3, case4, case5);

    /// <summary>As the CancellationToken overload, ended by the context's cancellation.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    /// <typeparam name="C1">Case 0: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C2">Case 1: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C3">Case 2: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C4">Case 3: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C5">Case 4: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C6">Case 5: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <param name="context">Ends the wait with <see cref="OperationCanceledException"/>; <see cref="GoContext.Err"/> says why.</param>
    /// <param name="case1">Case 0.</param>
    /// <param name="case2">Case 1.</param>
    /// <param name="case3">Case 2.</param>
    /// <param name="case4">Case 3.</param>
    /// <param name="case5">Case 4.</param>
    /// <param name="case6">Case 5.</param>
    public static SelectAwaitable Of<C1, C2, C3, C4, C5, C6>(GoContext context, C1 case1, C2 case2, C3 case3, C4 case4, C5 case5, C6 case6)
        where C1 : struct, ISelectCase
        where C2 : struct, ISelectCase
        where C3 : struct, ISelectCase
        where C4 : struct, ISelectCase
        where C5 : struct, ISelectCase
        where C6 : struct, ISelectCase
        => Of(GoContext.TokenOf(context), case1, case2, case3, case4, case5, case6);

    /// <summary>As the CancellationToken overload, ended by the context's cancellation.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    /// <typeparam name="C1">Case 0: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C2">Case 1: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C3">Case 2: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C4">Case 3: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C5">Case 4: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C6">Case 5: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C7">Case 6: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <param name="context">Ends the wait with <see cref="OperationCanceledException"/>; <see cref="GoContext.Err"/> says why.</param>
    /// <param name="case1">Case 0.</param>
    /// <param name="case2">Case 1.</param>
    /// <param name="case3">Case 2.</param>
    /// <param name="case4">Case 3.</param>
    /// <param name="case5">Case 4.</param>
    /// <param name="case6">Case 5.</param>
    /// <param name="case7">Case 6.</param>
    public static SelectAwaitable Of<C1, C2, C3, C4, C5, C6, C7>(GoContext context, C1 case1, C2 case2, C3 case3, C4 case4, C5 case5, C6 case6, C7 case7)
        where C1 : struct, ISelectCase
        where C2 : struct, ISelectCase
        where C3 : struct, ISelectCase
        where C4 : struct, ISelectCase
        where C5 : struct, ISelectCase
        where C6 : struct, ISelectCase
        where C7 : struct, ISelectCase
        => Of(GoContext.TokenOf(context), case1, case2, case3, case4, case5, case6, case7);

    /// <summary>As the CancellationToken overload, ended by the context's cancellation.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    /// <typeparam name="C1">Case 0: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C2">Case 1: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C3">Case 2: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C4">Case 3: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C5">Case 4: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C6">Case 5: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C7">Case 6: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <typeparam name="C8">Case 7: a <see cref="ReceiveCase{T}"/> or <see cref="SendCase{T}"/>.</typeparam>
    /// <param name="context">Ends the wait with <see cref="OperationCanceledException"/>; <see cref="GoContext.Err"/> says why.</param>
    /// <param name="case1">Case 0.</param>
    /// <param name="case2">Case 1.</param>
    /// <param name="case3">Case 2.</param>
    /// <param name="case4">Case 3.</param>
    /// <param name="case5">Case 4.</param>
    /// <param name="case6">Case 5.</param>
    /// <param name="case7">Case 6.</param>
    /// <param name="case8">Case 7.</param>
    public static SelectAwaitable Of<C1, C2, C3, C4, C5, C6, C7, C8>(GoContext context, C1 case1, C2 case2, C3 case3, C4 case4, C5 case5, C6 case6, C7 case7, C8 case8)
        where C1 : struct, ISelectCase
        where C2 : struct, ISelectCase
        where C3 : struct, ISelectCase
        where C4 : struct, ISelectCase
        where C5 : struct, ISelectCase
        where C6 : struct, ISelectCase
        where C7 : struct, ISelectCase
        where C8 : struct, ISelectCase
        => Of(GoContext.TokenOf(context), case1, case2, case3, case4, case5, case6, case7, case8);
}
