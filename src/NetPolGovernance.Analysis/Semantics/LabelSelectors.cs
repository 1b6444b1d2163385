using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Analysis.Semantics;

/// <summary>Kubernetes LabelSelector matching (docs/semantics.md §2).</summary>
public static class LabelSelectors
{
    /// <summary>The label the control plane sets on every namespace to its name.</summary>
    public const string NamespaceNameLabel = "kubernetes.io/metadata.name";

    /// <summary>
    /// True when the selector has zero requirements: null, <c>{}</c>, <c>matchLabels: {}</c>, <c>matchExpressions: []</c>.
    /// Never inferred from the objects that exist now.
    /// </summary>
    public static bool IsSelectAll(LabelSelector? selector) =>
        selector is null
        || ((selector.MatchLabels is null || selector.MatchLabels.Count == 0)
            && (selector.MatchExpressions is null || selector.MatchExpressions.Count == 0));

    /// <summary>
    /// Whether <paramref name="labels"/> satisfy the selector. A null selector matches everything (callers
    /// decide whether "missing" means select-all for their field). Keys are exact and case-sensitive.
    /// An invalid requirement (unknown operator, In/NotIn without values) matches nothing.
    /// </summary>
    public static bool Matches(LabelSelector? selector, IReadOnlyDictionary<string, string> labels)
    {
        if (selector is null)
        {
            return true;
        }

        if (selector.MatchLabels is not null)
        {
            foreach (var (key, value) in selector.MatchLabels)
            {
                if (!labels.TryGetValue(key, out var actual) || !string.Equals(actual, value, StringComparison.Ordinal))
                {
                    return false;
                }
            }
        }

        if (selector.MatchExpressions is not null)
        {
            foreach (var requirement in selector.MatchExpressions)
            {
                if (!Matches(requirement, labels))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Whether labels satisfy one <c>matchExpressions</c> requirement.</summary>
    public static bool Matches(LabelSelectorRequirement requirement, IReadOnlyDictionary<string, string> labels)
    {
        var present = labels.TryGetValue(requirement.Key, out var value);
        switch (requirement.Operator)
        {
            case "In":
                return requirement.Values is { Count: > 0 } inValues && present && Contains(inValues, value!);
            case "NotIn":
                return requirement.Values is { Count: > 0 } notInValues && (!present || !Contains(notInValues, value!));
            case "Exists":
                return present;
            case "DoesNotExist":
                return !present;
            default:
                return false;
        }
    }

    /// <summary>The namespace's labels with <c>kubernetes.io/metadata.name</c> set to its name, as the control plane does.</summary>
    public static IReadOnlyDictionary<string, string> EffectiveNamespaceLabels(NamespaceInfo ns)
    {
        if (ns.Labels.TryGetValue(NamespaceNameLabel, out var existing) && string.Equals(existing, ns.Name, StringComparison.Ordinal))
        {
            return ns.Labels;
        }

        var labels = new Dictionary<string, string>(ns.Labels, StringComparer.Ordinal)
        {
            [NamespaceNameLabel] = ns.Name,
        };
        return labels;
    }

    private static bool Contains(IReadOnlyList<string> values, string value)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (string.Equals(values[i], value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
