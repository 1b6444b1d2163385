using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Analysis.Semantics;

/// <summary>Traffic direction relative to the selected pod.</summary>
[Flags]
public enum PolicyDirection
{
    None = 0,
    Ingress = 1,
    Egress = 2,
}

/// <summary>policyTypes defaulting and per-direction rule access for k8s NetworkPolicy (docs/semantics.md §4).</summary>
public static class PolicyDirections
{
    /// <summary>
    /// The effective policy types: the explicit non-empty <c>policyTypes</c>; otherwise Ingress, plus Egress
    /// when <c>spec.egress</c> has at least one element. Unknown type strings are ignored.
    /// </summary>
    public static PolicyDirection EffectiveTypes(NetworkPolicy policy)
    {
        if (policy.PolicyTypes is { Count: > 0 } explicitTypes)
        {
            var result = PolicyDirection.None;
            foreach (var type in explicitTypes)
            {
                if (string.Equals(type, "Ingress", StringComparison.Ordinal))
                {
                    result |= PolicyDirection.Ingress;
                }
                else if (string.Equals(type, "Egress", StringComparison.Ordinal))
                {
                    result |= PolicyDirection.Egress;
                }
            }

            return result;
        }

        return policy.Egress is { Count: > 0 }
            ? PolicyDirection.Ingress | PolicyDirection.Egress
            : PolicyDirection.Ingress;
    }

    /// <summary>True when the policy's effective types contain <paramref name="direction"/>.</summary>
    public static bool Affects(NetworkPolicy policy, PolicyDirection direction) =>
        (EffectiveTypes(policy) & direction) == direction;

    /// <summary>The rules of one direction; missing is returned as empty (both mean "allows nothing").</summary>
    public static IReadOnlyList<NetworkPolicyRule> Rules(NetworkPolicy policy, PolicyDirection direction) =>
        direction switch
        {
            PolicyDirection.Ingress => policy.Ingress ?? [],
            PolicyDirection.Egress => policy.Egress ?? [],
            _ => throw new ArgumentOutOfRangeException(nameof(direction), direction, "Pass exactly one direction."),
        };
}
