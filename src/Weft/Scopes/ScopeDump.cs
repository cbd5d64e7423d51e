using System.Globalization;
using System.Text;
using Weft.Scheduling;

namespace Weft.Scopes;

/// <summary>The scope part of goroutine dumps: which scope each goroutine belongs to, and the tree of live scopes.</summary>
internal static class ScopeDump
{
    /// <summary>The scope <paramref name="g"/> is a child of (skipping the scopes it opened itself), or null.</summary>
    internal static Scope? MembershipOf(G g)
    {
        var s = g.ExtrasOrNull?.Scope as Scope;
        while (s is not null && s.Owner == g) s = s.Parent;
        return s;
    }

    /// <summary>A dump line for <paramref name="g"/>: the scope it belongs to, or null.</summary>
    internal static string? LineFor(G g) =>
        MembershipOf(g) is { } s ? string.Create(CultureInfo.InvariantCulture, $"in {Describe(s)}") : null;

    /// <summary>
    /// The tree of scopes the goroutines are in or own, one line per scope with its member goroutines, nested by
    /// parent; empty when no goroutine is in a scope.
    /// </summary>
    internal static string Tree(IReadOnlyCollection<G> goroutines)
    {
        var members = new Dictionary<Scope, List<long>>(ReferenceEqualityComparer.Instance);
        var children = new Dictionary<Scope, List<Scope>>(ReferenceEqualityComparer.Instance);
        var roots = new List<Scope>();
        void Add(Scope s)
        {
            if (members.ContainsKey(s)) return;
            members[s] = [];
            if (s.Parent is { } p)
            {
                Add(p);
                (children.TryGetValue(p, out var list) ? list : children[p] = []).Add(s);
            }
            else
            {
                roots.Add(s);
            }
        }

        foreach (var g in goroutines)
        {
            if (g.ExtrasOrNull?.Scope is Scope open) Add(open);
            if (MembershipOf(g) is { } member)
            {
                Add(member);
                members[member].Add(g.Id);
            }
        }

        if (members.Count == 0) return "";
        var sb = new StringBuilder("scopes:\n");
        void Print(Scope s, int depth)
        {
            var ids = members[s];
            ids.Sort();
            sb.Append(' ', 2 * depth + 2).Append(Describe(s)).Append(": ")
              .AppendLine(ids.Count == 0 ? "no live children" : "goroutines " + string.Join(", ", ids));
            if (children.TryGetValue(s, out var nested))
                foreach (var c in nested.OrderBy(c => c.Id)) Print(c, depth + 1);
        }

        foreach (var root in roots.OrderBy(r => r.Id)) Print(root, 0);
        return sb.ToString();
    }

    private static string Describe(Scope s) =>
        string.Create(CultureInfo.InvariantCulture, $"scope {s.Id} [{s.PolicyName}] owned by goroutine {s.Owner?.Id ?? 0}");
}
