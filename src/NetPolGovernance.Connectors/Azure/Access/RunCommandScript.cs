using NetPolGovernance.Connectors.Kubernetes.Catalog;

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

    /// <summary>The CRD policy kinds read when their CRD is installed: the catalog's custom resources.</summary>
    public static IReadOnlyList<CrdPolicyKind> CrdKinds => CrdPolicyKinds.CustomResources;

    /// <summary>Engine DaemonSet name → engine, as the analysis names engines: the catalog's.</summary>
    public static IReadOnlyDictionary<string, string> EngineDaemonSets => PolicyEngineDaemonSets.EngineByName;

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
            $"q daemonsets 'get daemonsets -A' '[.items[]|select({EngineNameTest()})|{{ns:.metadata.namespace,n:.metadata.name,d:(.status.desiredNumberScheduled//0),r:(.status.numberReady//0)}}]'",
            $"q cilium-config 'get configmap {PolicyEngineDaemonSets.CiliumConfigMap} -n kube-system --ignore-not-found' '{{p:(.data[\"{PolicyEngineDaemonSets.CiliumEnablePolicyKey}\"]//null)}}'",
        };
        foreach (var kind in CrdKinds)
        {
            lines.Add(
                $"if kubectl get crd {kind.Resource} >/dev/null 2>&1; then q '{CrdSection(kind)}' 'get {kind.Resource} -A' '{policyShape}'; " +
                $"else echo '#{CrdSection(kind)}'; echo '!absent'; fi");
        }

        lines.Add($"echo '{EndMarker}'");
        return string.Join('\n', lines) + "\n";
    }

    /// <summary>The section header of a CRD kind (after <c>#</c>): <c>crd apiVersion Kind</c>.</summary>
    public static string CrdSection(CrdPolicyKind kind) => $"crd {kind.ApiVersion} {kind.Kind}";

    private static string EngineNameTest() =>
        string.Join(" or ", EngineDaemonSets.Keys.Order(StringComparer.Ordinal).Select(name => $".metadata.name==\"{name}\""));
}
