using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Semantics;

namespace NetPolGovernance.Analysis.Remediation;

/// <summary>
/// The pods of a namespace that its existing policies leave unisolated, per direction, written as pod selectors a
/// plan's allow policies may use. NetworkPolicies add up: an allow that selects a pod already isolated in a direction
/// can only widen what that pod admits, so a plan's allows select only the pods no existing policy isolates in that
/// direction (docs/remediation.md, "never widens").
/// <para>
/// A pod is unisolated in a direction when it matches none of the selectors S1..Sn of the policies affecting that
/// direction: not S1 and ... and not Sn, where not S is "any requirement of S fails". Every requirement has an exact
/// complement (In/NotIn, Exists/DoesNotExist; a matchLabels entry k=v is the requirement k In [v]), so the result is a
/// union of selectors, one allow policy each. When that union would need more than <see cref="MaxSelectors"/>
/// selectors the direction gets no allow at all (stricter, never wider; verification then reports what is lost).
/// </para>
/// </summary>
internal sealed record UnisolatedPods(IReadOnlyList<LabelSelector> Ingress, IReadOnlyList<LabelSelector> Egress)
{
    public const int MaxSelectors = 8;

    /// <summary>No existing policy: every pod, in both directions.</summary>
    public static UnisolatedPods Everyone { get; } = new([LabelSelector.Everything], [LabelSelector.Everything]);

    /// <summary>True when both directions cover every pod (the plan may use <c>podSelector: {}</c> as before).</summary>
    public bool IsEveryone => IsOnlyEverything(Ingress) && IsOnlyEverything(Egress);

    /// <summary>The unisolated pods given the namespace's policies that the plan leaves in place.</summary>
    public static UnisolatedPods Of(IEnumerable<NetworkPolicy> existing)
    {
        ArgumentNullException.ThrowIfNull(existing);
        var policies = existing.OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        return new UnisolatedPods(Complement(policies, PolicyDirection.Ingress), Complement(policies, PolicyDirection.Egress));
    }

    private static bool IsOnlyEverything(IReadOnlyList<LabelSelector> selectors) =>
        selectors.Count == 1 && LabelSelectors.IsSelectAll(selectors[0]);

    private static List<LabelSelector> Complement(List<NetworkPolicy> policies, PolicyDirection direction)
    {
        // Disjunctive normal form of "matches none of the selectors": each term is a list of requirements (ANDed).
        List<List<LabelSelectorRequirement>> terms = [[]];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var policy in policies)
        {
            if ((PolicyDirections.EffectiveTypes(policy) & direction) != direction)
            {
                continue;
            }

            var selector = policy.PodSelector;
            if (LabelSelectors.IsSelectAll(selector))
            {
                return []; // Every pod of the namespace is isolated in this direction.
            }

            var negations = Negations(selector!);
            if (negations is null || !seen.Add(Canonical(negations)))
            {
                continue; // A selector that matches nothing isolates nobody; a repeated one adds nothing.
            }

            var next = new List<List<LabelSelectorRequirement>>();
            foreach (var term in terms)
            {
                foreach (var negation in negations)
                {
                    if (Extend(term, negation) is { } extended && !next.Any(t => SameTerm(t, extended)))
                    {
                        next.Add(extended);
                    }
                }
            }

            if (next.Count > MaxSelectors)
            {
                return [];
            }

            terms = next;
        }

        return [.. terms.Select(t => t.Count == 0 ? LabelSelector.Everything : new LabelSelector { MatchExpressions = t })];
    }

    // The complement of each requirement of the selector; null when the selector is invalid and so matches nothing.
    private static List<LabelSelectorRequirement>? Negations(LabelSelector selector)
    {
        var negations = new List<LabelSelectorRequirement>();
        foreach (var (key, value) in (selector.MatchLabels ?? new Dictionary<string, string>()).OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            negations.Add(new LabelSelectorRequirement(key, "NotIn", [value]));
        }

        foreach (var requirement in selector.MatchExpressions ?? [])
        {
            LabelSelectorRequirement? negation = requirement.Operator switch
            {
                "In" when requirement.Values is { Count: > 0 } => requirement with { Operator = "NotIn" },
                "NotIn" when requirement.Values is { Count: > 0 } => requirement with { Operator = "In" },
                "Exists" => new LabelSelectorRequirement(requirement.Key, "DoesNotExist", null),
                "DoesNotExist" => new LabelSelectorRequirement(requirement.Key, "Exists", null),
                _ => null,
            };
            if (negation is null)
            {
                return null;
            }

            negations.Add(negation);
        }

        return negations;
    }

    // The term with one more requirement; null when the two cannot hold together (the term selects nothing).
    private static List<LabelSelectorRequirement>? Extend(List<LabelSelectorRequirement> term, LabelSelectorRequirement requirement)
    {
        foreach (var existing in term)
        {
            if (!string.Equals(existing.Key, requirement.Key, StringComparison.Ordinal))
            {
                continue;
            }

            if (string.Equals(Canonical1(existing), Canonical1(requirement), StringComparison.Ordinal))
            {
                return term;
            }

            var absent = existing.Operator == "DoesNotExist" || requirement.Operator == "DoesNotExist";
            var present = existing.Operator is "Exists" or "In" || requirement.Operator is "Exists" or "In";
            if (absent && present)
            {
                return null;
            }
        }

        return [.. term, requirement];
    }

    private static bool SameTerm(List<LabelSelectorRequirement> a, List<LabelSelectorRequirement> b) =>
        a.Count == b.Count && string.Equals(Canonical(a.OrderBy(Canonical1)), Canonical(b.OrderBy(Canonical1)), StringComparison.Ordinal);

    private static string Canonical1(LabelSelectorRequirement r) =>
        string.Concat(r.Key, "\u0001", r.Operator, "\u0001", string.Join('\u0002', (r.Values ?? []).Order(StringComparer.Ordinal)));

    private static string Canonical(IEnumerable<LabelSelectorRequirement> requirements) =>
        string.Join('\u0000', requirements.Select(Canonical1));
}
