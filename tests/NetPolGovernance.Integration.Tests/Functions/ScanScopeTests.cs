using NetPolGovernance.Service;
using NetPolGovernance.Testing.Service;

namespace NetPolGovernance.Integration.Tests.Functions;

public sealed class ScanScopeTests
{
    [Theory]
    [InlineData(null, null, null, "Name what to scan: subscriptionId, clusterResourceId or clusterName.")]
    [InlineData("prod", null, null, "subscriptionId 'prod' is not a subscription id (GUID).")]
    [InlineData(null, "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm", null, "clusterResourceId '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm' is not an AKS resource id")]
    public void OnDemand_BadQuery_SaysWhatIsWrong(string? subscriptionId, string? clusterResourceId, string? clusterName, string expected)
    {
        var error = Assert.Throws<FormatException>(() => ScanScope.OnDemand(subscriptionId, clusterResourceId, clusterName));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnDemand_ClusterResourceId_IncludesOnlyThatCluster()
    {
        var targets = SampleFleet.Targets(4);

        var scope = ScanScope.OnDemand(null, targets[2].Identity.ResourceId!.ToUpperInvariant(), null);

        Assert.Equal(["aks-02"], targets.Where(scope.Includes).Select(t => t.Identity.Name));
        Assert.NotEqual(ScanScope.Fleet.LockName, scope.LockName);
    }

    [Fact]
    public void Fleet_EveryTarget_IsIncluded()
    {
        var targets = SampleFleet.Targets(3);

        Assert.All(targets, t => Assert.True(ScanScope.Fleet.Includes(t)));
        Assert.Equal("fleet", ScanScope.Fleet.ToString());
    }
}
