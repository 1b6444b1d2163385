using System.Text.Json;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Connectors.Kubernetes.Catalog;
using NetPolGovernance.Connectors.Kubernetes.Collection;

namespace NetPolGovernance.Connectors.Kubernetes.Objects;

/// <summary>
/// Converts one Kubernetes object (as JSON, the way the API server or <c>kubectl -o json</c> writes it) into the
/// snapshot model, exactly as written: a missing field stays null, an empty list stays empty, ports keep their
/// int-or-string form. Kinds that do not matter for network policy are ignored; unknown fields are tolerated;
/// a field of the wrong shape throws <see cref="KubernetesObjectFormatException"/> naming the field.
/// Works on any JSON source: the manifest loader and the live-cluster collector both use it.
/// </summary>
internal static class KubernetesObjectReader
{
    private const string DefaultNamespace = "default";

    /// <summary>
    /// Reads one object into <paramref name="builder"/>. <paramref name="defaultApiVersion"/> and
    /// <paramref name="defaultKind"/> apply when the object does not carry them (items of an API list response), and
    /// replace <c>meta.k8s.io PartialObjectMetadata</c> (items of a metadata-only list: only their metadata is read).
    /// </summary>
    /// <returns>True when the kind was recognised and read; false when it was ignored.</returns>
    public static bool Read(
        JsonElement item,
        SourceLocation? source,
        SnapshotBuilder builder,
        string? defaultApiVersion = null,
        string? defaultKind = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var root = JsonFields.Root(item);
        var metadataOnly = root.String("kind") == "PartialObjectMetadata" && ApiGroupOf(root.String("apiVersion") ?? string.Empty) == "meta.k8s.io";
        var apiVersion = (metadataOnly ? null : root.String("apiVersion")) ?? defaultApiVersion ?? string.Empty;
        var kind = (metadataOnly ? null : root.String("kind")) ?? defaultKind ?? string.Empty;
        var group = ApiGroupOf(apiVersion);
        var metadata = root.Object("metadata") ?? new JsonFields(default, "metadata");

        switch (group, kind)
        {
            case ("", "Namespace"):
                builder.AddNamespace(ReadNamespace(root, metadata, source));
                return true;
            case ("", "Pod"):
                builder.AddPod(ReadPod(root, metadata, source), OwnerOf(metadata));
                return true;
            case ("networking.k8s.io" or "extensions", "NetworkPolicy"):
                builder.AddNetworkPolicy(ReadNetworkPolicy(root, metadata, source));
                return true;
            case ("cilium.io", "CiliumNetworkPolicy" or "CiliumClusterwideNetworkPolicy"):
                builder.AddCiliumPolicy(ReadCiliumPolicy(root, metadata, kind, source));
                return true;
            case ("projectcalico.org" or "crd.projectcalico.org", _) when CalicoKinds.IsPolicy(kind):
                builder.AddCalicoPolicy(ReadCalicoPolicy(root, metadata, group, kind, source));
                return true;
            case ("policy.networking.k8s.io", "AdminNetworkPolicy" or "BaselineAdminNetworkPolicy" or "ClusterNetworkPolicy"):
                builder.AddAdminPolicy(ReadAdminPolicy(root, metadata, apiVersion, kind, source));
                return true;
            case ("apps" or "extensions", "Deployment" or "StatefulSet" or "DaemonSet" or "ReplicaSet"):
            case ("", "ReplicationController"):
            case ("batch", "Job"):
                builder.AddWorkload(ReadWorkload(root, metadata, kind, root.Object("spec"), source));
                return true;
            case ("batch", "CronJob"):
                builder.AddWorkload(ReadWorkload(root, metadata, kind, root.Object("spec")?.Object("jobTemplate")?.Object("spec"), source));
                return true;
            default:
                builder.AddIgnored(kind.Length == 0 ? "(no kind)" : kind);
                return false;
        }
    }

    /// <summary>Reads one item of a pod list (a Pod, or the <c>PartialObjectMetadata</c> of one) and its controller owner.</summary>
    public static (PodInfo Pod, OwnerReference? Owner) ReadPodListItem(JsonElement item)
    {
        var root = JsonFields.Root(item);
        var metadata = root.Object("metadata") ?? new JsonFields(default, "metadata");
        return (ReadPod(root, metadata, null), OwnerOf(metadata));
    }

    /// <summary>The API group of an apiVersion: <c>networking.k8s.io/v1</c> → <c>networking.k8s.io</c>; <c>v1</c> → empty.</summary>
    public static string ApiGroupOf(string apiVersion)
    {
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? string.Empty : apiVersion[..slash];
    }

    private static NamespaceInfo ReadNamespace(JsonFields root, JsonFields metadata, SourceLocation? source) => new()
    {
        Name = RequireName(metadata),
        Labels = metadata.StringMap("labels") ?? EmptyLabels.Instance,
        Annotations = metadata.StringMap("annotations") ?? EmptyLabels.Instance,
        Source = source,
    };

    private static PodInfo ReadPod(JsonFields root, JsonFields metadata, SourceLocation? source)
    {
        var spec = root.Object("spec");
        return new PodInfo
        {
            Namespace = NamespaceOf(metadata),
            Name = RequireName(metadata),
            Labels = metadata.StringMap("labels") ?? EmptyLabels.Instance,
            ContainerPorts = spec is { } s ? ReadContainerPorts(s) : null,
            HostNetwork = spec?.Bool("hostNetwork") ?? false,
            Source = source,
        };
    }

    /// <summary>Ports of the containers and of native sidecars (init containers with <c>restartPolicy: Always</c>).</summary>
    private static List<ContainerPort> ReadContainerPorts(JsonFields podSpec)
    {
        var ports = new List<ContainerPort>();
        foreach (var container in podSpec.ObjectList("containers") ?? [])
        {
            AddPorts(container, ports);
        }

        foreach (var container in podSpec.ObjectList("initContainers") ?? [])
        {
            if (string.Equals(container.String("restartPolicy"), "Always", StringComparison.Ordinal))
            {
                AddPorts(container, ports);
            }
        }

        return ports;

        static void AddPorts(JsonFields container, List<ContainerPort> ports)
        {
            foreach (var port in container.ObjectList("ports") ?? [])
            {
                var number = port.Int("containerPort")
                    ?? throw new KubernetesObjectFormatException(port.Child("containerPort"), "is required");
                ports.Add(new ContainerPort(port.String("name"), number, port.String("protocol") ?? "TCP"));
            }
        }
    }

    private static NetworkPolicy ReadNetworkPolicy(JsonFields root, JsonFields metadata, SourceLocation? source)
    {
        var spec = root.Object("spec");
        return new NetworkPolicy
        {
            Namespace = NamespaceOf(metadata),
            Name = RequireName(metadata),
            Labels = metadata.StringMap("labels") ?? EmptyLabels.Instance,
            PodSelector = ReadSelector(spec, "podSelector"),
            PolicyTypes = spec?.StringList("policyTypes"),
            Ingress = ReadRules(spec, "ingress", "from"),
            Egress = ReadRules(spec, "egress", "to"),
            Source = source,
        };
    }

    private static List<NetworkPolicyRule>? ReadRules(JsonFields? spec, string name, string peersName) =>
        spec?.ObjectList(name)?.Select(rule => new NetworkPolicyRule
        {
            Peers = rule.ObjectList(peersName)?.Select(ReadPeer).ToList(),
            Ports = rule.ObjectList("ports")?.Select(ReadPort).ToList(),
        }).ToList();

    private static NetworkPolicyPeer ReadPeer(JsonFields peer)
    {
        var ipBlock = peer.Object("ipBlock");
        return new NetworkPolicyPeer
        {
            PodSelector = ReadSelector(peer, "podSelector"),
            NamespaceSelector = ReadSelector(peer, "namespaceSelector"),
            IpBlock = ipBlock is { } block
                ? new IpBlock(
                    block.String("cidr") ?? throw new KubernetesObjectFormatException(block.Child("cidr"), "is required"),
                    block.StringList("except"))
                : null,
        };
    }

    private static NetworkPolicyPort ReadPort(JsonFields port)
    {
        PortValue? value = null;
        if (port.TryGet("port", out var raw))
        {
            value = raw.ValueKind switch
            {
                JsonValueKind.Number when raw.TryGetInt32(out var number) => PortValue.FromNumber(number),
                JsonValueKind.String => PortValue.FromName(raw.GetString()!),
                _ => throw new KubernetesObjectFormatException(port.Child("port"), $"expected a port number or name, found {JsonFields.Describe(raw.ValueKind)}"),
            };
        }

        return new NetworkPolicyPort
        {
            Protocol = port.String("protocol"),
            Port = value,
            EndPort = port.Int("endPort"),
        };
    }

    private static LabelSelector? ReadSelector(JsonFields? parent, string name) =>
        parent?.Object(name) is { } selector ? ReadSelectorFields(selector) : null;

    private static LabelSelector ReadSelectorFields(JsonFields selector) => new()
    {
        MatchLabels = selector.StringMap("matchLabels"),
        MatchExpressions = selector.ObjectList("matchExpressions")?.Select(expression => new LabelSelectorRequirement(
            expression.String("key") ?? throw new KubernetesObjectFormatException(expression.Child("key"), "is required"),
            expression.String("operator") ?? throw new KubernetesObjectFormatException(expression.Child("operator"), "is required"),
            expression.StringList("values"))).ToList(),
    };

    private static CiliumPolicy ReadCiliumPolicy(JsonFields root, JsonFields metadata, string kind, SourceLocation? source)
    {
        var rules = new List<CiliumRule>();
        if (root.Object("spec") is { } spec)
        {
            rules.Add(ReadCiliumRule(spec));
        }

        foreach (var rule in root.ObjectList("specs") ?? [])
        {
            rules.Add(ReadCiliumRule(rule));
        }

        return new CiliumPolicy
        {
            Kind = kind,
            Namespace = kind == "CiliumClusterwideNetworkPolicy" ? null : NamespaceOf(metadata),
            Name = RequireName(metadata),
            Rules = rules,
            Source = source,
        };
    }

    private static CiliumRule ReadCiliumRule(JsonFields rule)
    {
        var defaultDeny = rule.Object("enableDefaultDeny");
        return new CiliumRule
        {
            EndpointSelector = ReadSelector(rule, "endpointSelector"),
            HasNodeSelector = rule.Has("nodeSelector"),
            IngressCount = rule.Count("ingress"),
            IngressDenyCount = rule.Count("ingressDeny"),
            EgressCount = rule.Count("egress"),
            EgressDenyCount = rule.Count("egressDeny"),
            EnableDefaultDenyIngress = defaultDeny?.Bool("ingress"),
            EnableDefaultDenyEgress = defaultDeny?.Bool("egress"),
            Ingress = ReadCiliumPeerRules(rule, "ingress", "from"),
            IngressDeny = ReadCiliumPeerRules(rule, "ingressDeny", "from"),
            Egress = ReadCiliumPeerRules(rule, "egress", "to"),
            EgressDeny = ReadCiliumPeerRules(rule, "egressDeny", "to"),
            UsesFqdnRules = (rule.ObjectList("egress") ?? []).Any(r => r.Has("toFQDNs")),
            UsesL7Rules = (rule.ObjectList("ingress") ?? []).Concat(rule.ObjectList("egress") ?? [])
                .SelectMany(r => r.ObjectList("toPorts") ?? [])
                .Any(p => p.Has("rules")),
        };
    }

    // The L3/L4 subset reach evaluates (docs/semantics.md §7.1); every other field an entry sets is named as unmodelled.
    private static List<CiliumPeerRule> ReadCiliumPeerRules(JsonFields rule, string section, string prefix) =>
        rule.ObjectList(section)?.Select(entry => ReadCiliumPeerRule(entry, prefix)).ToList() ?? [];

    private static CiliumPeerRule ReadCiliumPeerRule(JsonFields entry, string prefix)
    {
        string[] modelled = [prefix + "Endpoints", prefix + "Entities", prefix + "CIDR", prefix + "CIDRSet", "toPorts"];
        var cidrs = new List<CiliumCidr>();
        foreach (var cidr in entry.StringList(prefix + "CIDR") ?? [])
        {
            cidrs.Add(new CiliumCidr { Cidr = cidr });
        }

        foreach (var set in entry.ObjectList(prefix + "CIDRSet") ?? [])
        {
            cidrs.Add(new CiliumCidr
            {
                Cidr = set.String("cidr"),
                Except = set.StringList("except"),
                InSet = true,
                Unmodelled = set.Has("cidrGroupRef") ? "cidrGroupRef" : set.Has("cidrGroupSelector") ? "cidrGroupSelector" : null,
            });
        }

        var endpoints = entry.ObjectList(prefix + "Endpoints")?.Select(ReadSelectorFields).ToList();
        var entities = entry.StringList(prefix + "Entities");
        var ports = entry.ObjectList("toPorts")?.Select(ReadCiliumPortRule).ToList();
        return new CiliumPeerRule
        {
            Endpoints = endpoints is { Count: > 0 } ? endpoints : null,
            Entities = entities is { Count: > 0 } ? entities : null,
            Cidrs = cidrs.Count > 0 ? cidrs : null,
            Ports = ports is { Count: > 0 } ? ports : null,
            Unmodelled = [.. SetFields(entry).Where(f => !modelled.Contains(f, StringComparer.Ordinal))],
        };
    }

    private static CiliumPortRule ReadCiliumPortRule(JsonFields entry)
    {
        var ports = entry.ObjectList("ports")?.Select(p => new CiliumPort(p.String("port"), p.Int("endPort"), p.String("protocol"))).ToList();
        return new CiliumPortRule
        {
            Ports = ports is { Count: > 0 } ? ports : null,
            Unmodelled = [.. SetFields(entry).Where(f => f != "ports")],
        };
    }

    /// <summary>The fields of a mapping that are set (not null), in written order.</summary>
    private static IEnumerable<string> SetFields(JsonFields fields) =>
        fields.Element.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null).Select(p => p.Name);

    private static List<CalicoRule> ReadCalicoRules(JsonFields? spec, string direction) =>
        spec?.ObjectList(direction)?.Select(rule =>
        {
            string[] modelled = ["action", "protocol", "notProtocol", "ipVersion", "source", "destination", "metadata"];
            return new CalicoRule
            {
                Action = rule.String("action"),
                Protocol = rule.String("protocol"),
                NotProtocol = rule.String("notProtocol"),
                IpVersion = rule.Int("ipVersion"),
                Source = ReadCalicoEntity(rule.Object("source")),
                Destination = ReadCalicoEntity(rule.Object("destination")),
                Unmodelled = [.. SetFields(rule).Where(f => !modelled.Contains(f, StringComparer.Ordinal))],
            };
        }).ToList() ?? [];

    private static CalicoEntity? ReadCalicoEntity(JsonFields? entity)
    {
        if (entity is not { } e)
        {
            return null;
        }

        string[] modelled = ["nets", "notNets", "selector", "notSelector", "namespaceSelector", "ports", "notPorts"];
        return new CalicoEntity
        {
            Nets = e.StringList("nets"),
            NotNets = e.StringList("notNets"),
            Selector = e.String("selector"),
            NotSelector = e.String("notSelector"),
            NamespaceSelector = e.String("namespaceSelector"),
            Ports = e.StringList("ports"),
            NotPorts = e.StringList("notPorts"),
            Unmodelled = [.. SetFields(e).Where(f => !modelled.Contains(f, StringComparer.Ordinal))],
        };
    }

    private static CalicoPolicy ReadCalicoPolicy(JsonFields root, JsonFields metadata, string group, string kind, SourceLocation? source)
    {
        var spec = root.Object("spec");
        return new CalicoPolicy
        {
            ApiGroup = group,
            Kind = kind,
            Namespace = CalicoKinds.IsGlobal(kind) ? null : NamespaceOf(metadata),
            Name = RequireName(metadata),
            Tier = spec?.String("tier"),
            Order = spec?.Double("order"),
            Selector = spec?.String("selector"),
            NamespaceSelector = spec?.String("namespaceSelector"),
            ServiceAccountSelector = spec?.String("serviceAccountSelector"),
            Types = spec?.StringList("types") ?? spec?.StringList("policyTypes"),
            IngressRuleCount = spec?.Count("ingress") ?? 0,
            EgressRuleCount = spec?.Count("egress") ?? 0,
            Ingress = ReadCalicoRules(spec, "ingress"),
            Egress = ReadCalicoRules(spec, "egress"),
            Source = source,
        };
    }

    private static AdminPolicy ReadAdminPolicy(JsonFields root, JsonFields metadata, string apiVersion, string kind, SourceLocation? source)
    {
        var spec = root.Object("spec");
        var subject = spec?.Object("subject");

        // Current spelling: subject.namespaces | subject.pods{namespaceSelector, podSelector}.
        // Early alpha: subject.namespaceSelector | subject.namespaceAndPodSelector{namespaceSelector, podSelector}.
        var pods = subject?.Object("pods") ?? subject?.Object("namespaceAndPodSelector");
        return new AdminPolicy
        {
            Kind = kind,
            ApiVersion = apiVersion,
            Name = RequireName(metadata),
            Priority = spec?.Int("priority"),
            SubjectNamespaces = ReadSelector(subject, "namespaces") ?? ReadSelector(subject, "namespaceSelector"),
            SubjectIsPods = pods is not null,
            SubjectPodsNamespaceSelector = ReadSelector(pods, "namespaceSelector"),
            SubjectPodsPodSelector = ReadSelector(pods, "podSelector"),
            IngressRuleCount = spec?.Count("ingress") ?? 0,
            EgressRuleCount = spec?.Count("egress") ?? 0,
            Tier = spec?.String("tier"),
            Ingress = spec?.ObjectList("ingress")?.Select(r => ReadAdminRule(r, "from")).ToList() ?? [],
            Egress = spec?.ObjectList("egress")?.Select(r => ReadAdminRule(r, "to")).ToList() ?? [],
            Source = source,
        };
    }

    // v1alpha1 (ANP/BANP) writes ports as `ports: [{portNumber}|{namedPort}|{portRange}]`; v1alpha2
    // (ClusterNetworkPolicy) as `protocols: [{tcp|udp|sctp: {destinationPort: {number}|{range}}}|{destinationNamedPort}]`.
    private static AdminPolicyRule ReadAdminRule(JsonFields rule, string peersName) => new()
    {
        Name = rule.String("name"),
        Action = rule.String("action") ?? string.Empty,
        Peers = rule.ObjectList(peersName)?.Select(ReadAdminPeer).ToList() ?? [],
        Ports = rule.ObjectList("ports")?.Select(ReadAdminPortV1Alpha1).ToList()
            ?? rule.ObjectList("protocols")?.Select(ReadAdminProtocol).ToList(),
    };

    private static AdminPolicyPeer ReadAdminPeer(JsonFields peer)
    {
        string[] known = ["namespaces", "pods", "nodes", "networks", "domainNames"];
        var fields = SetFields(peer).ToList();
        var pods = peer.Object("pods");
        var result = new AdminPolicyPeer
        {
            Fields = [.. fields.Where(known.Contains), .. fields.Where(f => !known.Contains(f))],
            PodsIncomplete = pods is { } p && (!p.Has("namespaceSelector") || !p.Has("podSelector")),
            Nodes = ReadSelector(peer, "nodes"),
        };
        if (peer.Has("namespaces"))
        {
            return result with { Namespaces = ReadSelector(peer, "namespaces") ?? LabelSelector.Everything };
        }

        if (pods is not null)
        {
            return result with
            {
                IsPods = true,
                PodsNamespaceSelector = ReadSelector(pods, "namespaceSelector"),
                PodsPodSelector = ReadSelector(pods, "podSelector"),
            };
        }

        if (peer.StringList("networks") is { } networks)
        {
            return result with { Networks = networks };
        }

        return result with
        {
            Unmodelled = peer.Has("nodes") ? "nodes" : peer.Has("domainNames") ? "domainNames" : "an unrecognised peer",
        };
    }

    private static AdminPolicyPort ReadAdminPortV1Alpha1(JsonFields entry)
    {
        var fields = SetFields(entry).ToList();
        if (entry.Object("portNumber") is { } number)
        {
            return new AdminPolicyPort { Fields = fields, Protocol = number.String("protocol"), Port = number.Int("port") };
        }

        if (entry.String("namedPort") is { } name)
        {
            return new AdminPolicyPort { Fields = fields, NamedPort = name };
        }

        if (entry.Object("portRange") is { } range)
        {
            return new AdminPolicyPort { Fields = fields, Protocol = range.String("protocol"), Port = range.Int("start"), EndPort = range.Int("end") };
        }

        return new AdminPolicyPort { Fields = fields, Unmodelled = "an unrecognised port" };
    }

    private static AdminPolicyPort ReadAdminProtocol(JsonFields entry)
    {
        if (entry.String("destinationNamedPort") is { } name)
        {
            return new AdminPolicyPort { NamedPort = name };
        }

        foreach (var protocol in (ReadOnlySpan<string>)["TCP", "UDP", "SCTP"])
        {
            if (entry.Object(protocol.ToLowerInvariant()) is not { } match)
            {
                continue;
            }

            if (match.Object("destinationPort") is not { } port)
            {
                return new AdminPolicyPort { Protocol = protocol };
            }

            return port.Object("range") is { } range
                ? new AdminPolicyPort { Protocol = protocol, Port = range.Int("start"), EndPort = range.Int("end") }
                : new AdminPolicyPort { Protocol = protocol, Port = port.Int("number") };
        }

        return new AdminPolicyPort { Unmodelled = "an unrecognised protocol" };
    }

    private static WorkloadTemplate ReadWorkload(JsonFields root, JsonFields metadata, string kind, JsonFields? spec, SourceLocation? source)
    {
        var name = RequireName(metadata);
        var ns = NamespaceOf(metadata);
        var template = spec?.Object("template");
        var templateMetadata = template?.Object("metadata");
        var templateLabels = templateMetadata?.StringMap("labels") ?? EmptyLabels.Instance;
        var templateSpec = template?.Object("spec");
        var pod = new PodInfo
        {
            Namespace = ns,
            Name = $"{kind}/{name}",
            Labels = templateLabels,
            ContainerPorts = templateSpec is { } podSpec ? ReadContainerPorts(podSpec) : null,
            HostNetwork = templateSpec?.Bool("hostNetwork") ?? false,
            DerivedFrom = $"{kind}/{name}",
            Source = source,
        };
        return new WorkloadTemplate(kind, ns, name, ReadWorkloadSelector(kind, spec, templateLabels), pod, OwnerOf(metadata));
    }

    /// <summary>
    /// Which pods a workload owns: <c>spec.selector</c> (a LabelSelector, or a plain map for ReplicationController),
    /// falling back to the template labels (Jobs usually carry a generated selector).
    /// </summary>
    private static LabelSelector? ReadWorkloadSelector(string kind, JsonFields? spec, IReadOnlyDictionary<string, string> templateLabels)
    {
        if (kind == "ReplicationController")
        {
            if (spec?.StringMap("selector") is { Count: > 0 } plain)
            {
                return new LabelSelector { MatchLabels = plain };
            }
        }
        else if (ReadSelector(spec, "selector") is { } selector && (selector.MatchLabels is { Count: > 0 } || selector.MatchExpressions is { Count: > 0 }))
        {
            return selector;
        }

        return templateLabels.Count > 0 ? new LabelSelector { MatchLabels = templateLabels } : null;
    }

    private static OwnerReference? OwnerOf(JsonFields metadata)
    {
        var owners = metadata.ObjectList("ownerReferences");
        if (owners is null || owners.Count == 0)
        {
            return null;
        }

        var owner = owners.FirstOrDefault(o => o.Bool("controller") == true);
        if (owner.Element.ValueKind != JsonValueKind.Object)
        {
            owner = owners[0];
        }

        return owner.String("kind") is { } kind && owner.String("name") is { } name ? new OwnerReference(kind, name) : null;
    }

    private static string RequireName(JsonFields metadata)
    {
        var name = metadata.String("name");
        return string.IsNullOrEmpty(name)
            ? throw new KubernetesObjectFormatException("metadata.name", "is required")
            : name;
    }

    /// <summary>A namespaced object without <c>metadata.namespace</c> lands in <c>default</c>, as <c>kubectl apply</c> would put it.</summary>
    private static string NamespaceOf(JsonFields metadata)
    {
        var ns = metadata.String("namespace");
        return string.IsNullOrEmpty(ns) ? DefaultNamespace : ns;
    }
}
