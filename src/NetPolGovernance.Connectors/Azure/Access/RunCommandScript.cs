using NetPolGovernance.Connectors.Kubernetes.Catalog;

namespace NetPolGovernance.Connectors.Azure.Access;

/// <summary>
/// The read-only shell script the runCommand path runs in the cluster (the command pod has kubectl and jq). It prints
/// only what the analysis needs, compacted in the cluster so a large cluster still fits the 512 kB output cap:
/// namespaces as name + labels; pods grouped by (namespace, labels, hostNetwork) with only their names; policies with
/// only metadata and spec; engine DaemonSets as desired/ready counts. Every section is one line after its
/// <c>#name</c> header; a failed read prints <c>!error ...</c>, a CRD kind that discovery answers NotFound for (or whose
/// group version does not list it) <c>!absent</c>; any other discovery failure is an <c>!error</c> (the kind is not visible). The last line
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
        // Discovery, not `kubectl get crd` (which AKS RBAC Reader may not read): the group version's resource list says
        // whether the kind is served. Only NotFound means "not installed"; any other failure leaves the kind not visible.
        // kubectl get --raw takes a path from the host root, so a server URL with a path (a proxy) is kept in front.
        lines.Add("P=$(kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}' 2>/dev/null | sed -e 's#^[a-z]*://[^/]*##' -e 's#/$##')");
        lines.Add(
            "crd() { if d=$(kubectl get --raw \"$P/apis/$2\" 2>&1); then if printf '%s' \"$d\" | jq -e --arg p \"$3\" '.resources[]|select(.name==$p)' >/dev/null 2>&1; "
            + "then q \"$1\" \"get $4 -A\" \"$5\"; else echo \"#$1\"; echo '!absent'; fi; "
            + "elif printf '%s' \"$d\" | grep -q '(NotFound)'; then echo \"#$1\"; echo '!absent'; "
            + "else echo \"#$1\"; echo \"!error discovery of /apis/$2 failed: $(printf '%s' \"$d\" | head -c 300 | tr '\\n' ' ')\"; fi; }");
        foreach (var kind in CrdKinds)
        {
            lines.Add($"crd '{CrdSection(kind)}' '{kind.ApiVersion}' '{kind.Plural}' '{kind.Resource}' '{policyShape}'");
        }

        lines.Add($"echo '{EndMarker}'");
        return string.Join('\n', lines) + "\n";
    }

    /// <summary>The section header of a CRD kind (after <c>#</c>): <c>crd apiVersion Kind</c>.</summary>
    public static string CrdSection(CrdPolicyKind kind) => $"crd {kind.ApiVersion} {kind.Kind}";

    private static string EngineNameTest() =>
        string.Join(" or ", EngineDaemonSets.Keys.Order(StringComparer.Ordinal).Select(name => $".metadata.name==\"{name}\""));
}
