using System.Text.Json.Nodes;
using NetPolGovernance.Connectors.Scanning;
using NetPolGovernance.Service;
using NetPolGovernance.Testing.Service;

namespace NetPolGovernance.Integration.Tests.Functions;

/// <summary>Queue messages carry typed AKS access facts since version 2; version 1 messages (a string map) are still read.</summary>
public sealed class ClusterScanMessageVersionTests
{
    private const string Version1 = """
        {"version":1,"scanId":"20261204T101500Z-0a1b2c3d","scanStartedAt":"2026-12-04T10:15:00+00:00","trigger":"Schedule",
         "target":{"identity":{"name":"aks-prod","resourceId":"/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-prod"},
                   "accessHints":{"privateCluster":"true","aadEnabled":"true","azureRbac":"false","localAccountsDisabled":"true",
                                  "disableRunCommand":"false","privateFqdn":"aks-prod.privatelink.westeurope.azmk8s.io","powerState":"Running",
                                  "provisioningState":"Succeeded"}}}
        """;

    [Fact]
    public void Parse_Version1_ReadsTheAccessMapIntoTypedAccess()
    {
        var message = ClusterScanMessage.Parse(Version1);

        Assert.Equal(
            new AksAccess
            {
                PrivateCluster = true,
                EntraEnabled = true,
                LocalAccountsDisabled = true,
                PrivateFqdn = "aks-prod.privatelink.westeurope.azmk8s.io",
                PowerState = "Running",
                ProvisioningState = "Succeeded",
            },
            message.Target.Aks);
        Assert.Equal("20261204T101500Z-0a1b2c3d", message.ScanId);
    }

    [Fact]
    public void ToJson_WritesVersion2WithTypedAccessAndNoAccessMap()
    {
        var target = SampleFleet.Targets(1)[0] with { Aks = new AksAccess { PrivateCluster = true, RunCommandDisabled = true } };
        var json = new ClusterScanMessage { ScanId = "s", ScanStartedAt = DateTimeOffset.UnixEpoch, Target = target }.ToJson();
        var node = JsonNode.Parse(json)!;

        Assert.Equal(2, node["version"]!.GetValue<int>());
        Assert.Null(node["target"]!["accessHints"]);
        Assert.True(node["target"]!["aks"]!["runCommandDisabled"]!.GetValue<bool>());
        Assert.Equal(target.Aks, ClusterScanMessage.Parse(json).Target.Aks);
    }

    [Theory]
    [InlineData("""{"version":3,"scanId":"s","scanStartedAt":"2026-12-04T10:15:00Z","target":{"identity":{"name":"c"}}}""", "version 3; this worker reads versions 1 and 2")]
    [InlineData("""{"version":2,"scanId":"s","scanStartedAt":"2026-12-04T10:15:00Z","target":{"identity":{"name":"c"},"aks":{"privateCluster":"yes"}}}""", "not valid JSON of the expected shape at $.target.aks.privateCluster")]
    public void Parse_UnreadableMessage_SaysWhy(string json, string expected)
    {
        var error = Assert.Throws<InvalidScanMessageException>(() => ClusterScanMessage.Parse(json));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
