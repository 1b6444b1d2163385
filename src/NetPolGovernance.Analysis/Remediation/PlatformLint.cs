using System.Globalization;
using System.Net;
using NetPolGovernance.Analysis.Engines;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Reachability;

namespace NetPolGovernance.Analysis.Remediation;

/// <summary>How sure a platform finding is: an Error is shown by the data; a Warning says what to check.</summary>
public enum PlatformFindingLevel
{
    Info = 0,
    Warning = 1,
    Error = 2,
}

/// <summary>One preflight finding against the platform-dependency catalog, for one namespace.</summary>
public sealed record PlatformFinding(PlatformDependency Dependency, PlatformFindingLevel Level, string Namespace, string Message)
{
    public override string ToString() =>
        $"{Level.ToString().ToLowerInvariant()} [{Dependency.Id}] {Namespace}: {Message} (see {Dependency.Doc})";
}

/// <summary>
/// Preflight lint of a policy set against <see cref="PlatformDependencies"/>: given the cluster as it would be with the
/// proposal applied and the namespaces the proposal touches, it names what each dependency would lose there. It only
/// claims what the snapshot shows (an Error: "this cuts DNS for pods X"); where the data cannot tell (which pods call the
/// API server, which back a webhook) it warns and says what to check. NetworkPolicy semantics, as remediation uses them.
/// </summary>
public static class PlatformLint
{
    private const int MaxNames = 5;
    private const string ProbeNamespace = "netpolgov-probe-elsewhere";

    // TEST-NET-3 (RFC 5737): certainly outside the cluster, standing for the API server's or Entra ID's address.
    private static readonly IPAddress s_external = IPAddress.Parse("203.0.113.10");

    public static IReadOnlyList<PlatformFinding> Check(ClusterSnapshot proposed, IEnumerable<string> namespaces)
    {
        ArgumentNullException.ThrowIfNull(proposed);
        ArgumentNullException.ThrowIfNull(namespaces);
        var dns = new PodInfo
        {
            Namespace = PolicyTemplates.DnsNamespace,
            Name = "netpolgov-dns-probe",
            Labels = Labels(PolicyTemplates.DnsPodLabelKey, PolicyTemplates.DnsPodLabelValue),
        };
        var konnectivity = new PodInfo
        {
            Namespace = PolicyTemplates.DnsNamespace,
            Name = "netpolgov-konnectivity-probe",
            Labels = Labels(PlatformDependencies.KonnectivityAgentLabel.Key, PlatformDependencies.KonnectivityAgentLabel.Value),
        };
        var elsewhere = new PodInfo { Namespace = ProbeNamespace, Name = "netpolgov-probe" };
        var engine = new ReachabilityEngine(proposed with { Pods = [.. proposed.Pods, dns, konnectivity, elsewhere] });
        var kind = EngineState.Resolve(proposed.NetworkProfile, proposed.EngineEvidence).Engine;
        var findings = new List<PlatformFinding>();
        foreach (var ns in namespaces.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var pods = proposed.Pods.Where(p => string.Equals(p.Namespace, ns, StringComparison.Ordinal) && !p.HostNetwork).ToList();
            findings.AddRange(CheckNamespace(proposed, engine, kind, ns, pods, dns, konnectivity, elsewhere));
        }

        return findings;
    }

    private static IEnumerable<PlatformFinding> CheckNamespace(
        ClusterSnapshot proposed,
        ReachabilityEngine engine,
        PolicyEngine kind,
        string ns,
        List<PodInfo> pods,
        PodInfo dns,
        PodInfo konnectivity,
        PodInfo elsewhere)
    {
        if (PlatformDependencies.IsAddOnNamespace(ns) && HasPolicy(proposed, ns))
        {
            yield return new(PlatformDependencies.AddOnNamespaces, PlatformFindingLevel.Warning, ns,
                "this namespace belongs to AKS or a managed add-on; a policy here can break the platform itself (netpolgov's profiles leave it alone)");
        }

        var egressIsolated = pods.Where(p => !engine.TrafficBetween(Party.Of(p), Party.Of(s_external)).IsAll).ToList();
        var ingressIsolated = pods.Where(p => !engine.TrafficBetween(Party.Of(elsewhere), Party.Of(p)).IsAll).ToList();

        var noDns = pods.Where(p => !Reaches(engine, p, dns, TransportProtocol.Udp, 53) || !Reaches(engine, p, dns, TransportProtocol.Tcp, 53)).ToList();
        if (noDns.Count > 0)
        {
            yield return new(PlatformDependencies.Dns, PlatformFindingLevel.Error, ns,
                $"this policy set cuts DNS (UDP and TCP 53 to kube-system k8s-app=kube-dns) for pods {Names(noDns)}");
        }

        var noLocalDns = egressIsolated.Except(noDns)
            .Where(p => PlatformDependencies.LocalDnsAddresses.Any(a => !engine.TrafficBetween(Party.Of(p), Party.Of(a)).Contains(TransportProtocol.Udp, 53)))
            .ToList();
        if (noLocalDns.Count > 0)
        {
            yield return new(PlatformDependencies.LocalDns, PlatformFindingLevel.Warning, ns,
                $"pods {Names(noLocalDns)} may not reach 169.254.10.10/169.254.10.11 on port 53; check whether LocalDNS is on for their node pools (agent pool localDNSProfile; on by default in AKS Automatic) and allow those addresses if it is");
        }

        var no443 = egressIsolated.Where(p => !engine.TrafficBetween(Party.Of(p), Party.Of(s_external)).Contains(TransportProtocol.Tcp, 443)).ToList();
        if (no443.Count > 0)
        {
            yield return new(PlatformDependencies.ApiServer, PlatformFindingLevel.Warning, ns,
                $"egress on TCP 443 to addresses outside the cluster is denied for pods {Names(no443)}; if they call the API server (a mounted service account token used by a client), allow the API server's address"
                + (kind == PolicyEngine.Cilium ? " or toEntities kube-apiserver" : " (the endpoints of default/kubernetes, or the private endpoint)"));
        }

        var noTunnel = ingressIsolated.Where(p => engine.TrafficBetween(Party.Of(konnectivity), Party.Of(p)).IsEmpty).ToList();
        if (noTunnel.Count > 0)
        {
            yield return new(PlatformDependencies.Webhooks, PlatformFindingLevel.Info, ns,
                $"pods {Names(noTunnel)} admit nothing from kube-system app=konnectivity-agent; if one backs an admission or conversion webhook, the API server's calls arrive from those pods and need an allow");
        }

        foreach (var policy in proposed.CiliumPolicies.Where(p => p.Namespace is null || string.Equals(p.Namespace, ns, StringComparison.Ordinal)))
        {
            if (policy.Rules.SelectMany(r => r.Ingress).Any(r => r.Entities?.Contains("kube-apiserver", StringComparer.OrdinalIgnoreCase) == true))
            {
                yield return new(PlatformDependencies.Webhooks, PlatformFindingLevel.Error, ns,
                    $"{policy.Kind} {policy.Name} admits ingress fromEntities kube-apiserver, which does not match on AKS (the API server's traffic arrives through konnectivity-agent); allow kube-system app=konnectivity-agent instead");
            }
        }

        foreach (var finding in Imds(engine, kind, ns, egressIsolated))
        {
            yield return finding;
        }

        var metricsServer = pods.Where(p => HasLabel(p, PlatformDependencies.MetricsServerLabel)).Where(p => egressIsolated.Contains(p) || ingressIsolated.Contains(p)).ToList();
        if (metricsServer.Count > 0)
        {
            yield return new(PlatformDependencies.MetricsServer, PlatformFindingLevel.Warning, ns,
                $"a policy isolates metrics-server pods {Names(metricsServer)}; they need ingress from the API server and egress to every kubelet on TCP 10250, or kubectl top and autoscaling stop");
        }

        var monitor = egressIsolated.Where(p => PlatformDependencies.AzureMonitorPodPrefixes.Any(prefix => p.Name.StartsWith(prefix, StringComparison.Ordinal))).ToList();
        if (monitor.Count > 0)
        {
            yield return new(PlatformDependencies.AzureMonitor, PlatformFindingLevel.Warning, ns,
                $"a policy restricts the egress of Azure Monitor agent pods {Names(monitor)}; they need the API server and the Azure Monitor endpoints on TCP 443");
        }

        var identity = no443.Where(p => HasLabel(p, PlatformDependencies.WorkloadIdentityLabel)).ToList();
        if (identity.Count > 0)
        {
            yield return new(PlatformDependencies.WorkloadIdentity, PlatformFindingLevel.Error, ns,
                $"pods {Names(identity)} use workload identity (azure.workload.identity/use=true) but cannot reach addresses outside the cluster on TCP 443, so the token exchange with Microsoft Entra ID (login.microsoftonline.com) fails");
        }
    }

    private static IEnumerable<PlatformFinding> Imds(ReachabilityEngine engine, PolicyEngine kind, string ns, List<PodInfo> egressIsolated)
    {
        if (egressIsolated.Count == 0)
        {
            yield break;
        }

        var imds = Party.Of(PlatformDependencies.ImdsAddress);
        var cut = egressIsolated.Where(p => !engine.TrafficBetween(Party.Of(p), imds).Contains(TransportProtocol.Tcp, 80)).ToList();
        if (kind == PolicyEngine.AzureNpm)
        {
            yield return new(PlatformDependencies.Imds, PlatformFindingLevel.Warning, ns,
                "on Azure NPM an egress deny does not stop pods reaching IMDS (169.254.169.254); to block it, turn pod link-local access off (networkProfile.podLinkLocalAccess None)");
        }
        else if (cut.Count > 0)
        {
            yield return new(PlatformDependencies.Imds, PlatformFindingLevel.Info, ns,
                $"pods {Names(cut)} lose IMDS (169.254.169.254, TCP 80){(kind == PolicyEngine.Unknown ? " where the engine enforces egress to it (Cilium, Calico; not Azure NPM)" : string.Empty)}; anything that takes a managed identity token from IMDS there fails");
        }
    }

    private static bool HasPolicy(ClusterSnapshot snapshot, string ns) =>
        snapshot.NetworkPolicies.Any(p => string.Equals(p.Namespace, ns, StringComparison.Ordinal))
        || snapshot.CiliumPolicies.Any(p => string.Equals(p.Namespace, ns, StringComparison.Ordinal))
        || snapshot.CalicoPolicies.Any(p => string.Equals(p.Namespace, ns, StringComparison.Ordinal));

    private static bool Reaches(ReachabilityEngine engine, PodInfo from, PodInfo to, TransportProtocol protocol, int port) =>
        engine.TrafficBetween(Party.Of(from), Party.Of(to)).Contains(protocol, port);

    private static bool HasLabel(PodInfo pod, KeyValuePair<string, string> label) =>
        pod.Labels.TryGetValue(label.Key, out var value) && string.Equals(value, label.Value, StringComparison.Ordinal);

    private static string Names(List<PodInfo> pods) =>
        string.Join(", ", pods.Take(MaxNames).Select(p => p.Name))
        + (pods.Count > MaxNames ? string.Create(CultureInfo.InvariantCulture, $" and {pods.Count - MaxNames} more") : string.Empty);

    private static Dictionary<string, string> Labels(string key, string value) => new(StringComparer.Ordinal) { [key] = value };
}
