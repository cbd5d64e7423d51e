using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Weft.Analyzers;

/// <summary>The Weft types the analyzers look for, resolved once per compilation; null when Weft is not referenced.</summary>
internal sealed class WeftSymbols
{
    public INamedTypeSymbol Go { get; }
    public INamedTypeSymbol? GoRuntime { get; }
    public INamedTypeSymbol? Time { get; }
    public INamedTypeSymbol GoTask { get; }
    public INamedTypeSymbol? GoTaskOfT { get; }
    public INamedTypeSymbol? Chan { get; }

    /// <summary>Awaitables that do nothing until awaited (an un-awaited one is a lost operation).</summary>
    public ImmutableHashSet<INamedTypeSymbol> LazyAwaitables { get; }

    private WeftSymbols(Compilation c, INamedTypeSymbol go, INamedTypeSymbol goTask)
    {
        Go = go;
        GoTask = goTask;
        GoRuntime = c.GetTypeByMetadataName("Weft.GoRuntime");
        Time = c.GetTypeByMetadataName("Weft.Time");
        GoTaskOfT = c.GetTypeByMetadataName("Weft.GoTask`1");
        Chan = c.GetTypeByMetadataName("Weft.Chan`1");
        var lazy = ImmutableHashSet.CreateBuilder<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        foreach (var name in new[]
                 {
                     "Weft.SendAwaitable`1", "Weft.ReceiveAwaitable`1", "Weft.ReceiveWithOkAwaitable`1",
                     "Weft.SelectAwaitable", "Weft.SleepAwaitable", "Weft.YieldAwaitable",
                 })
        {
            if (c.GetTypeByMetadataName(name) is { } t) lazy.Add(t);
        }

        LazyAwaitables = lazy.ToImmutable();
    }

    public static WeftSymbols? Create(Compilation compilation)
    {
        var go = compilation.GetTypeByMetadataName("Weft.Go");
        var goTask = compilation.GetTypeByMetadataName("Weft.GoTask");
        return go is null || goTask is null ? null : new WeftSymbols(compilation, go, goTask);
    }

    /// <summary>GoTask or GoTask&lt;T&gt;.</summary>
    public bool IsGoTask(ITypeSymbol? type) =>
        type is INamedTypeSymbol named &&
        (SymbolEqualityComparer.Default.Equals(named, GoTask) ||
         (GoTaskOfT is not null && SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, GoTaskOfT)));

    public bool IsLazyAwaitable(ITypeSymbol? type) =>
        type is INamedTypeSymbol named && LazyAwaitables.Contains(named.OriginalDefinition);

    public bool IsChan(ITypeSymbol? type) =>
        Chan is not null && type is INamedTypeSymbol named && SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, Chan);

    /// <summary>
    /// A method whose delegate argument runs as a new goroutine: Go.Start/Spawn/Run/RunAsync, the same on a
    /// GoRuntime, and Time.AfterFunc.
    /// </summary>
    public bool StartsGoroutine(IMethodSymbol method)
    {
        var type = method.ContainingType;
        if (SymbolEqualityComparer.Default.Equals(type, Go) || SymbolEqualityComparer.Default.Equals(type, GoRuntime))
            return method.Name is "Start" or "Spawn" or "Run" or "RunAsync";
        return SymbolEqualityComparer.Default.Equals(type, Time) && method.Name == "AfterFunc";
    }

    /// <summary>Go.Blocking: its delegate runs as a declared blocking call.</summary>
    public bool IsGoBlocking(IMethodSymbol method) =>
        SymbolEqualityComparer.Default.Equals(method.ContainingType, Go) && method.Name == "Blocking";
}
