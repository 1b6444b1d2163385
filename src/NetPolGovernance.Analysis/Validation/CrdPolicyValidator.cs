using System.Globalization;
using NetPolGovernance.Analysis.Calico;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Reachability;

namespace NetPolGovernance.Analysis.Validation;

/// <summary>
/// The structural rules the CRD schemas and API servers of the CRD policy kinds enforce (docs/semantics.md §14):
/// ClusterNetworkPolicy (<c>policy.networking.k8s.io/v1alpha2</c> schema), CiliumNetworkPolicy and
/// CiliumClusterwideNetworkPolicy (<c>cilium.io/v2</c> schema: enums, port and CIDR patterns, selector operators),
/// and Calico NetworkPolicy and GlobalNetworkPolicy as the Calico API server (<c>projectcalico.org/v3</c>) validates
/// them (selector syntax, actions, protocols, ports, nets). Only rules the schemas state are checked.
/// </summary>
internal static class CrdPolicyValidator
{
    /// <summary>The entities the <c>cilium.io/v2</c> schema enumerates for <c>fromEntities</c>/<c>toEntities</c>.</summary>
    public static readonly string[] CiliumEntities =
        ["all", "world", "cluster", "host", "init", "ingress", "unmanaged", "remote-node", "health", "none", "kube-apiserver", "world-ipv4", "world-ipv6"];

    private static readonly string[] s_ciliumProtocols = ["TCP", "UDP", "SCTP", "ICMP", "ICMPv6", "VRRP", "IGMP", "ANY"];
    private static readonly string[] s_calicoActions = ["Allow", "Deny", "Log", "Pass"];
    private static readonly string[] s_calicoProtocols = ["TCP", "UDP", "ICMP", "ICMPv6", "SCTP", "UDPLite"];
    private static readonly string[] s_calicoPortProtocols = ["TCP", "UDP", "SCTP", "UDPLite", "6", "17", "132", "136"];
    private static readonly string[] s_operators = ["In", "NotIn", "Exists", "DoesNotExist"];

    /// <summary>ClusterNetworkPolicy (v1alpha2): tier, priority, subject, rules, peers and protocols.</summary>
    public static IReadOnlyList<Violation> ClusterNetworkPolicy(AdminPolicy policy)
    {
        var v = new List<Violation>();
        Name(v, policy.Name);
        if (policy.Tier is not ("Admin" or "Baseline"))
        {
            v.Add(new Violation("spec.tier", "tier-supported", policy.Tier is null ? "Required value" : $"Unsupported value \"{policy.Tier}\": supported values are \"Admin\", \"Baseline\""));
        }

        if (policy.Priority is not { } priority)
        {
            v.Add(new Violation("spec.priority", "priority-required", "Required value"));
        }
        else if (priority is < ObjectValidator.MinPriority or > ObjectValidator.MaxPriority)
        {
            v.Add(new Violation("spec.priority", "priority-range", $"must be between {ObjectValidator.MinPriority} and {ObjectValidator.MaxPriority}, inclusive (found {priority.ToString(CultureInfo.InvariantCulture)})"));
        }

        var subjectForms = (policy.SubjectNamespaces is not null ? 1 : 0) + (policy.SubjectIsPods ? 1 : 0);
        if (subjectForms != 1)
        {
            v.Add(new Violation("spec.subject", "subject-one-of", subjectForms == 0 ? "Required value: set exactly one of namespaces or pods" : "must set exactly one of namespaces or pods, not both"));
        }

        if (policy.SubjectIsPods && (policy.SubjectPodsNamespaceSelector is null || policy.SubjectPodsPodSelector is null))
        {
            v.Add(new Violation("spec.subject.pods", "pods-selectors", "Required value: pods needs both namespaceSelector and podSelector"));
        }

        foreach (var (direction, rules, count) in new[] { ("ingress", policy.Ingress, policy.IngressRuleCount), ("egress", policy.Egress, policy.EgressRuleCount) })
        {
            if (count > ObjectValidator.MaxRules)
            {
                v.Add(new Violation($"spec.{direction}", "rules-max", $"Too many: {count}: must have at most {ObjectValidator.MaxRules} items"));
            }

            for (var i = 0; i < rules.Count; i++)
            {
                ClusterNetworkPolicyRule(v, $"spec.{direction}[{i}]", direction, rules[i]);
            }
        }

        return v;
    }

    private static void ClusterNetworkPolicyRule(List<Violation> v, string path, string direction, AdminPolicyRule rule)
    {
        if (rule.Action is not ("Accept" or "Deny" or "Pass"))
        {
            v.Add(new Violation(path + ".action", "action-supported", rule.Action.Length == 0 ? "Required value" : $"Unsupported value \"{rule.Action}\": supported values are \"Accept\", \"Deny\", \"Pass\""));
        }

        if (rule.Name is { Length: > ObjectValidator.MaxRuleNameLength })
        {
            v.Add(new Violation(path + ".name", "rule-name-length", $"must be no more than {ObjectValidator.MaxRuleNameLength} characters"));
        }

        var peersName = direction == "ingress" ? "from" : "to";
        string[] peerFields = direction == "ingress" ? ["namespaces", "pods"] : ["namespaces", "pods", "nodes", "networks", "domainNames"];
        var peers = rule.Peers;
        if (peers.Count == 0)
        {
            v.Add(new Violation($"{path}.{peersName}", "peers-required", "Required value: at least one peer"));
        }
        else
        {
            if (peers.Count > ObjectValidator.MaxPeers)
            {
                v.Add(new Violation($"{path}.{peersName}", "peers-max", $"Too many: {peers.Count}: must have at most {ObjectValidator.MaxPeers} items"));
            }

            for (var p = 0; p < peers.Count; p++)
            {
                var peerPath = $"{path}.{peersName}[{p}]";
                var peer = peers[p];
                if (peer.Fields.Count != 1 || !peerFields.Contains(peer.Fields[0], StringComparer.Ordinal))
                {
                    v.Add(new Violation(peerPath, "peer-one-of", $"must set exactly one of {string.Join(", ", peerFields)}"));
                }

                if (peer.PodsIncomplete)
                {
                    v.Add(new Violation(peerPath + ".pods", "pods-selectors", "Required value: pods needs both namespaceSelector and podSelector"));
                }

                if (peer.Networks is { } networks)
                {
                    if (networks.Count is 0 or > ObjectValidator.MaxNetworks)
                    {
                        v.Add(new Violation(peerPath + ".networks", "networks-count", $"must have 1 to {ObjectValidator.MaxNetworks} items"));
                    }

                    for (var c = 0; c < networks.Count; c++)
                    {
                        if (!Cidr.TryParse(networks[c], out _))
                        {
                            v.Add(new Violation($"{peerPath}.networks[{c}]", "cidr-valid", $"Invalid value \"{networks[c]}\": must be a valid CIDR (e.g. 10.0.0.0/8 or 2001:db8::/64)"));
                        }
                    }
                }
            }
        }

        for (var p = 0; p < (rule.Ports?.Count ?? 0); p++)
        {
            var port = rule.Ports![p];
            var portPath = $"{path}.protocols[{p}]";
            if (port.Unmodelled is not null)
            {
                v.Add(new Violation(portPath, "port-one-of", "must set exactly one of tcp, udp, sctp, destinationNamedPort"));
                continue;
            }

            if (port.NamedPort is { } name)
            {
                foreach (var problem in KubernetesNames.PortName(name))
                {
                    v.Add(new Violation(portPath + ".destinationNamedPort", "port-name", $"Invalid value \"{name}\": {problem}"));
                }

                continue;
            }

            if (port.Port is { } start)
            {
                PortNumber(v, portPath + ".destinationPort", start);
                if (port.EndPort is { } end)
                {
                    PortNumber(v, portPath + ".destinationPort.range.end", end);
                    if (start >= end)
                    {
                        v.Add(new Violation(portPath + ".destinationPort.range", "portrange-order", "start must be less than end"));
                    }
                }
            }
        }
    }

    /// <summary>CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy (cilium.io/v2 schema).</summary>
    public static IReadOnlyList<Violation> Cilium(CiliumPolicy policy)
    {
        var v = new List<Violation>();
        Name(v, policy.Name);
        for (var r = 0; r < policy.Rules.Count; r++)
        {
            var rule = policy.Rules[r];
            var path = policy.Rules.Count == 1 ? "spec" : $"specs[{r}]";
            if ((rule.EndpointSelector is null) == !rule.HasNodeSelector)
            {
                v.Add(new Violation(path, "cilium-selector-one-of", "must set exactly one of endpointSelector, nodeSelector"));
            }

            CiliumSelector(v, path + ".endpointSelector", rule.EndpointSelector);
            foreach (var (section, prefix, entries) in new[]
                     {
                         ("ingress", "from", rule.Ingress), ("ingressDeny", "from", rule.IngressDeny),
                         ("egress", "to", rule.Egress), ("egressDeny", "to", rule.EgressDeny),
                     })
            {
                for (var e = 0; e < entries.Count; e++)
                {
                    CiliumEntry(v, $"{path}.{section}[{e}]", prefix, entries[e]);
                }
            }
        }

        return v;
    }

    private static void CiliumEntry(List<Violation> v, string path, string prefix, CiliumPeerRule entry)
    {
        for (var i = 0; i < (entry.Endpoints?.Count ?? 0); i++)
        {
            CiliumSelector(v, $"{path}.{prefix}Endpoints[{i}]", entry.Endpoints![i]);
        }

        for (var i = 0; i < (entry.Entities?.Count ?? 0); i++)
        {
            if (!CiliumEntities.Contains(entry.Entities![i], StringComparer.Ordinal))
            {
                v.Add(new Violation($"{path}.{prefix}Entities[{i}]", "cilium-entity", $"Unsupported value \"{entry.Entities[i]}\": supported values are {string.Join(", ", CiliumEntities.Select(e => $"\"{e}\""))}"));
            }
        }

        var plain = 0;
        var sets = 0;
        foreach (var cidr in entry.Cidrs ?? [])
        {
            var cidrPath = cidr.InSet ? $"{path}.{prefix}CIDRSet[{sets++}].cidr" : $"{path}.{prefix}CIDR[{plain++}]";
            if (cidr.Unmodelled is not null)
            {
                continue;
            }

            if (!Cidr.TryParse(cidr.Cidr, out _))
            {
                v.Add(new Violation(cidrPath, "cidr-valid", $"Invalid value \"{cidr.Cidr}\": must be a valid CIDR (e.g. 10.0.0.0/8 or 2001:db8::/64)"));
            }

            for (var x = 0; x < (cidr.Except?.Count ?? 0); x++)
            {
                if (!Cidr.TryParse(cidr.Except![x], out _))
                {
                    v.Add(new Violation($"{cidrPath[..^".cidr".Length]}.except[{x}]", "cidr-valid", $"Invalid value \"{cidr.Except[x]}\": must be a valid CIDR"));
                }
            }
        }

        for (var t = 0; t < (entry.Ports?.Count ?? 0); t++)
        {
            var ports = entry.Ports![t].Ports ?? [];
            for (var p = 0; p < ports.Count; p++)
            {
                var port = ports[p];
                var portPath = $"{path}.toPorts[{t}].ports[{p}]";
                if (port.Protocol is { } protocol && !s_ciliumProtocols.Contains(protocol, StringComparer.Ordinal))
                {
                    v.Add(new Violation(portPath + ".protocol", "protocol-supported", $"Unsupported value \"{protocol}\": supported values are {string.Join(", ", s_ciliumProtocols.Select(s => $"\"{s}\""))}"));
                }

                if (port.Port is { } text)
                {
                    if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                    {
                        if (number > 65535)
                        {
                            v.Add(new Violation(portPath + ".port", "port-range", $"Invalid value: {text}: must be 0 to 65535"));
                        }
                    }
                    else if (!IsCiliumPortName(text))
                    {
                        v.Add(new Violation(portPath + ".port", "port-name", $"Invalid value \"{text}\": must be a number 0-65535 or a port name (letters, digits and single '-', at least one letter)"));
                    }
                }

                if (port.EndPort is { } end && end is < 0 or > 65535)
                {
                    v.Add(new Violation(portPath + ".endPort", "port-range", $"Invalid value: {end.ToString(CultureInfo.InvariantCulture)}: must be 0 to 65535"));
                }
            }
        }
    }

    /// <summary>The schema's port-name pattern: letters, digits and single dashes inside, at least one letter.</summary>
    private static bool IsCiliumPortName(string text) =>
        text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') && text.Any(char.IsAsciiLetter)
        && text[0] != '-' && text[^1] != '-' && !text.Contains("--", StringComparison.Ordinal);

    /// <summary>Cilium selector keys carry source prefixes (<c>k8s:</c>), so only the operator rules of the schema apply.</summary>
    private static void CiliumSelector(List<Violation> v, string path, LabelSelector? selector)
    {
        for (var i = 0; i < (selector?.MatchExpressions?.Count ?? 0); i++)
        {
            var requirement = selector!.MatchExpressions![i];
            if (!s_operators.Contains(requirement.Operator, StringComparer.Ordinal))
            {
                v.Add(new Violation($"{path}.matchExpressions[{i}].operator", "selector-operator", $"Unsupported value \"{requirement.Operator}\": supported values are \"In\", \"NotIn\", \"Exists\", \"DoesNotExist\""));
            }
        }
    }

    /// <summary>
    /// Calico NetworkPolicy / GlobalNetworkPolicy of <c>projectcalico.org/v3</c>, as the Calico API server validates
    /// them. Objects written to <c>crd.projectcalico.org/v1</c> bypass it, so they are not checked.
    /// </summary>
    public static IReadOnlyList<Violation> Calico(CalicoPolicy policy)
    {
        var v = new List<Violation>();
        Name(v, policy.Name);
        CalicoSelectorField(v, "spec.selector", policy.Selector);
        CalicoSelectorField(v, "spec.namespaceSelector", policy.NamespaceSelector);
        CalicoSelectorField(v, "spec.serviceAccountSelector", policy.ServiceAccountSelector);
        for (var i = 0; i < (policy.Types?.Count ?? 0); i++)
        {
            if (policy.Types![i] is not ("Ingress" or "Egress"))
            {
                v.Add(new Violation($"spec.types[{i}]", "policytype-supported", $"Unsupported value \"{policy.Types[i]}\": supported values are \"Ingress\", \"Egress\""));
            }
        }

        foreach (var (direction, rules) in new[] { ("ingress", policy.Ingress), ("egress", policy.Egress) })
        {
            for (var r = 0; r < rules.Count; r++)
            {
                CalicoRule(v, $"spec.{direction}[{r}]", rules[r]);
            }
        }

        return v;
    }

    private static void CalicoRule(List<Violation> v, string path, CalicoRule rule)
    {
        if (rule.Action is not { } action || !s_calicoActions.Contains(action, StringComparer.Ordinal))
        {
            v.Add(new Violation(path + ".action", "action-supported", rule.Action is null ? "Required value" : $"Unsupported value \"{rule.Action}\": supported values are \"Allow\", \"Deny\", \"Log\", \"Pass\""));
        }

        CalicoProtocol(v, path + ".protocol", rule.Protocol);
        CalicoProtocol(v, path + ".notProtocol", rule.NotProtocol);
        if (rule.IpVersion is { } version && version is not (4 or 6))
        {
            v.Add(new Violation(path + ".ipVersion", "ipversion-supported", $"Unsupported value: {version.ToString(CultureInfo.InvariantCulture)}: supported values are 4, 6"));
        }

        foreach (var (role, entity) in new[] { ("source", rule.Source), ("destination", rule.Destination) })
        {
            if (entity is null)
            {
                continue;
            }

            var entityPath = $"{path}.{role}";
            CalicoSelectorField(v, entityPath + ".selector", entity.Selector);
            CalicoSelectorField(v, entityPath + ".notSelector", entity.NotSelector);
            CalicoSelectorField(v, entityPath + ".namespaceSelector", entity.NamespaceSelector);
            CalicoNets(v, entityPath + ".nets", entity.Nets);
            CalicoNets(v, entityPath + ".notNets", entity.NotNets);
            if ((entity.Ports is { Count: > 0 } || entity.NotPorts is { Count: > 0 })
                && (rule.Protocol is null || !s_calicoPortProtocols.Contains(rule.Protocol, StringComparer.Ordinal)))
            {
                v.Add(new Violation(entityPath + ".ports", "ports-protocol", "ports may only be set with protocol TCP, UDP, SCTP or UDPLite"));
            }

            CalicoPorts(v, entityPath + ".ports", entity.Ports);
            CalicoPorts(v, entityPath + ".notPorts", entity.NotPorts);
        }
    }

    private static void CalicoProtocol(List<Violation> v, string path, string? protocol)
    {
        if (protocol is null || s_calicoProtocols.Contains(protocol, StringComparer.Ordinal))
        {
            return;
        }

        if (!int.TryParse(protocol, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 255)
        {
            v.Add(new Violation(path, "protocol-supported", $"Unsupported value \"{protocol}\": a protocol name ({string.Join(", ", s_calicoProtocols)}) or a number 1-255"));
        }
    }

    private static void CalicoNets(List<Violation> v, string path, IReadOnlyList<string>? nets)
    {
        for (var i = 0; i < (nets?.Count ?? 0); i++)
        {
            if (!Cidr.TryParse(nets![i], out _))
            {
                v.Add(new Violation($"{path}[{i}]", "cidr-valid", $"Invalid value \"{nets[i]}\": must be a valid CIDR"));
            }
        }
    }

    private static void CalicoPorts(List<Violation> v, string path, IReadOnlyList<string>? ports)
    {
        for (var i = 0; i < (ports?.Count ?? 0); i++)
        {
            var text = ports![i].Trim();
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0)
            {
                if (!int.TryParse(text[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out var from)
                    || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var to)
                    || from > 65535 || to > 65535 || from > to)
                {
                    v.Add(new Violation($"{path}[{i}]", "port-range", $"Invalid value \"{text}\": a range is from:to with 0 <= from <= to <= 65535"));
                }

                continue;
            }

            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                if (number > 65535)
                {
                    v.Add(new Violation($"{path}[{i}]", "port-range", $"Invalid value: {text}: must be 0 to 65535"));
                }

                continue;
            }

            foreach (var problem in KubernetesNames.PortName(text))
            {
                v.Add(new Violation($"{path}[{i}]", "port-name", $"Invalid value \"{text}\": {problem}"));
            }
        }
    }

    private static void CalicoSelectorField(List<Violation> v, string path, string? text)
    {
        if (text is not null && !CalicoSelector.TryParse(text, out _, out var error))
        {
            v.Add(new Violation(path, "calico-selector", $"Invalid value \"{text}\": {error}"));
        }
    }

    private static void PortNumber(List<Violation> v, string path, int number)
    {
        foreach (var problem in KubernetesNames.PortNumber(number))
        {
            v.Add(new Violation(path, "port-range", $"Invalid value: {number.ToString(CultureInfo.InvariantCulture)}: {problem}"));
        }
    }

    private static void Name(List<Violation> v, string name)
    {
        foreach (var problem in KubernetesNames.Dns1123Subdomain(name))
        {
            v.Add(new Violation("metadata.name", "name-dns1123-subdomain", $"Invalid value \"{name}\": {problem}"));
        }
    }
}
