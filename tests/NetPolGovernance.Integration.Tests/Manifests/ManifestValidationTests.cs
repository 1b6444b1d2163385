using System.Text.RegularExpressions;
using NetPolGovernance.Cli;
using NetPolGovernance.Integration.Tests.Cli;

namespace NetPolGovernance.Integration.Tests.Manifests;

/// <summary>
/// Manifests the API server would reject are refused through the real CLI: exit 1 (usage error, nothing scanned),
/// with the file, the line where the object starts, the field and the rule (docs/semantics.md §14).
/// </summary>
public sealed class ManifestValidationTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly CliHarness _cli = new();

    /// <summary>The console wraps long lines; compare without whitespace.</summary>
    private string Error => Regex.Replace(_cli.StandardError, @"\s+", string.Empty);

    private static void AssertMentions(string expected, string actual) =>
        Assert.Contains(Regex.Replace(expected, @"\s+", string.Empty), actual, StringComparison.Ordinal);

    public void Dispose()
    {
        _cli.Dispose();
        _dir.Dispose();
    }

    private static string Policy(string ingress) => $"""
        apiVersion: v1
        kind: Namespace
        metadata:
          name: shop
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: web
          namespace: shop
        spec:
          podSelector: {"{}"}
          policyTypes: [Ingress]
          ingress:
        {ingress}
        """;

    [Theory]
    [InlineData("  - ports: [{port: 8080, endPort: 8000}]", "spec.ingress[0].ports[0].endPort", "endport-below-port")]
    [InlineData("  - ports: [{port: http, endPort: 8000}]", "spec.ingress[0].ports[0].endPort", "endport-named-port")]
    [InlineData("  - ports: [{port: 70000}]", "spec.ingress[0].ports[0].port", "port-range")]
    [InlineData("  - ports: [{port: 80, protocol: ICMP}]", "spec.ingress[0].ports[0].protocol", "protocol-supported")]
    [InlineData("  - from: [{ipBlock: {cidr: 10.0.0.0/33}}]", "spec.ingress[0].from[0].ipBlock.cidr", "cidr-valid")]
    [InlineData("  - from: [{ipBlock: {cidr: 10.0.0.0/8, except: [11.0.0.0/16]}}]", "spec.ingress[0].from[0].ipBlock.except[0]", "except-subset")]
    [InlineData("  - from: [{ipBlock: {cidr: 10.0.0.0/8}, podSelector: {}}]", "spec.ingress[0].from[0]", "peer-ipblock-exclusive")]
    [InlineData("  - from: [{podSelector: {matchLabels: {'bad key': x}}}]", "spec.ingress[0].from[0].podSelector.matchLabels", "label-key")]
    [InlineData("  - from: [{podSelector: {matchExpressions: [{key: app, operator: Exists, values: [x]}]}}]", "spec.ingress[0].from[0].podSelector.matchExpressions[0].values", "selector-values-forbidden")]
    public async Task Scan_InvalidPolicy_ExitsUsageErrorNamingFileLineFieldAndRule(string ingress, string field, string rule)
    {
        var file = _dir.Write("policy.yaml", Policy(ingress));

        var exitCode = await _cli.RunAsync("scan", "--manifests", file);

        Assert.Equal(ExitCodes.UsageError, exitCode);
        AssertMentions($"{file.Replace('\\', '/')}:6: NetworkPolicy shop/web: {field}: ", Error);
        AssertMentions($"[{rule}]", Error);
        AssertMentions("the API server would reject this object", Error);
        Assert.Empty(_cli.RawStandardOutput);
    }

    [Fact]
    public async Task Scan_ValidPolicy_IsScanned()
    {
        var file = _dir.Write("policy.yaml", Policy("  - ports: [{port: 8000, endPort: 8080}]"));

        var exitCode = await _cli.RunAsync("scan", "--manifests", file, "--format", "json");

        Assert.NotEqual(ExitCodes.UsageError, exitCode);
        Assert.DoesNotContain("reject", _cli.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_InvalidNamespaceLabel_IsRefusedWithItsLine()
    {
        var file = _dir.Write("ns.yaml", """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: ok
            ---
            apiVersion: v1
            kind: Namespace
            metadata:
              name: shop
              labels:
                team: "a b"
            """);

        var exitCode = await _cli.RunAsync("scan", "--manifests", file);

        Assert.Equal(ExitCodes.UsageError, exitCode);
        AssertMentions($"{file.Replace('\\', '/')}:6: Namespace shop: metadata.labels[team]: ", Error);
        AssertMentions("[label-value]", Error);
    }

    [Fact]
    public async Task Scan_InvalidAdminNetworkPolicy_IsRefused()
    {
        var file = _dir.Write("anp.yaml", """
            apiVersion: policy.networking.k8s.io/v1alpha1
            kind: AdminNetworkPolicy
            metadata:
              name: too-high
            spec:
              priority: 1001
              subject: {namespaces: {}}
              ingress:
              - action: Deny
                from: [{namespaces: {}}]
            """);

        var exitCode = await _cli.RunAsync("scan", "--manifests", file);

        Assert.Equal(ExitCodes.UsageError, exitCode);
        AssertMentions("AdminNetworkPolicy too-high: spec.priority: ", Error);
        AssertMentions("[priority-range]", Error);
    }
}
