using NetPolGovernance.Analysis.Calico;
using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Analysis.Coverage;

/// <summary>
/// Normalises the Calico policies of a snapshot (docs/semantics.md §9.2): Staged kinds are dropped (not enforced);
/// Calico's converted copies of Kubernetes and admin policies (<c>knp.default.*</c>, <c>kanp.*</c>, <c>kbanp.*</c>)
/// are dropped (the originals are counted); the default-tier prefix <c>default.</c> is stripped; the same policy
/// seen through both API groups is kept once (the <c>projectcalico.org</c> view wins).
/// </summary>
internal static class CalicoPolicies
{
    private static readonly string[] s_convertedPrefixes = ["knp.default.", "kanp.", "kbanp."];

    public static IReadOnlyList<CalicoSubject> Normalize(IEnumerable<CalicoPolicy> policies, ICollection<string> notes)
    {
        var seen = new HashSet<(bool Global, string? Namespace, string Name)>();
        var result = new List<CalicoSubject>();
        var ordered = policies
            .OrderBy(p => string.Equals(p.ApiGroup, "projectcalico.org", StringComparison.OrdinalIgnoreCase) ? 0 : 1);

        foreach (var policy in ordered)
        {
            var kind = policy.Kind.Trim();
            if (kind.StartsWith("Staged", StringComparison.Ordinal) || IsConvertedCopy(policy.Name))
            {
                continue;
            }

            var global = string.Equals(kind, "GlobalNetworkPolicy", StringComparison.Ordinal);
            if (!global && policy.Namespace is null)
            {
                notes.Add($"Calico {kind} '{policy.Name}' has no namespace and was ignored.");
                continue;
            }

            var name = DisplayName(policy.Name);
            if (!seen.Add((global, global ? null : policy.Namespace, name)))
            {
                continue;
            }

            var selector = Parse(policy, "selector", policy.Selector, notes);
            var namespaceSelector = global ? Parse(policy, "namespaceSelector", policy.NamespaceSelector, notes) : CalicoSelector.All;
            if (!IsTrivial(policy.ServiceAccountSelector))
            {
                selector = null;
            }

            result.Add(new CalicoSubject(policy, name, global, selector, namespaceSelector));
        }

        return result;
    }

    /// <summary>The display name: the default-tier prefix <c>default.</c> removed.</summary>
    internal static string DisplayName(string storedName) =>
        storedName.StartsWith("default.", StringComparison.Ordinal) && storedName.Length > "default.".Length
            ? storedName["default.".Length..]
            : storedName;

    internal static bool IsConvertedCopy(string storedName)
    {
        foreach (var prefix in s_convertedPrefixes)
        {
            if (storedName.StartsWith(prefix, StringComparison.Ordinal) || DisplayName(storedName).StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsTrivial(string? selector) =>
        string.IsNullOrWhiteSpace(selector) || string.Equals(selector.Trim(), "all()", StringComparison.Ordinal);

    private static CalicoSelector? Parse(CalicoPolicy policy, string field, string? text, ICollection<string> notes)
    {
        if (CalicoSelector.TryParse(text, out var selector, out var error))
        {
            return selector;
        }

        var where = policy.Namespace is null ? policy.Name : $"{policy.Namespace}/{policy.Name}";
        notes.Add($"Calico {policy.Kind} '{where}': invalid {field}: {error}. The policy is treated as selecting no pods.");
        return null;
    }
}
