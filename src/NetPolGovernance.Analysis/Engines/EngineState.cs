using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Analysis.Engines;

/// <summary>
/// The engine the analysis believes enforces policy, with the basis for that belief, and which policy kinds it
/// enforces. Resolution (documented in docs/checks.md):
/// <list type="bullet">
/// <item>ARM <c>networkPolicy</c> azure/calico/cilium names the engine (C02 separately checks it is running);</item>
/// <item>ARM <c>none</c> or absent: a ready engine DaemonSet found in the cluster (self-managed or BYO CNI) is the engine;
/// otherwise None, except BYO CNI (<c>networkPlugin: none</c>) without readable evidence, which is Unknown;</item>
/// <item>no network profile: a ready engine DaemonSet is the engine, otherwise Unknown;</item>
/// <item>Cilium with <c>enable-policy: never</c> enforces nothing.</item>
/// </list>
/// </summary>
internal sealed record EngineState(PolicyEngine Engine, string Basis, bool EnforcementDisabled = false)
{
    public static EngineState Resolve(ClusterNetworkProfile? profile, EngineEvidence? evidence)
    {
        var running = RunningEngine(evidence);
        var state = profile is null
            ? FromEvidenceOnly(running)
            : FromProfile(profile, evidence, running);

        if (state.Engine == PolicyEngine.Cilium
            && string.Equals(evidence?.CiliumPolicyEnforcementMode?.Trim(), "never", StringComparison.OrdinalIgnoreCase))
        {
            return state with { EnforcementDisabled = true, Basis = state.Basis + "; cilium enable-policy=never" };
        }

        return state;
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
            _ => Engine == PolicyEngine.Calico ? Enforcement.Unknown : Enforcement.NotEnforced,
        };
    }

    /// <summary>
    /// Whether objects of <paramref name="kind"/> count as coverage: NetworkPolicy always (its enforcement is judged by
    /// NPG-N09 and NPG-C01); CRD kinds unless the engine is known not to enforce them.
    /// </summary>
    public bool Counts(PolicyKind kind) => kind == PolicyKind.NetworkPolicy || Enforces(kind) != Enforcement.NotEnforced;

    /// <summary>The engine named by a ready DaemonSet (cilium, then calico, then azure-npm); null when none is ready.</summary>
    public static PolicyEngine? RunningEngine(EngineEvidence? evidence)
    {
        if (evidence is null || evidence.Unavailable)
        {
            return null;
        }

        foreach (var (name, engine) in s_evidenceOrder)
        {
            if (evidence.DaemonSets.Any(d => d.IsReady && string.Equals(d.Engine, name, StringComparison.OrdinalIgnoreCase)))
            {
                return engine;
            }
        }

        return null;
    }

    /// <summary>The evidence name of an engine (<c>azure-npm</c>, <c>calico</c>, <c>cilium</c>).</summary>
    public static string EvidenceName(PolicyEngine engine) => engine switch
    {
        PolicyEngine.AzureNpm => "azure-npm",
        PolicyEngine.Calico => "calico",
        PolicyEngine.Cilium => "cilium",
        _ => engine.ToString().ToLowerInvariant(),
    };

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

    private static readonly (string Name, PolicyEngine Engine)[] s_evidenceOrder =
    [
        ("cilium", PolicyEngine.Cilium),
        ("calico", PolicyEngine.Calico),
        ("azure-npm", PolicyEngine.AzureNpm),
    ];

    private static EngineState FromEvidenceOnly(PolicyEngine? running) =>
        running is { } engine
            ? new EngineState(engine, $"ready {EvidenceName(engine)} DaemonSet in the cluster (no network profile)")
            : new EngineState(PolicyEngine.Unknown, "no network profile and no ready engine DaemonSet evidence");

    private static EngineState FromProfile(ClusterNetworkProfile profile, EngineEvidence? evidence, PolicyEngine? running)
    {
        var declared = FromArmValue(profile.NetworkPolicy);
        if (declared is { } named && named != PolicyEngine.Unknown)
        {
            return new EngineState(named, $"networkProfile.networkPolicy={Normalize(profile.NetworkPolicy)}");
        }

        if (running is { } found)
        {
            return new EngineState(found, $"ready {EvidenceName(found)} DaemonSet in the cluster (networkProfile.networkPolicy={Normalize(profile.NetworkPolicy) ?? "absent"})");
        }

        if (declared == PolicyEngine.Unknown)
        {
            return new EngineState(PolicyEngine.Unknown, $"unrecognised networkProfile.networkPolicy={profile.NetworkPolicy}");
        }

        var byoCni = Normalize(profile.NetworkPlugin) == "none";
        if (byoCni && (evidence is null || evidence.Unavailable))
        {
            return new EngineState(PolicyEngine.Unknown, "networkPlugin=none (BYO CNI) and no readable engine evidence");
        }

        return new EngineState(
            PolicyEngine.None,
            byoCni
                ? "networkPlugin=none (BYO CNI) and no ready engine DaemonSet in the cluster"
                : $"networkProfile.networkPolicy={Normalize(profile.NetworkPolicy) ?? "absent"}");
    }
}
