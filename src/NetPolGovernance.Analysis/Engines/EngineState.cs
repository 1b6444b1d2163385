using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Analysis.Engines;

/// <summary>
/// The engine the analysis believes enforces policy, with the basis for that belief, and which policy kinds it
/// enforces. Resolution (documented in docs/checks.md and docs/semantics.md §10):
/// <list type="bullet">
/// <item>ARM <c>networkPolicy</c> azure/calico/cilium names the engine (C02 separately checks it is running);</item>
/// <item>ARM <c>none</c> or absent: a ready engine DaemonSet found in the cluster (self-managed or BYO CNI) is the engine;
/// otherwise a declared engine (<c>--engine</c>); otherwise None, except BYO CNI (<c>networkPlugin: none</c>) without
/// readable evidence, which is Unknown;</item>
/// <item>no network profile: a ready engine DaemonSet is the engine; otherwise a declared engine; otherwise None when
/// the DaemonSet list was read and shows no engine, Unknown when an engine DaemonSet is not ready everywhere, when the
/// list could not be read, or when there is no evidence at all (manifests);</item>
/// <item>Cilium with <c>enable-policy: never</c> enforces nothing.</item>
/// </list>
/// </summary>
/// <param name="Engine">The engine.</param>
/// <param name="Basis">Why the analysis believes it, in words for the report.</param>
/// <param name="EnforcementDisabled">Cilium runs with <c>enable-policy: never</c>.</param>
/// <param name="Declared">The engine is the one the user declared, not one detected.</param>
/// <param name="EvidenceUnreadable">The engine is Unknown because in-cluster evidence that exists could not be read:
/// checks that need the engine are then Unknown, not NotApplicable.</param>
internal sealed record EngineState(PolicyEngine Engine, string Basis, bool EnforcementDisabled = false, bool Declared = false, bool EvidenceUnreadable = false)
{
    public static EngineState Resolve(ClusterNetworkProfile? profile, EngineEvidence? evidence, PolicyEngine? declared = null)
    {
        var running = RunningEngine(evidence);
        var state = profile is null
            ? FromEvidenceOnly(evidence, running, declared)
            : FromProfile(profile, evidence, running, declared);

        if (state.Engine == PolicyEngine.Cilium && profile?.AdvancedNetworking is { } acns)
        {
            state = state with
            {
                Acns = acns,
                Basis = state.Basis + (acns.L7PoliciesEnforced
                    ? "; ACNS security on (L7 and FQDN policy enforced)"
                    : acns.FqdnPoliciesEnforced
                        ? "; ACNS security on (FQDN policy enforced, L7 not)"
                        : "; ACNS security off (Cilium L7 and FQDN rules not enforced)"),
            };
        }

        if (state.Engine == PolicyEngine.Cilium
            && string.Equals(evidence?.CiliumPolicyEnforcementMode?.Trim(), "never", StringComparison.OrdinalIgnoreCase))
        {
            return state with { EnforcementDisabled = true, Basis = state.Basis + "; cilium enable-policy=never" };
        }

        return state;
    }

    /// <summary>
    /// The cluster's ACNS settings when the engine is Cilium and ARM reported them: which Cilium policy features AKS
    /// enforces (FQDN rules need ACNS security; L7 rules need it with <c>advancedNetworkPolicies: L7</c>).
    /// </summary>
    public AdvancedNetworking? Acns { get; init; }

    /// <summary>
    /// Notes for Cilium policies that use features the cluster does not enforce (ACNS security off, or FQDN only): their
    /// FQDN or L7 rules do not work as written, so what they allow is not known from the object alone.
    /// </summary>
    public IEnumerable<string> UnenforcedCiliumFeatureNotes(IEnumerable<CiliumPolicy> policies)
    {
        if (Acns is not { } acns || EnforcementDisabled)
        {
            yield break;
        }

        foreach (var policy in policies)
        {
            var name = policy.Namespace is null ? $"{policy.Kind} {policy.Name}" : $"{policy.Kind} {policy.Namespace}/{policy.Name}";
            if (!acns.FqdnPoliciesEnforced && policy.Rules.Any(r => r.UsesFqdnRules))
            {
                yield return $"{name} has FQDN rules (toFQDNs), which AKS enforces only with ACNS security (networkProfile.advancedNetworking.security.enabled); it is off on this cluster, so their effect is unknown";
            }

            if (!acns.L7PoliciesEnforced && policy.Rules.Any(r => r.UsesL7Rules))
            {
                yield return $"{name} has L7 rules (toPorts.rules), which AKS enforces only with ACNS security and advancedNetworkPolicies L7 (this cluster: {(acns.SecurityEnabled ? acns.AdvancedNetworkPolicies ?? "FQDN" : "security off")}), so their effect is unknown";
            }
        }
    }

    /// <summary>Whether the engine enforces objects of <paramref name="kind"/>.</summary>
    public Enforcement Enforces(PolicyKind kind)
    {
        if (EnforcementDisabled || Engine == PolicyEngine.None)
        {
            return Enforcement.NotEnforced;
        }

        if (Engine == PolicyEngine.Unknown)
        {
            return Enforcement.Unknown;
        }

        return kind switch
        {
            PolicyKind.NetworkPolicy => Enforcement.Enforced,
            PolicyKind.CiliumNetworkPolicy or PolicyKind.CiliumClusterwideNetworkPolicy =>
                Engine == PolicyEngine.Cilium ? Enforcement.Enforced : Enforcement.NotEnforced,
            PolicyKind.CalicoNetworkPolicy or PolicyKind.CalicoGlobalNetworkPolicy =>
                Engine == PolicyEngine.Calico ? Enforcement.Enforced : Enforcement.NotEnforced,

            // AdminNetworkPolicy and BaselineAdminNetworkPolicy: Calico and Antrea implement them in some versions
            // (Antrea behind a feature gate), so whether they are enforced there is not known.
            _ => Engine is PolicyEngine.Calico or PolicyEngine.Antrea ? Enforcement.Unknown : Enforcement.NotEnforced,
        };
    }

    /// <summary>
    /// Whether objects of <paramref name="kind"/> count as coverage: NetworkPolicy always (its enforcement is judged by
    /// NPG-N09 and NPG-C01); CRD kinds unless the engine is known not to enforce them.
    /// </summary>
    public bool Counts(PolicyKind kind) => kind == PolicyKind.NetworkPolicy || Enforces(kind) != Enforcement.NotEnforced;

    /// <summary>The engine the report names: its evidence name, <c>none</c> or <c>unknown</c>.</summary>
    public string Name => EvidenceName(Engine);

    /// <summary>The engine named by a ready DaemonSet (in <see cref="PolicyEngines.DetectionOrder"/>); null when none is ready.</summary>
    public static PolicyEngine? RunningEngine(EngineEvidence? evidence)
    {
        if (evidence is null || evidence.Unavailable)
        {
            return null;
        }

        foreach (var engine in PolicyEngines.DetectionOrder)
        {
            var name = EvidenceName(engine);
            if (evidence.DaemonSets.Any(d => d.IsReady && string.Equals(d.Engine, name, StringComparison.OrdinalIgnoreCase)))
            {
                return engine;
            }
        }

        return null;
    }

    /// <summary>The evidence name of an engine (<c>azure-npm</c>, <c>calico</c>, <c>cilium</c>, <c>antrea</c>, <c>kube-router</c>, <c>weave-net</c>).</summary>
    public static string EvidenceName(PolicyEngine engine) => engine switch
    {
        PolicyEngine.AzureNpm => "azure-npm",
        PolicyEngine.Calico => "calico",
        PolicyEngine.Cilium => "cilium",
        PolicyEngine.Antrea => "antrea",
        PolicyEngine.KubeRouter => "kube-router",
        PolicyEngine.WeaveNet => "weave-net",
        PolicyEngine.None => "none",
        _ => "unknown",
    };

    /// <summary>Maps an evidence or declared name (<see cref="PolicyEngines.DeclarableNames"/>) to an engine; null when not one.</summary>
    public static PolicyEngine? FromName(string? name)
    {
        var normalized = Normalize(name);
        foreach (var engine in Enum.GetValues<PolicyEngine>())
        {
            if (engine != PolicyEngine.Unknown && EvidenceName(engine) == normalized)
            {
                return engine;
            }
        }

        return null;
    }

    /// <summary>Maps an ARM <c>networkPolicy</c> value; null for none/absent; Unknown for an unrecognised value.</summary>
    public static PolicyEngine? FromArmValue(string? networkPolicy) =>
        Normalize(networkPolicy) switch
        {
            null or "none" => null,
            "azure" => PolicyEngine.AzureNpm,
            "calico" => PolicyEngine.Calico,
            "cilium" => PolicyEngine.Cilium,
            _ => PolicyEngine.Unknown,
        };

    /// <summary>Lower-cased, trimmed; null for null or blank.</summary>
    public static string? Normalize(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null : value.Trim().ToLowerInvariant();

    /// <summary>Engine DaemonSets that exist but are not ready on every node, as <c>engine ns/name ready/desired</c>.</summary>
    public static IReadOnlyList<string> NotReady(EngineEvidence? evidence) =>
        evidence is null || evidence.Unavailable
            ? []
            : [.. evidence.DaemonSets.Where(d => !d.IsReady).Select(d => $"{d.Engine} {d.Namespace}/{d.Name} {d.Ready}/{d.Desired}").Order(StringComparer.Ordinal)];

    private static EngineState DeclaredState(PolicyEngine engine, string context) =>
        new(engine, $"declared by the user ({EvidenceName(engine)}), not detected; {context}", Declared: true);

    private static EngineState FromEvidenceOnly(EngineEvidence? evidence, PolicyEngine? running, PolicyEngine? declared)
    {
        if (running is { } engine)
        {
            var basis = $"ready {EvidenceName(engine)} DaemonSet in the cluster (no network profile)";
            return declared is { } other && other != engine
                ? new EngineState(engine, basis + $"; the declared engine {EvidenceName(other)} is not used, because {EvidenceName(engine)} was detected")
                : new EngineState(engine, basis);
        }

        if (evidence is null)
        {
            return declared is { } named
                ? DeclaredState(named, "no network profile and no in-cluster evidence")
                : new EngineState(PolicyEngine.Unknown, "no network profile and no engine evidence (for example manifests); declare one with --engine");
        }

        if (evidence.Unavailable)
        {
            var reason = evidence.UnavailableReason ?? "no reason given";
            return declared is { } named
                ? DeclaredState(named, $"the DaemonSet list could not be read ({reason})")
                : new EngineState(PolicyEngine.Unknown, $"no network profile and the DaemonSet list could not be read: {reason}", EvidenceUnreadable: true);
        }

        if (declared is { } chosen)
        {
            return DeclaredState(chosen, "the DaemonSet list shows no ready engine DaemonSet");
        }

        // An engine DaemonSet with no ready pod enforces nothing anywhere: that is None, as if it were absent. One that
        // runs on some nodes only may enforce there: that cannot be judged either way, so Unknown.
        var notReady = NotReady(evidence);
        if (evidence.DaemonSets.Any(d => !d.IsReady && d.Ready > 0))
        {
            return new EngineState(PolicyEngine.Unknown, $"no network profile and the engine DaemonSet runs on some nodes only: {string.Join(", ", notReady)}", EvidenceUnreadable: true);
        }

        return notReady.Count > 0
            ? new EngineState(PolicyEngine.None, $"no network profile and no engine DaemonSet has a ready pod: {string.Join(", ", notReady)}")
            : new EngineState(PolicyEngine.None, "no network profile and the DaemonSet list shows no engine DaemonSet (" + string.Join(", ", PolicyEngines.DetectionOrder.Select(EvidenceName)) + ")");
    }

    private static EngineState FromProfile(ClusterNetworkProfile profile, EngineEvidence? evidence, PolicyEngine? running, PolicyEngine? declared)
    {
        var armEngine = FromArmValue(profile.NetworkPolicy);
        if (armEngine is { } named && named != PolicyEngine.Unknown)
        {
            var basis = $"networkProfile.networkPolicy={Normalize(profile.NetworkPolicy)}";
            return declared is { } other && other != named
                ? new EngineState(named, basis + $"; the declared engine {EvidenceName(other)} is not used, because ARM names {EvidenceName(named)}")
                : new EngineState(named, basis);
        }

        if (running is { } found)
        {
            return new EngineState(found, $"ready {EvidenceName(found)} DaemonSet in the cluster (networkProfile.networkPolicy={Normalize(profile.NetworkPolicy) ?? "absent"})");
        }

        if (declared is { } chosen)
        {
            return DeclaredState(chosen, $"networkProfile.networkPolicy={Normalize(profile.NetworkPolicy) ?? "absent"}");
        }

        if (armEngine == PolicyEngine.Unknown)
        {
            return new EngineState(PolicyEngine.Unknown, $"unrecognised networkProfile.networkPolicy={profile.NetworkPolicy}");
        }

        var byoCni = Normalize(profile.NetworkPlugin) == "none";
        if (byoCni && (evidence is null || evidence.Unavailable))
        {
            return new EngineState(PolicyEngine.Unknown, "networkPlugin=none (BYO CNI) and no readable engine evidence", EvidenceUnreadable: evidence is not null);
        }

        return new EngineState(
            PolicyEngine.None,
            byoCni
                ? "networkPlugin=none (BYO CNI) and no ready engine DaemonSet in the cluster"
                : $"networkProfile.networkPolicy={Normalize(profile.NetworkPolicy) ?? "absent"}");
    }
}
