using System.Globalization;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Reachability;

namespace NetPolGovernance.Analysis.Validation;

/// <summary>
/// Validates a snapshot the way the Kubernetes API server validates objects on create (docs/semantics.md §14):
/// NetworkPolicy (<c>networking.k8s.io/v1</c>), label selectors and metadata labels, object names, and the
/// AdminNetworkPolicy / BaselineAdminNetworkPolicy fields the analysis reads (<c>policy.networking.k8s.io/v1alpha1</c>
/// CRD schema), and the CRD policy kinds' structural rules (<see cref="CrdPolicyValidator"/>). Pure: the same snapshot
/// gives the same report.
/// </summary>
public static class ObjectValidator
{
    /// <summary>ANP <c>spec.priority</c> bounds (CRD schema).</summary>
    public const int MinPriority = 0;

    public const int MaxPriority = 1000;

    /// <summary>CRD bounds on ANP/BANP lists and rule names.</summary>
    public const int MaxRules = 100;

    public const int MaxPeers = 100;

    public const int MaxPorts = 100;

    public const int MaxNetworks = 25;

    public const int MaxRuleNameLength = 100;

    /// <summary>The ANP/BANP version whose schema is checked; other versions are left to the coverage notes.</summary>
    public const string AdminApiVersion = "policy.networking.k8s.io/v1alpha1";

    /// <summary>The ClusterNetworkPolicy version whose schema is checked.</summary>
    public const string ClusterNetworkPolicyApiVersion = "policy.networking.k8s.io/v1alpha2";

    private static readonly string[] s_protocols = ["TCP", "UDP", "SCTP"];
    private static readonly string[] s_policyTypes = ["Ingress", "Egress"];

    public static ValidationReport Validate(ClusterSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var rejected = new List<RejectedObject>();
        foreach (var ns in snapshot.Namespaces.Where(n => !n.Implied))
        {
            var v = new Violations();
            v.Name("metadata.name", ns.Name, label: true);
            v.Labels("metadata.labels", ns.Labels);
            Collect(rejected, v, "Namespace", null, ns.Name, ns.Source, ns);
        }

        foreach (var pod in snapshot.Pods)
        {
            var v = new Violations();
            if (pod.DerivedFrom is null)
            {
                v.Name("metadata.name", pod.Name, label: false);
            }

            v.Namespace(pod.Namespace);
            v.Labels(pod.DerivedFrom is null ? "metadata.labels" : "spec.template.metadata.labels", pod.Labels);
            var (kind, name) = pod.DerivedFrom?.Split('/', 2) is [var k, var n] ? (k, n) : ("Pod", pod.Name);
            Collect(rejected, v, kind, pod.Namespace, name, pod.Source, pod);
        }

        CollectPolicies(rejected, snapshot);
        return rejected.Count == 0 ? ValidationReport.Empty : new ValidationReport(rejected);
    }

    /// <summary>
    /// Validates only the policy objects of <paramref name="snapshot"/>: what decides which policies take part in an
    /// analysis (<see cref="ValidationReport.WithoutRejectedPolicies"/>). Every consumer of policies (scan, reach,
    /// remediation, stage, diff) leaves out the same objects through it.
    /// </summary>
    public static ValidationReport ValidatePolicies(ClusterSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var rejected = new List<RejectedObject>();
        CollectPolicies(rejected, snapshot);
        return rejected.Count == 0 ? ValidationReport.Empty : new ValidationReport(rejected);
    }

    private static void CollectPolicies(List<RejectedObject> rejected, ClusterSnapshot snapshot)
    {
        foreach (var policy in snapshot.NetworkPolicies)
        {
            Collect(rejected, ValidateNetworkPolicy(policy), "NetworkPolicy", policy.Namespace, policy.Name, policy.Source, policy);
        }

        foreach (var policy in snapshot.AdminPolicies.Where(p => p.Kind is "AdminNetworkPolicy" or "BaselineAdminNetworkPolicy" && p.ApiVersion == AdminApiVersion))
        {
            Collect(rejected, ValidateAdminPolicy(policy), policy.Kind, null, policy.Name, policy.Source, policy);
        }

        foreach (var policy in snapshot.AdminPolicies.Where(p => p.Kind == "ClusterNetworkPolicy" && p.ApiVersion == ClusterNetworkPolicyApiVersion))
        {
            Collect(rejected, CrdPolicyValidator.ClusterNetworkPolicy(policy), policy.Kind, null, policy.Name, policy.Source, policy);
        }

        foreach (var policy in snapshot.CiliumPolicies)
        {
            Collect(rejected, CrdPolicyValidator.Cilium(policy), policy.Kind, policy.Namespace, policy.Name, policy.Source, policy);
        }

        foreach (var policy in snapshot.CalicoPolicies.Where(p => p.ApiGroup == "projectcalico.org" && p.Kind is "NetworkPolicy" or "GlobalNetworkPolicy"))
        {
            Collect(rejected, CrdPolicyValidator.Calico(policy), "Calico" + policy.Kind, policy.Namespace, policy.Name, policy.Source, policy);
        }
    }

    /// <summary>The rules a NetworkPolicy breaks; empty when the API server would accept it.</summary>
    public static IReadOnlyList<Violation> ValidateNetworkPolicy(NetworkPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var v = new Violations();
        v.Name("metadata.name", policy.Name, label: false);
        v.Namespace(policy.Namespace);
        v.Labels("metadata.labels", policy.Labels);
        v.Selector("spec.podSelector", policy.PodSelector);
        Rules(v, "spec.ingress", "from", policy.Ingress);
        Rules(v, "spec.egress", "to", policy.Egress);
        if (policy.PolicyTypes is { } types)
        {
            if (types.Count > s_policyTypes.Length)
            {
                v.Add("spec.policyTypes", "policytypes-count", "may not specify more than two policyTypes");
            }
            else
            {
                for (var i = 0; i < types.Count; i++)
                {
                    if (!s_policyTypes.Contains(types[i], StringComparer.Ordinal))
                    {
                        v.Add($"spec.policyTypes[{i}]", "policytype-supported", $"Unsupported value \"{types[i]}\": supported values are \"Ingress\", \"Egress\"");
                    }
                }
            }
        }

        return v.List;
    }

    /// <summary>The rules an AdminNetworkPolicy or BaselineAdminNetworkPolicy breaks (v1alpha1 CRD schema).</summary>
    public static IReadOnlyList<Violation> ValidateAdminPolicy(AdminPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var baseline = policy.Kind == "BaselineAdminNetworkPolicy";
        var v = new Violations();
        v.Name("metadata.name", policy.Name, label: false);
        if (baseline && policy.Name != "default")
        {
            v.Add("metadata.name", "banp-name", "a BaselineAdminNetworkPolicy must be named \"default\" (only one may exist)");
        }

        if (!baseline)
        {
            if (policy.Priority is not { } priority)
            {
                v.Add("spec.priority", "priority-required", "Required value");
            }
            else if (priority is < MinPriority or > MaxPriority)
            {
                v.Add("spec.priority", "priority-range", $"must be between {MinPriority} and {MaxPriority}, inclusive (found {priority.ToString(CultureInfo.InvariantCulture)})");
            }
        }

        var subjectForms = (policy.SubjectNamespaces is not null ? 1 : 0) + (policy.SubjectIsPods ? 1 : 0);
        if (subjectForms != 1)
        {
            v.Add("spec.subject", "subject-one-of", subjectForms == 0
                ? "Required value: set exactly one of namespaces or pods"
                : "must set exactly one of namespaces or pods, not both");
        }

        v.Selector("spec.subject.namespaces", policy.SubjectNamespaces);
        if (policy.SubjectIsPods)
        {
            if (policy.SubjectPodsNamespaceSelector is null || policy.SubjectPodsPodSelector is null)
            {
                v.Add("spec.subject.pods", "pods-selectors", "Required value: pods needs both namespaceSelector and podSelector");
            }

            v.Selector("spec.subject.pods.namespaceSelector", policy.SubjectPodsNamespaceSelector);
            v.Selector("spec.subject.pods.podSelector", policy.SubjectPodsPodSelector);
        }

        if (policy.IngressRuleCount > MaxRules)
        {
            v.Add("spec.ingress", "rules-max", $"Too many: {policy.IngressRuleCount}: must have at most {MaxRules} items");
        }

        if (policy.EgressRuleCount > MaxRules)
        {
            v.Add("spec.egress", "rules-max", $"Too many: {policy.EgressRuleCount}: must have at most {MaxRules} items");
        }

        for (var i = 0; i < policy.Ingress.Count; i++)
        {
            AdminRule(v, $"spec.ingress[{i}]", "ingress", policy.Ingress[i], baseline);
        }

        for (var i = 0; i < policy.Egress.Count; i++)
        {
            AdminRule(v, $"spec.egress[{i}]", "egress", policy.Egress[i], baseline);
        }

        return v.List;
    }

    private static void AdminRule(Violations v, string path, string direction, AdminPolicyRule rule, bool baseline)
    {
        string[] actions = baseline ? ["Allow", "Deny"] : ["Allow", "Deny", "Pass"];
        if (rule.Action.Length == 0)
        {
            v.Add(path + ".action", "action-supported", "Required value");
        }
        else if (!actions.Contains(rule.Action, StringComparer.Ordinal))
        {
            v.Add(path + ".action", "action-supported", $"Unsupported value \"{rule.Action}\": supported values are {string.Join(", ", actions.Select(a => $"\"{a}\""))}");
        }

        if (rule.Name is { Length: > MaxRuleNameLength })
        {
            v.Add(path + ".name", "rule-name-length", $"must be no more than {MaxRuleNameLength} characters");
        }

        var peersName = direction == "ingress" ? "from" : "to";
        // domainNames is an AdminNetworkPolicy egress peer (not a baseline one) in the v1alpha1 experimental channel.
        string[] peerFields = direction == "ingress" ? ["namespaces", "pods"]
            : baseline ? ["namespaces", "pods", "nodes", "networks"]
            : ["namespaces", "pods", "nodes", "networks", "domainNames"];
        if (rule.Peers is not { Count: > 0 } peers)
        {
            v.Add($"{path}.{peersName}", "peers-required", "Required value: at least one peer");
        }
        else
        {
            if (peers.Count > MaxPeers)
            {
                v.Add($"{path}.{peersName}", "peers-max", $"Too many: {peers.Count}: must have at most {MaxPeers} items");
            }

            for (var p = 0; p < peers.Count; p++)
            {
                var peerPath = $"{path}.{peersName}[{p}]";
                var peer = peers[p];
                var unknown = peer.Fields.Where(f => !peerFields.Contains(f, StringComparer.Ordinal)).ToList();
                if (unknown.Count > 0)
                {
                    v.Add(peerPath, "peer-one-of", $"field {string.Join(", ", unknown)} is not allowed here: a peer sets one of {string.Join(", ", peerFields)}");
                }
                else if (peer.Fields.Count != 1)
                {
                    v.Add(peerPath, "peer-one-of", $"must set exactly one of {string.Join(", ", peerFields)} (found {peer.Fields.Count})");
                }

                if (peer.PodsIncomplete)
                {
                    v.Add(peerPath + ".pods", "pods-selectors", "Required value: pods needs both namespaceSelector and podSelector");
                }

                v.Selector(peerPath + ".namespaces", peer.Namespaces);
                v.Selector(peerPath + ".nodes", peer.Nodes);
                v.Selector(peerPath + ".pods.namespaceSelector", peer.PodsNamespaceSelector);
                v.Selector(peerPath + ".pods.podSelector", peer.PodsPodSelector);

                if (peer.Networks is { } networks)
                {
                    if (networks.Count is 0 or > MaxNetworks)
                    {
                        v.Add(peerPath + ".networks", "networks-count", $"must have 1 to {MaxNetworks} items");
                    }

                    for (var c = 0; c < networks.Count; c++)
                    {
                        if (!Cidr.TryParse(networks[c], out _))
                        {
                            v.Add($"{peerPath}.networks[{c}]", "cidr-valid", $"Invalid value \"{networks[c]}\": must be a valid CIDR (e.g. 10.0.0.0/8 or 2001:db8::/64)");
                        }
                    }
                }
            }
        }

        if (rule.Ports is { } ports)
        {
            if (ports.Count > MaxPorts)
            {
                v.Add(path + ".ports", "ports-max", $"Too many: {ports.Count}: must have at most {MaxPorts} items");
            }

            for (var p = 0; p < ports.Count; p++)
            {
                AdminPort(v, $"{path}.ports[{p}]", ports[p]);
            }
        }
    }

    private static void AdminPort(Violations v, string path, AdminPolicyPort port)
    {
        string[] forms = ["portNumber", "namedPort", "portRange"];
        if (port.Fields.Count != 1 || !forms.Contains(port.Fields[0], StringComparer.Ordinal))
        {
            v.Add(path, "port-one-of", "must set exactly one of portNumber, namedPort, portRange");
        }

        if (port.Protocol is { } protocol && !s_protocols.Contains(protocol, StringComparer.Ordinal))
        {
            v.Add(path + ".protocol", "protocol-supported", $"Unsupported value \"{protocol}\": supported values are \"TCP\", \"UDP\", \"SCTP\"");
        }

        if (port.Fields.Contains("portNumber"))
        {
            if (port.Port is not { } number)
            {
                v.Add(path + ".portNumber.port", "port-range", "Required value");
            }
            else
            {
                v.Port(path + ".portNumber.port", number);
            }
        }

        if (port.Fields.Contains("portRange"))
        {
            if (port.Port is not { } start || port.EndPort is not { } end)
            {
                v.Add(path + ".portRange", "port-range", "Required value: start and end");
            }
            else
            {
                v.Port(path + ".portRange.start", start);
                v.Port(path + ".portRange.end", end);
                if (start >= end)
                {
                    v.Add(path + ".portRange", "portrange-order", "start must be less than end");
                }
            }
        }
    }

    private static void Rules(Violations v, string path, string peersName, IReadOnlyList<NetworkPolicyRule>? rules)
    {
        for (var r = 0; r < (rules?.Count ?? 0); r++)
        {
            var rule = rules![r];
            var rulePath = $"{path}[{r}]";
            for (var p = 0; p < (rule.Ports?.Count ?? 0); p++)
            {
                NetworkPolicyPort(v, $"{rulePath}.ports[{p}]", rule.Ports![p]);
            }

            for (var p = 0; p < (rule.Peers?.Count ?? 0); p++)
            {
                Peer(v, $"{rulePath}.{peersName}[{p}]", rule.Peers![p]);
            }
        }
    }

    private static void NetworkPolicyPort(Violations v, string path, NetworkPolicyPort port)
    {
        if (port.Protocol is { } protocol && !s_protocols.Contains(protocol, StringComparer.Ordinal))
        {
            v.Add(path + ".protocol", "protocol-supported", $"Unsupported value \"{protocol}\": supported values are \"TCP\", \"UDP\", \"SCTP\"");
        }

        if (port.Port is { IsNamed: false, Number: { } number })
        {
            v.Port(path + ".port", number);
            if (port.EndPort is { } endPort)
            {
                if (endPort < number)
                {
                    v.Add(path + ".endPort", "endport-below-port", $"Invalid value: {endPort.ToString(CultureInfo.InvariantCulture)}: must be greater than or equal to `port`");
                }

                v.Port(path + ".endPort", endPort);
            }
        }
        else if (port.Port is { IsNamed: true, Name: { } name })
        {
            if (port.EndPort is not null)
            {
                v.Add(path + ".endPort", "endport-named-port", "may not be specified when `port` is non-numeric");
            }

            foreach (var problem in KubernetesNames.PortName(name))
            {
                v.Add(path + ".port", "port-name", $"Invalid value \"{name}\": {problem}");
            }
        }
        else if (port.EndPort is not null)
        {
            v.Add(path + ".endPort", "endport-without-port", "may not be specified when `port` is not specified");
        }
    }

    private static void Peer(Violations v, string path, NetworkPolicyPeer peer)
    {
        var count = (peer.PodSelector is null ? 0 : 1) + (peer.NamespaceSelector is null ? 0 : 1) + (peer.IpBlock is null ? 0 : 1);
        v.Selector(path + ".podSelector", peer.PodSelector);
        v.Selector(path + ".namespaceSelector", peer.NamespaceSelector);
        if (peer.IpBlock is { } block)
        {
            IpBlock(v, path + ".ipBlock", block);
        }

        if (count == 0)
        {
            v.Add(path, "peer-required", "Required value: must specify a peer");
        }
        else if (count > 1 && peer.IpBlock is not null)
        {
            v.Add(path, "peer-ipblock-exclusive", "Forbidden: may not specify both ipBlock and another peer");
        }
    }

    private static void IpBlock(Violations v, string path, IpBlock block)
    {
        if (block.Cidr.Length == 0)
        {
            v.Add(path + ".cidr", "cidr-valid", "Required value");
            return;
        }

        if (!Cidr.TryParse(block.Cidr, out var cidr))
        {
            v.Add(path + ".cidr", "cidr-valid", $"Invalid value \"{block.Cidr}\": must be a valid CIDR value (e.g. 10.9.8.0/24 or 2001:db8::/64)");
            return;
        }

        for (var i = 0; i < (block.Except?.Count ?? 0); i++)
        {
            var text = block.Except![i];
            if (!Cidr.TryParse(text, out var except))
            {
                v.Add($"{path}.except[{i}]", "cidr-valid", $"Invalid value \"{text}\": must be a valid CIDR value (e.g. 10.9.8.0/24 or 2001:db8::/64)");
            }
            else if (!cidr.StrictlyContains(except))
            {
                v.Add($"{path}.except[{i}]", "except-subset", $"Invalid value \"{text}\": must be a strict subset of `cidr` ({block.Cidr})");
            }
        }
    }

    private static void Collect(List<RejectedObject> rejected, Violations v, string kind, string? ns, string name, SourceLocation? source, object origin)
    {
        if (v.List.Count > 0)
        {
            rejected.Add(new RejectedObject { Kind = kind, Namespace = ns, Name = name, Source = source, Violations = v.List, Origin = origin });
        }
    }

    private static void Collect(List<RejectedObject> rejected, IReadOnlyList<Violation> violations, string kind, string? ns, string name, SourceLocation? source, object origin)
    {
        if (violations.Count > 0)
        {
            rejected.Add(new RejectedObject { Kind = kind, Namespace = ns, Name = name, Source = source, Violations = violations, Origin = origin });
        }
    }

    /// <summary>Collects violations for one object.</summary>
    private sealed class Violations
    {
        public List<Violation> List { get; } = [];

        public void Add(string field, string rule, string message) => List.Add(new Violation(field, rule, message));

        public void Port(string field, long number)
        {
            foreach (var problem in KubernetesNames.PortNumber(number))
            {
                Add(field, "port-range", $"Invalid value: {number.ToString(CultureInfo.InvariantCulture)}: {problem}");
            }
        }

        public void Name(string field, string name, bool label)
        {
            foreach (var problem in label ? KubernetesNames.Dns1123Label(name) : KubernetesNames.Dns1123Subdomain(name))
            {
                Add(field, label ? "name-dns1123-label" : "name-dns1123-subdomain", $"Invalid value \"{name}\": {problem}");
            }
        }

        public void Namespace(string ns)
        {
            foreach (var problem in KubernetesNames.Dns1123Label(ns))
            {
                Add("metadata.namespace", "namespace-dns1123-label", $"Invalid value \"{ns}\": {problem}");
            }
        }

        public void Labels(string field, IReadOnlyDictionary<string, string>? labels)
        {
            foreach (var (key, value) in labels ?? EmptyLabels.Instance)
            {
                foreach (var problem in KubernetesNames.QualifiedName(key))
                {
                    Add(field, "label-key", $"Invalid value \"{key}\": {problem}");
                }

                foreach (var problem in KubernetesNames.LabelValue(value))
                {
                    Add($"{field}[{key}]", "label-value", $"Invalid value \"{value}\": {problem}");
                }
            }
        }

        /// <summary>A LabelSelector: matchLabels as labels; each requirement's key, operator and values.</summary>
        public void Selector(string field, LabelSelector? selector)
        {
            if (selector is null)
            {
                return;
            }

            Labels(field + ".matchLabels", selector.MatchLabels);
            for (var i = 0; i < (selector.MatchExpressions?.Count ?? 0); i++)
            {
                var requirement = selector.MatchExpressions![i];
                var path = $"{field}.matchExpressions[{i}]";
                var values = requirement.Values ?? [];
                switch (requirement.Operator)
                {
                    case "In" or "NotIn":
                        if (values.Count == 0)
                        {
                            Add(path + ".values", "selector-values-required", "Required value: must be specified when `operator` is 'In' or 'NotIn'");
                        }

                        break;
                    case "Exists" or "DoesNotExist":
                        if (values.Count > 0)
                        {
                            Add(path + ".values", "selector-values-forbidden", "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
                        }

                        break;
                    default:
                        Add(path + ".operator", "selector-operator", $"Unsupported value \"{requirement.Operator}\": supported values are \"In\", \"NotIn\", \"Exists\", \"DoesNotExist\"");
                        break;
                }

                foreach (var problem in KubernetesNames.QualifiedName(requirement.Key))
                {
                    Add(path + ".key", "label-key", $"Invalid value \"{requirement.Key}\": {problem}");
                }

                for (var j = 0; j < values.Count; j++)
                {
                    foreach (var problem in KubernetesNames.LabelValue(values[j]))
                    {
                        Add($"{path}.values[{j}]", "label-value", $"Invalid value \"{values[j]}\": {problem}");
                    }
                }
            }
        }
    }
}
