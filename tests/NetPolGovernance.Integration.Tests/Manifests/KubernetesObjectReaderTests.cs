using System.Text.Json;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Connectors.Kubernetes.Collection;
using NetPolGovernance.Connectors.Kubernetes.Objects;

namespace NetPolGovernance.Integration.Tests.Manifests;

public sealed class KubernetesObjectReaderTests
{
    private static readonly ClusterIdentity s_cluster = new() { Name = "test" };

    private static ClusterSnapshot ReadAll(params string[] objects)
    {
        var builder = new SnapshotBuilder();
        foreach (var json in objects)
        {
            using var document = JsonDocument.Parse(json);
            KubernetesObjectReader.Read(document.RootElement.Clone(), new SourceLocation("test.json", 1), builder);
        }

        return builder.Build(s_cluster, SnapshotSource.KubernetesApi);
    }

    [Fact]
    public void Read_NetworkPolicyWithOmittedFields_KeepsThemNull()
    {
        var snapshot = ReadAll("""
            {"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"p","namespace":"a"},"spec":{}}
            """);

        var policy = Assert.Single(snapshot.NetworkPolicies);
        Assert.Null(policy.PodSelector);
        Assert.Null(policy.PolicyTypes);
        Assert.Null(policy.Ingress);
        Assert.Null(policy.Egress);
    }

    [Fact]
    public void Read_NetworkPolicyWithEmptyFields_KeepsThemEmpty()
    {
        var snapshot = ReadAll("""
            {"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"p","namespace":"a"},
             "spec":{"podSelector":{},"policyTypes":[],"ingress":[{}],"egress":[]}}
            """);

        var policy = Assert.Single(snapshot.NetworkPolicies);
        Assert.NotNull(policy.PodSelector);
        Assert.Null(policy.PodSelector.MatchLabels);
        Assert.Null(policy.PodSelector.MatchExpressions);
        Assert.Empty(policy.PolicyTypes!);
        var rule = Assert.Single(policy.Ingress!);
        Assert.Null(rule.Peers);
        Assert.Null(rule.Ports);
        Assert.Empty(policy.Egress!);
    }

    [Fact]
    public void Read_NetworkPolicyPorts_KeepsIntOrStringAndProtocolAsWritten()
    {
        var snapshot = ReadAll("""
            {"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"p","namespace":"a"},
             "spec":{"podSelector":{"matchLabels":{"app":"web"}},"ingress":[{"from":[],"ports":[
               {"port":80},{"port":"http","protocol":"TCP"},{"protocol":"UDP"},{"port":8000,"endPort":8100}]}]}}
            """);

        var ports = Assert.Single(Assert.Single(snapshot.NetworkPolicies).Ingress!).Ports!;
        Assert.Equal(4, ports.Count);
        Assert.Equal(80, ports[0].Port!.Number);
        Assert.Null(ports[0].Protocol);
        Assert.Equal("http", ports[1].Port!.Name);
        Assert.Equal("TCP", ports[1].Protocol);
        Assert.Null(ports[2].Port);
        Assert.Equal("UDP", ports[2].Protocol);
        Assert.Equal(8100, ports[3].EndPort);
    }

    [Fact]
    public void Read_NetworkPolicyPeers_KeepsSelectorsAndIpBlock()
    {
        var snapshot = ReadAll("""
            {"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"p","namespace":"a"},
             "spec":{"egress":[{"to":[
               {"namespaceSelector":{"matchExpressions":[{"key":"team","operator":"In","values":["x"]}]},"podSelector":{}},
               {"ipBlock":{"cidr":"10.0.0.0/8","except":["10.1.0.0/16"]}}]}]}}
            """);

        var peers = Assert.Single(Assert.Single(snapshot.NetworkPolicies).Egress!).Peers!;
        var requirement = Assert.Single(peers[0].NamespaceSelector!.MatchExpressions!);
        Assert.Equal(new[] { "x" }, requirement.Values);
        Assert.Equal("In", requirement.Operator);
        Assert.NotNull(peers[0].PodSelector);
        Assert.Null(peers[0].IpBlock);
        Assert.Equal("10.0.0.0/8", peers[1].IpBlock!.Cidr);
        Assert.Equal(new[] { "10.1.0.0/16" }, peers[1].IpBlock!.Except);
    }

    [Fact]
    public void Read_PodContainerPorts_DefaultProtocolToTcp()
    {
        var snapshot = ReadAll("""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","namespace":"a","labels":{"app":"web"}},
             "spec":{"containers":[{"name":"c","ports":[{"name":"http","containerPort":8080},{"containerPort":53,"protocol":"UDP"}]}]}}
            """);

        var pod = Assert.Single(snapshot.Pods);
        Assert.Equal(new ContainerPort("http", 8080, "TCP"), pod.ContainerPorts![0]);
        Assert.Equal(new ContainerPort(null, 53, "UDP"), pod.ContainerPorts[1]);
        Assert.Equal("web", pod.Labels["app"]);
        Assert.Null(pod.DerivedFrom);
    }

    [Fact]
    public void Read_MetadataOnlyPod_HasUnknownContainerPorts()
    {
        var snapshot = ReadAll("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","namespace":"a"}}""");

        Assert.Null(Assert.Single(snapshot.Pods).ContainerPorts);
    }

    [Fact]
    public void Read_ListItemWithoutKind_UsesTheDefaultKind()
    {
        var builder = new SnapshotBuilder();
        using var document = JsonDocument.Parse("""{"metadata":{"name":"p","namespace":"a"},"spec":{"podSelector":{}}}""");

        var recognised = KubernetesObjectReader.Read(document.RootElement, null, builder, "networking.k8s.io/v1", "NetworkPolicy");

        Assert.True(recognised);
        Assert.Single(builder.Build(s_cluster, SnapshotSource.KubernetesApi).NetworkPolicies);
    }

    [Fact]
    public void Read_UnknownKind_IsIgnoredAndCounted()
    {
        var builder = new SnapshotBuilder();
        using var document = JsonDocument.Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"k":"v"}}""");

        var recognised = KubernetesObjectReader.Read(document.RootElement, null, builder);

        Assert.False(recognised);
        Assert.Contains(builder.Build(s_cluster, SnapshotSource.Manifests).Notes, n => n.Contains("ConfigMap (1)", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_UnknownFields_AreTolerated()
    {
        var snapshot = ReadAll("""
            {"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","status":{"x":1},"metadata":{"name":"p","namespace":"a","uid":"u","managedFields":[{}]},
             "spec":{"podSelector":{},"futureField":{"a":[1,2]}}}
            """);

        Assert.Equal("p", Assert.Single(snapshot.NetworkPolicies).Name);
    }

    [Fact]
    public void Read_FieldOfWrongShape_ThrowsNamingTheField()
    {
        var error = Assert.Throws<KubernetesObjectFormatException>(() => ReadAll("""
            {"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"p","namespace":"a"},
             "spec":{"ingress":[{"ports":[{"port":[80]}]}]}}
            """));

        Assert.Equal("spec.ingress[0].ports[0].port", error.FieldPath);
    }

    [Fact]
    public void Read_CiliumPolicyWithSpecAndSpecs_KeepsEveryRule()
    {
        var snapshot = ReadAll(
            """
            {"apiVersion":"cilium.io/v2","kind":"CiliumNetworkPolicy","metadata":{"name":"c","namespace":"a"},
             "spec":{"endpointSelector":{},"ingress":[{}]},
             "specs":[{"endpointSelector":{"matchLabels":{"k8s:app":"x"}},"egressDeny":[{},{}],"enableDefaultDeny":{"egress":false}}]}
            """,
            """
            {"apiVersion":"cilium.io/v2","kind":"CiliumClusterwideNetworkPolicy","metadata":{"name":"host"},"spec":{"nodeSelector":{},"ingress":[{}]}}
            """);

        var namespaced = snapshot.CiliumPolicies.Single(p => p.Kind == "CiliumNetworkPolicy");
        Assert.Equal("a", namespaced.Namespace);
        Assert.Equal(2, namespaced.Rules.Count);
        Assert.Equal(1, namespaced.Rules[0].IngressCount);
        Assert.Null(namespaced.Rules[0].EnableDefaultDenyIngress);
        Assert.Equal(2, namespaced.Rules[1].EgressDenyCount);
        Assert.False(namespaced.Rules[1].EnableDefaultDenyEgress);
        Assert.Equal("x", namespaced.Rules[1].EndpointSelector!.MatchLabels!["k8s:app"]);
        var clusterwide = snapshot.CiliumPolicies.Single(p => p.Kind == "CiliumClusterwideNetworkPolicy");
        Assert.True(clusterwide.IsClusterwide);
        Assert.True(clusterwide.Rules[0].HasNodeSelector);
        Assert.Null(clusterwide.Rules[0].EndpointSelector);
    }

    [Fact]
    public void Read_CalicoPoliciesFromBothApiGroups_KeepGroupKindAndFields()
    {
        var snapshot = ReadAll(
            """
            {"apiVersion":"projectcalico.org/v3","kind":"GlobalNetworkPolicy","metadata":{"name":"deny"},
             "spec":{"selector":"all()","namespaceSelector":"has(team)","order":100,"types":["Ingress","Egress"]}}
            """,
            """
            {"apiVersion":"crd.projectcalico.org/v1","kind":"NetworkPolicy","metadata":{"name":"default.allow","namespace":"a"},
             "spec":{"tier":"default","selector":"app == 'web'","ingress":[{"action":"Allow"}]}}
            """,
            """
            {"apiVersion":"projectcalico.org/v3","kind":"StagedNetworkPolicy","metadata":{"name":"try","namespace":"a"},"spec":{}}
            """);

        var global = snapshot.CalicoPolicies.Single(p => p.Kind == "GlobalNetworkPolicy");
        Assert.True(global.IsGlobal);
        Assert.Equal("projectcalico.org", global.ApiGroup);
        Assert.Equal(100, global.Order);
        Assert.Equal("has(team)", global.NamespaceSelector);
        Assert.Equal(new[] { "Ingress", "Egress" }, global.Types);
        var stored = snapshot.CalicoPolicies.Single(p => p.ApiGroup == "crd.projectcalico.org");
        Assert.Equal("default.allow", stored.Name);
        Assert.Equal("a", stored.Namespace);
        Assert.Equal(1, stored.IngressRuleCount);
        Assert.Null(stored.Types);
        Assert.Contains(snapshot.CalicoPolicies, p => p.Kind == "StagedNetworkPolicy");
    }

    [Fact]
    public void Read_AdminNetworkPolicyEarlyAlphaSpelling_MapsToSubjectFields()
    {
        var snapshot = ReadAll(
            """
            {"apiVersion":"policy.networking.k8s.io/v1alpha1","kind":"AdminNetworkPolicy","metadata":{"name":"old"},
             "spec":{"priority":10,"subject":{"namespaceAndPodSelector":{"namespaceSelector":{},"podSelector":{"matchLabels":{"app":"db"}}}},
             "ingress":[{"action":"Deny","from":[{"namespaces":{"namespaceSelector":{}}}]}]}}
            """,
            """
            {"apiVersion":"policy.networking.k8s.io/v1alpha1","kind":"BaselineAdminNetworkPolicy","metadata":{"name":"default"},
             "spec":{"subject":{"namespaces":{"matchLabels":{"env":"prod"}}},"egress":[{},{}]}}
            """);

        var anp = snapshot.AdminPolicies.Single(p => p.Kind == "AdminNetworkPolicy");
        Assert.True(anp.SubjectIsPods);
        Assert.Equal("db", anp.SubjectPodsPodSelector!.MatchLabels!["app"]);
        Assert.NotNull(anp.SubjectPodsNamespaceSelector);
        Assert.Equal(10, anp.Priority);
        Assert.Equal(1, anp.IngressRuleCount);
        var banp = snapshot.AdminPolicies.Single(p => p.Kind == "BaselineAdminNetworkPolicy");
        Assert.False(banp.SubjectIsPods);
        Assert.Equal("prod", banp.SubjectNamespaces!.MatchLabels!["env"]);
        Assert.Equal(2, banp.EgressRuleCount);
    }

    [Fact]
    public void Build_DeploymentWithoutPods_DerivesOnePodFromTheTemplate()
    {
        var snapshot = ReadAll("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"shop"},
             "spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web","tier":"front"}},
               "spec":{"containers":[{"name":"c","ports":[{"name":"http","containerPort":8080}]}]}}}}
            """);

        var pod = Assert.Single(snapshot.Pods);
        Assert.Equal("Deployment/web", pod.DerivedFrom);
        Assert.Equal("shop", pod.Namespace);
        Assert.Equal("front", pod.Labels["tier"]);
        Assert.Equal(new ContainerPort("http", 8080, "TCP"), Assert.Single(pod.ContainerPorts!));
        Assert.True(Assert.Single(snapshot.Namespaces).Implied);
    }

    [Fact]
    public void Build_DeploymentWithMatchingPods_DerivesNothing()
    {
        var snapshot = ReadAll(
            """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"shop"},
             "spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}}}}}
            """,
            """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-abc","namespace":"shop","labels":{"app":"web","pod-template-hash":"1"}}}""");

        Assert.Equal("web-abc", Assert.Single(snapshot.Pods).Name);
    }

    [Fact]
    public void Build_ReplicaSetOwnedByPresentDeployment_DerivesOnlyFromTheDeployment()
    {
        var snapshot = ReadAll(
            """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"shop"},
             "spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}}}}}
            """,
            """
            {"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"web-5d4f","namespace":"shop","ownerReferences":[{"kind":"Deployment","name":"web","controller":true}]},
             "spec":{"selector":{"matchLabels":{"app":"web","pod-template-hash":"5d4f"}},"template":{"metadata":{"labels":{"app":"web","pod-template-hash":"5d4f"}}}}}
            """);

        Assert.Equal("Deployment/web", Assert.Single(snapshot.Pods).DerivedFrom);
    }

    [Fact]
    public void Build_CronJob_DerivesFromTheJobTemplate()
    {
        var snapshot = ReadAll("""
            {"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"nightly","namespace":"ops"},
             "spec":{"schedule":"0 1 * * *","jobTemplate":{"spec":{"template":{"metadata":{"labels":{"job":"nightly"}},"spec":{"containers":[{"name":"c"}]}}}}}}
            """);

        var pod = Assert.Single(snapshot.Pods);
        Assert.Equal("CronJob/nightly", pod.DerivedFrom);
        Assert.Equal("nightly", pod.Labels["job"]);
        Assert.Empty(pod.ContainerPorts!);
    }

    [Fact]
    public void Build_ObjectWithoutNamespace_LandsInDefault()
    {
        var snapshot = ReadAll("""{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"p"},"spec":{}}""");

        Assert.Equal("default", Assert.Single(snapshot.NetworkPolicies).Namespace);
    }

    [Fact]
    public void Build_DeclaredNamespace_IsNotImplied()
    {
        var snapshot = ReadAll(
            """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a","labels":{"team":"x"}}}""",
            """{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"p","namespace":"a"},"spec":{}}""");

        var ns = Assert.Single(snapshot.Namespaces);
        Assert.False(ns.Implied);
        Assert.Equal("x", ns.Labels["team"]);
    }

    [Fact]
    public void Build_SameObjectTwice_KeepsTheLaterAndNotesIt()
    {
        var snapshot = ReadAll(
            """{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"p","namespace":"a"},"spec":{"policyTypes":["Ingress"]}}""",
            """{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"p","namespace":"a"},"spec":{"policyTypes":["Egress"]}}""");

        Assert.Equal(new[] { "Egress" }, Assert.Single(snapshot.NetworkPolicies).PolicyTypes);
        Assert.Contains(snapshot.Notes, n => n.Contains("NetworkPolicy a/p is defined more than once", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_CalicoOrderOutOfRange_ThrowsNamingTheField()
    {
        var error = Assert.Throws<KubernetesObjectFormatException>(() => ReadAll("""
            {"apiVersion":"projectcalico.org/v3","kind":"NetworkPolicy","metadata":{"name":"p","namespace":"a"},"spec":{"order":1e400}}
            """));

        Assert.Equal("spec.order", error.FieldPath);
    }
}
