namespace NetPolGovernance.Connectors.Azure.Access;

/// <summary>
/// The read-only shell script the runCommand path runs in the cluster (the command pod has kubectl and jq). It prints
/// only what the analysis needs, compacted in the cluster so a large cluster still fits the 512 kB output cap:
/// namespaces as name + labels; pods grouped by (namespace, labels, hostNetwork) with only their names; policies with
/// only metadata and spec; engine DaemonSets as desired/ready counts. Every section is one line after its
/// <c>#name</c> header; a failed read prints <c>!error ...</c>, a CRD that is not installed <c>!absent</c>. The last line
/// is <see cref="EndMarker"/>: its absence means the output was cut off.
/// </summary>
internal static class RunCommandScript
{
    public const string StartMarker = "NPG-RUNCOMMAND v1";
    public const string EndMarker = "NPG-END";

    /// <summary>The runCommand output cap (RC-1): the service keeps at most 512 kB of output.</summary>
    public const int OutputCapBytes = 512 * 1024;

    /// <summary>CRD policy kinds read when their CRD is installed: (resource.group, apiVersion, kind).</summary>
    public static IReadOnlyList<(string Resource, string ApiVersion, string Kind)> CrdKinds { get; } =
    [
        ("ciliumnetworkpolicies.cilium.io", "cilium.io/v2", "CiliumNetworkPolicy"),
        ("ciliumclusterwidenetworkpolicies.cilium.io", "cilium.io/v2", "CiliumClusterwideNetworkPolicy"),
        ("networkpolicies.crd.projectcalico.org", "crd.projectcalico.org/v1", "NetworkPolicy"),
        ("globalnetworkpolicies.crd.projectcalico.org", "crd.projectcalico.org/v1", "GlobalNetworkPolicy"),
        ("adminnetworkpolicies.policy.networking.k8s.io", "policy.networking.k8s.io/v1alpha1", "AdminNetworkPolicy"),
        ("baselineadminnetworkpolicies.policy.networking.k8s.io", "policy.networking.k8s.io/v1alpha1", "BaselineAdminNetworkPolicy"),
    ];

    /// <summary>Engine DaemonSet name → engine, as the analysis names engines.</summary>
    public static IReadOnlyDictionary<string, string> EngineDaemonSets { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["azure-npm"] = "azure-npm",
        ["calico-node"] = "calico",
        ["cilium"] = "cilium",
    };

    public static string Command { get; } = Build();

    private static string Build()
    {
        const string policyShape = "[.items[]|{apiVersion,kind,metadata:{namespace:.metadata.namespace,name:.metadata.name,labels:.metadata.labels},spec,specs}|with_entries(select(.value!=null))]";
        var lines = new List<string>
        {
            "q() { echo \"#$1\"; if o=$(kubectl $2 -o json 2>&1); then printf '%s' \"$o\" | jq -c \"$3\" || echo '!error jq could not read the kubectl output'; else echo \"!error $(printf '%s' \"$o\" | head -c 300 | tr '\\n' ' ')\"; fi; }",
            $"echo '{StartMarker}'",
            "q namespaces 'get namespaces' '[.items[]|{n:.metadata.name,l:(.metadata.labels//{})}]'",
            "q pods 'get pods -A' '[.items|group_by([.metadata.namespace,(.metadata.labels//{}),(.spec.hostNetwork//false)])[]|{ns:.[0].metadata.namespace,l:(.[0].metadata.labels//{}),h:(.[0].spec.hostNetwork//false),n:[.[].metadata.name]}]'",
            $"q networkpolicies 'get networkpolicies.networking.k8s.io -A' '{policyShape}'",
            "q daemonsets 'get daemonsets -A' '[.items[]|select(.metadata.name==\"azure-npm\" or .metadata.name==\"calico-node\" or .metadata.name==\"cilium\")|{ns:.metadata.namespace,n:.metadata.name,d:(.status.desiredNumberScheduled//0),r:(.status.numberReady//0)}]'",
            "q cilium-config 'get configmap cilium-config -n kube-system --ignore-not-found' '{p:(.data[\"enable-policy\"]//null)}'",
        };
        foreach (var (resource, apiVersion, kind) in CrdKinds)
        {
            lines.Add(
                $"if kubectl get crd {resource} >/dev/null 2>&1; then q 'crd {apiVersion} {kind}' 'get {resource} -A' '{policyShape}'; " +
                $"else echo '#crd {apiVersion} {kind}'; echo '!absent'; fi");
        }

        lines.Add($"echo '{EndMarker}'");
        return string.Join('\n', lines) + "\n";
    }
}
