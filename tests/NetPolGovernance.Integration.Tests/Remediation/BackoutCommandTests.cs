using System.Diagnostics;
using NetPolGovernance.Analysis.Remediation;
using NetPolGovernance.Connectors.Remediation;
using NetPolGovernance.Simulator.Kubernetes;
using KubeClient = k8s.Kubernetes;

namespace NetPolGovernance.Integration.Tests.Remediation;

public sealed class BackoutCommandTests
{
    [Fact]
    public async Task BackoutCommand_RunWithKubectl_DeletesOnlyWhatNetpolgovCreated()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await LoopbackKubernetesApiServer.StartAsync(ct);
        var cluster = server.AddCluster("backout").Add(KubeObjects.Namespace("shop"), KubeObjects.DefaultDeny("shop", "team-owned-deny"));
        using var client = new KubeClient(cluster.CreateClientConfiguration());
        var applied = await new NetworkPolicyApplier(client).ApplyAsync(PolicyTemplates.For(RemediationProfile.Baseline, "shop", []), ct);
        Assert.True(applied.Succeeded);
        using var directory = new TempDirectory();
        var kubeconfig = directory.Write("kubeconfig", cluster.Kubeconfig("backout"));

        var command = Assert.Single(applied.BackoutCommands).Split(' ');
        var exit = await RunAsync(command[0], [.. command.Skip(1), "--kubeconfig", kubeconfig], ct);

        Assert.Equal(0, exit);
        Assert.Equal("team-owned-deny", Assert.Single(cluster.Objects.List(ApiResources.NetworkPolicies)).Name);
    }

    private static async Task<int> RunAsync(string executable, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start (kubectl is installed by .ci/run)");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        TestContext.Current.TestOutputHelper?.WriteLine(await stdout + await stderr);
        return process.ExitCode;
    }
}
