namespace NetPolGovernance.Analysis.Engines;

/// <summary>
/// The policy engines the analysis knows by name: the names a user may declare (<c>--engine</c>,
/// <c>NETPOLGOV_ENGINE</c>) and the names engine DaemonSets are reported under (docs/checks.md).
/// </summary>
public static class PolicyEngines
{
    // Declared before DeclarableNames, which is built from it (static initialisers run in textual order).
    private static readonly PolicyEngine[] s_detectionOrder =
    [
        PolicyEngine.Cilium,
        PolicyEngine.Calico,
        PolicyEngine.Antrea,
        PolicyEngine.KubeRouter,
        PolicyEngine.WeaveNet,
        PolicyEngine.AzureNpm,
    ];

    /// <summary>The names accepted as a declared engine: every recognised engine, and <c>none</c>.</summary>
    public static IReadOnlyList<string> DeclarableNames { get; } =
        [.. s_detectionOrder.Select(EngineState.EvidenceName), EngineState.EvidenceName(PolicyEngine.None)];

    /// <summary>True when <paramref name="name"/> (any case, trimmed) is one of <see cref="DeclarableNames"/>.</summary>
    public static bool IsDeclarable(string? name) => EngineState.FromName(name) is not null;

    /// <summary>Which engine wins when several have a ready DaemonSet: Cilium, Calico, Antrea, kube-router, Weave Net, Azure NPM.</summary>
    internal static IReadOnlyList<PolicyEngine> DetectionOrder => s_detectionOrder;
}
