using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace NetPolGovernance.Infra.Tests;

/// <summary>The deployment contracts docs/azure.md and docs/rbac.md state, checked against the compiled template.</summary>
public sealed partial class AzureContractTemplateTests
{
    private static readonly string[] s_runCommandActions =
    [
        "Microsoft.ContainerService/managedClusters/runcommand/action",
        "Microsoft.ContainerService/managedClusters/commandResults/read",
    ];

    [Fact]
    public async Task RunCommandRole_GrantsExactlyTheTwoRunCommandActions_OnlyWhenOptedIn()
    {
        var template = await CompiledTemplate.MainAsync();

        var definitions = template.Resources("Microsoft.Authorization/roleDefinitions");

        Assert.Equal(2, definitions.Count); // subscription scope and management-group scope
        foreach (var definition in definitions)
        {
            var permission = Assert.Single((JsonArray)definition["properties"]!["permissions"]!)!;
            Assert.Equal(s_runCommandActions, ((JsonArray)permission["actions"]!).Select(a => a!.GetValue<string>()));
            Assert.Empty((JsonArray)permission["dataActions"]!);
            Assert.Contains("enableRunCommandRole", definition["condition"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        var parameter = template.Root["parameters"]!["enableRunCommandRole"]!;
        Assert.False(parameter["defaultValue"]!.GetValue<bool>());
        var assignments = template.Resources("Microsoft.Authorization/roleAssignments")
            .Where(r => r["properties"]!["roleDefinitionId"]!.ToJsonString().Contains("runCommandRole", StringComparison.Ordinal)
                || r["properties"]!["roleDefinitionId"]!.ToJsonString().Contains("netpolgov-aks-runcommand", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(2, assignments.Count);
        Assert.All(assignments, a => Assert.Contains("enableRunCommandRole", a["condition"]!.GetValue<string>(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunCommandRole_IsDocumentedWithItsActionsAndSwitch()
    {
        var rbac = await File.ReadAllTextAsync(Path.Combine(Tooling.RepositoryRoot, "docs", "rbac.md"), TestContext.Current.CancellationToken);

        Assert.All(s_runCommandActions, a => Assert.Contains(a, rbac, StringComparison.Ordinal));
        Assert.Contains("enableRunCommandRole", rbac, StringComparison.Ordinal);
        Assert.Contains("NETPOLGOV_ENABLE_RUNCOMMAND_ROLE", rbac, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Location_IsLimitedToFlexConsumptionRegions_ListedInTheDocs()
    {
        var template = await CompiledTemplate.MainAsync();
        var azure = await File.ReadAllTextAsync(Path.Combine(Tooling.RepositoryRoot, "docs", "azure.md"), TestContext.Current.CancellationToken);

        var allowed = ((JsonArray)template.Root["parameters"]!["location"]!["allowedValues"]!).Select(v => v!.GetValue<string>()).ToList();
        var documented = FlexRegionsLine().Match(azure);

        Assert.Contains("eastus", allowed);
        Assert.DoesNotContain("westindia", allowed);
        Assert.True(documented.Success, "docs/azure.md has no 'Flex Consumption regions:' line");
        Assert.Equal(allowed, documented.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries).Select(r => r.Trim('`')));
    }

    [Fact]
    public async Task Docs_NameOnlyRolesTheBicepGrants()
    {
        // Every Azure built-in role the docs name as granted must be one infra/app/rbac.bicep assigns (its comments
        // name each role), so a reader never grants the wrong one by hand.
        var bicep = await File.ReadAllTextAsync(Path.Combine(Tooling.Infra, "app", "rbac.bicep"), TestContext.Current.CancellationToken);
        var granted = RoleName().Matches(bicep).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
        var documents = new[] { "README.md", Path.Combine("docs", "azure.md"), Path.Combine("docs", "rbac.md") };

        foreach (var document in documents)
        {
            var text = await File.ReadAllTextAsync(Path.Combine(Tooling.RepositoryRoot, document), TestContext.Current.CancellationToken);
            foreach (var role in RoleName().Matches(text).Select(m => m.Value).Distinct(StringComparer.Ordinal))
            {
                Assert.True(granted.Contains(role) || role == "Storage Blob Data Reader", $"{document} names '{role}', which infra/app/rbac.bicep does not grant");
            }
        }
    }

    [Fact]
    public async Task HeartbeatAlert_ReturnsNoRowBeforeTheFirstScan_AndMeasuresHoursSinceTheLastOne()
    {
        var template = await CompiledTemplate.MainAsync();

        var rule = Assert.Single(template.Resources("Microsoft.Insights/scheduledQueryRules"), r => r["name"]!.GetValue<string>() == "netpolgov-scan-heartbeat-missing");
        var criterion = Assert.Single((JsonArray)rule["properties"]!["criteria"]!["allOf"]!)!;
        var query = criterion["query"]!.GetValue<string>();

        // An empty table summarizes to one row with a null LastScan; the filter drops it, so no row means no alert.
        Assert.Contains("summarize LastScan = max(TimeGenerated)", query, StringComparison.Ordinal);
        Assert.Contains("where isnotnull(LastScan)", query, StringComparison.Ordinal);
        Assert.DoesNotContain("count()", query, StringComparison.Ordinal);
        Assert.Equal("HoursSinceLastScan", criterion["metricMeasureColumn"]!.GetValue<string>());
        Assert.Equal("GreaterThan", criterion["operator"]!.GetValue<string>());
        Assert.Equal("P2D", rule["properties"]!["windowSize"]!.GetValue<string>());
    }

    [GeneratedRegex(@"Flex Consumption regions: ([^\n]+)")]
    private static partial Regex FlexRegionsLine();

    [GeneratedRegex(@"Storage (Blob|Queue|Table) Data (Owner|Contributor|Reader)|Monitoring Metrics Publisher|Azure Kubernetes Service (Cluster User Role|RBAC Reader)")]
    private static partial Regex RoleName();
}
