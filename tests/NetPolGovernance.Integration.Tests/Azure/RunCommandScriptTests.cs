using System.Diagnostics;
using System.Text.RegularExpressions;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Connectors.Azure.Access;
using NetPolGovernance.Connectors.Kubernetes.Catalog;
using NetPolGovernance.Simulator.Kubernetes;

namespace NetPolGovernance.Integration.Tests.Azure;

/// <summary>The runCommand script is generated from the catalogs, and runs: real <c>sh</c>, <c>kubectl</c> and <c>jq</c> against a loopback cluster.</summary>
public sealed partial class RunCommandScriptTests
{
    private static readonly Dictionary<string, string> s_web = new() { ["app"] = "web" };

    [Fact]
    public void Command_DiscoversAndListsExactlyTheCatalogsCustomResourceKinds()
    {
        var lines = ScriptLines().Where(l => l.StartsWith("crd '", StringComparison.Ordinal)).ToList();

        var expected = CrdPolicyKinds.All.Where(k => k.IsCustomResource).ToList();
        Assert.Equal(expected.Select(k => $"crd {k.ApiVersion} {k.Kind}|{k.ApiVersion}|{k.Plural}|{k.Resource}"), lines.Select(l =>
        {
            var m = CrdCall().Match(l);
            return $"{m.Groups[1].Value}|{m.Groups[2].Value}|{m.Groups[3].Value}|{m.Groups[4].Value}";
        }));
        Assert.Equal(
            ["ciliumnetworkpolicies.cilium.io", "ciliumclusterwidenetworkpolicies.cilium.io",
             "networkpolicies.crd.projectcalico.org", "globalnetworkpolicies.crd.projectcalico.org",
             "adminnetworkpolicies.policy.networking.k8s.io", "baselineadminnetworkpolicies.policy.networking.k8s.io",
             "clusternetworkpolicies.policy.networking.k8s.io"],
            expected.Select(k => k.Resource));
        Assert.DoesNotContain(".projectcalico.org/v3", RunCommandScript.Command, StringComparison.Ordinal);
        Assert.DoesNotContain("get crd", RunCommandScript.Command, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Command_CrdGroupServedButItsListForbidden_KindIsNotVisibleNotAbsent()
    {
        // Arrange: the Cilium CRDs are installed; the identity may not list one of them (as AKS RBAC Reader).
        var ct = TestContext.Current.CancellationToken;
        await using var server = await LoopbackKubernetesApiServer.StartAsync(ct);
        var cluster = server.AddCluster("rc").ServeGroup("cilium.io").Add(
            KubeObjects.Namespace("shop"),
            KubeObjects.Pod("shop", "web-1", s_web),
            KubeObjects.DaemonSet("kube-system", "cilium", desired: 2, ready: 2));
        cluster.Faults.Add(KubeFault.Forbidden(), KubeRequestMatch.Resource("ciliumnetworkpolicies", "cilium.io"));
        using var home = new TempDirectory();

        // Act
        var output = await RunAsync(home.Write("config", cluster.Kubeconfig()), home.Path, ct);
        var read = RunCommandOutputReader.Read(output, new ClusterIdentity { Name = "rc" });

        // Assert
        Assert.Null(read.FailureReason);
        Assert.True(read.Snapshot!.InvisibleKinds.Count == 1, output);
        var invisible = Assert.Single(read.Snapshot!.InvisibleKinds);
        Assert.Equal(("cilium.io", "CiliumNetworkPolicy"), (invisible.ApiGroup, invisible.Kind));
        Assert.Contains("forbidden", invisible.Reason, StringComparison.OrdinalIgnoreCase);

        // A namespace that may rely on the unreadable kind is Unknown, not NonCompliant.
        var assessment = NetPolGovernance.Analysis.SnapshotAnalyzer.Analyze(read.Snapshot, new NetPolGovernance.Analysis.Assessment.AnalysisOptions { Now = DateTimeOffset.UnixEpoch });
        Assert.Equal(NetPolGovernance.Analysis.Assessment.NamespaceStatus.Unknown, assessment.Namespaces.Single(n => n.Name == "shop").Status);
    }

    [Fact]
    public async Task Command_DiscoveryOfAGroupVersionFails_KindIsNotVisibleNotAbsent()
    {
        // Arrange: discovery of cilium.io/v2 answers 403 (anything but NotFound).
        var ct = TestContext.Current.CancellationToken;
        await using var server = await LoopbackKubernetesApiServer.StartAsync(ct);
        var cluster = server.AddCluster("rc").ServeGroup("cilium.io").Add(KubeObjects.Namespace("shop"));
        cluster.Faults.Add(KubeFault.Forbidden(), new KubeRequestMatch(r => r.Path.EndsWith("/apis/cilium.io/v2", StringComparison.Ordinal)));
        using var home = new TempDirectory();

        // Act
        var read = RunCommandOutputReader.Read(await RunAsync(home.Write("config", cluster.Kubeconfig()), home.Path, ct), new ClusterIdentity { Name = "rc" });

        // Assert
        Assert.Null(read.FailureReason);
        Assert.Equal(["CiliumClusterwideNetworkPolicy", "CiliumNetworkPolicy"], read.Snapshot!.InvisibleKinds.Select(k => k.Kind).Order(StringComparer.Ordinal));
        Assert.All(read.Snapshot.InvisibleKinds, k => Assert.Contains("discovery of /apis/cilium.io/v2 failed", k.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Command_SelectsExactlyTheCatalogsEngineDaemonSets()
    {
        var line = Assert.Single(ScriptLines(), l => l.StartsWith("q daemonsets ", StringComparison.Ordinal));

        var names = DaemonSetName().Matches(line).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal);

        Assert.Equal(PolicyEngineDaemonSets.EngineByName.Keys.Order(StringComparer.Ordinal), names);
        Assert.Equal(["antrea-agent", "azure-npm", "calico-node", "cilium", "kube-router", "weave-net"], names);
    }

    [Fact]
    public async Task Command_RunWithKubectlAndJq_IsReadIntoTheClustersSnapshot()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await LoopbackKubernetesApiServer.StartAsync(ct);
        var cluster = server.AddCluster("rc").Add(
            KubeObjects.Namespace("shop", new Dictionary<string, string> { ["team"] = "web" }),
            KubeObjects.Pod("shop", "web-1", s_web),
            KubeObjects.Pod("shop", "web-2", s_web),
            KubeObjects.DefaultDeny("shop"),
            KubeObjects.DaemonSet("kube-system", "cilium", desired: 2, ready: 1),
            KubeObjects.DaemonSet("kube-system", "kube-proxy", desired: 2, ready: 2),
            KubeObjects.ConfigMap("kube-system", "cilium-config", new Dictionary<string, string> { ["enable-policy"] = "never" }));
        using var home = new TempDirectory();
        var kubeconfig = home.Write("config", cluster.Kubeconfig());

        var output = await RunAsync(kubeconfig, home.Path, ct);
        var read = RunCommandOutputReader.Read(output, new ClusterIdentity { Name = "rc" });

        Assert.Null(read.FailureReason);
        var snapshot = read.Snapshot!;
        Assert.Equal("web", Assert.Single(snapshot.Namespaces, n => n.Name == "shop").Labels["team"]);
        Assert.Equal(["web-1", "web-2"], snapshot.Pods.Where(p => p.Namespace == "shop").Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("default-deny", Assert.Single(snapshot.NetworkPolicies).Name);
        Assert.Equal(new EngineDaemonSet("cilium", "kube-system", "cilium", 2, 1), Assert.Single(snapshot.EngineEvidence!.DaemonSets));
        Assert.Equal("never", snapshot.EngineEvidence.CiliumPolicyEnforcementMode);
        Assert.Empty(snapshot.InvisibleKinds);
    }

    private static string[] ScriptLines() => RunCommandScript.Command.Split('\n');

    private static async Task<string> RunAsync(string kubeconfig, string home, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("/bin/sh", ["-c", RunCommandScript.Command])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["KUBECONFIG"] = kubeconfig;
        start.Environment["HOME"] = home;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        Assert.True(process.ExitCode == 0, await stderr);
        return await stdout;
    }

    [GeneratedRegex("^crd '(crd [^']+)' '([^']+)' '([^']+)' '([^']+)' '")]
    private static partial Regex CrdCall();

    [GeneratedRegex("\\.metadata\\.name==\"([^\"]+)\"")]
    private static partial Regex DaemonSetName();
}
