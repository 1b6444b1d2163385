using System.Text.Json.Nodes;
using NetPolGovernance.Service;
using NetPolGovernance.Service.DeadLetters;

namespace NetPolGovernance.Infra.Tests;

/// <summary>The deployed service matches what the code reads, and holds to identity-only, least-privilege access.</summary>
public sealed class ServiceTemplateTests
{
    [Fact]
    public async Task FunctionApp_AppSettings_CoverEveryRequiredSettingAndOnlyKnownNetPolSettings()
    {
        var names = AppSettings(await FunctionAppAsync()).Keys.ToHashSet(StringComparer.Ordinal);
        var known = FunctionSettings.All.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

        var missing = FunctionSettings.All.Where(s => s.Required).Select(s => s.Name).Except(names).ToArray();
        var unknown = names.Where(n => n.StartsWith("NETPOLGOV_", StringComparison.Ordinal)).Except(known).ToArray();

        Assert.True(missing.Length == 0, "missing: " + string.Join(", ", missing));
        Assert.True(unknown.Length == 0, "not read by the app: " + string.Join(", ", unknown));
        Assert.Contains(FunctionSettings.ManagedIdentityClientId, names);
        Assert.Contains(FunctionSettings.StorageClientId, names);
    }

    [Fact]
    public async Task FunctionApp_Storage_IsIdentityBased()
    {
        var site = await FunctionAppAsync();
        var settings = AppSettings(site);

        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);
        Assert.Equal("managedidentity", settings[FunctionSettings.StorageCredential]);
        Assert.DoesNotContain(settings.Keys, k => k is "AzureWebJobsStorage" or "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING");
        Assert.Equal("UserAssignedIdentity", site["properties"]!["functionAppConfig"]!["deployment"]!["storage"]!["authentication"]!["type"]!.GetValue<string>());
        Assert.Contains("Authorization=AAD", settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task FunctionApp_Runtime_IsFlexConsumptionDotnetIsolated10()
    {
        var template = await CompiledTemplate.MainAsync();
        var site = await FunctionAppAsync();

        var runtime = site["properties"]!["functionAppConfig"]!["runtime"]!;
        Assert.Equal(("dotnet-isolated", "10.0"), (runtime["name"]!.GetValue<string>(), runtime["version"]!.GetValue<string>()));
        Assert.Equal("FC1", Assert.Single(template.Resources("Microsoft.Web/serverfarms"))["sku"]!["name"]!.GetValue<string>());
        Assert.Contains("'azd-service-name', 'api'", site["tags"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Storage_SharedKeysAndLocalAuth_Disabled()
    {
        var template = await CompiledTemplate.MainAsync();

        var storage = Assert.Single(template.Resources("Microsoft.Storage/storageAccounts"));
        var insights = Assert.Single(template.Resources("Microsoft.Insights/components"));

        Assert.False(storage["properties"]!["allowSharedKeyAccess"]!.GetValue<bool>());
        Assert.True(insights["properties"]!["DisableLocalAuth"]!.GetValue<bool>());
        Assert.Contains(
            template.Resources("Microsoft.Storage/storageAccounts/blobServices/containers"),
            c => c["name"]!.GetValue<string>().EndsWith("'" + BlobDeadLetterStore.DefaultContainerName + "')]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RoleAssignments_MonitoringMetricsPublisher_OnlyOnDcrAndTelemetry()
    {
        const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";
        var template = await CompiledTemplate.MainAsync();

        var publisherScopes = template.Resources("Microsoft.Authorization/roleAssignments")
            .Where(r => r["properties"]!["roleDefinitionId"]!.ToJsonString().Contains("monitoringMetricsPublisher", StringComparison.Ordinal)
                || r["properties"]!["roleDefinitionId"]!.ToJsonString().Contains(MonitoringMetricsPublisher, StringComparison.Ordinal))
            .Select(r => r["scope"]!.GetValue<string>())
            .ToArray();

        Assert.Equal(3, publisherScopes.Length); // the app on the DCR and on App Insights, the optional deployer on the DCR
        Assert.All(publisherScopes, s => Assert.True(
            s.Contains("Microsoft.Insights/dataCollectionRules", StringComparison.Ordinal) || s.Contains("Microsoft.Insights/components", StringComparison.Ordinal), s));
    }

    [Fact]
    public async Task RoleAssignments_PrincipalType_NeverHardCodedUserSoAzdRunsFromAPipeline()
    {
        var template = await CompiledTemplate.MainAsync();

        var types = template.Resources("Microsoft.Authorization/roleAssignments")
            .Select(r => r["properties"]!["principalType"]!.GetValue<string>())
            .ToArray();
        var parameters = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Tooling.Infra, "main.parameters.json"), TestContext.Current.CancellationToken))!;

        Assert.NotEmpty(types);
        Assert.DoesNotContain("User", types);
        Assert.Contains(types, t => t.Contains("deployerPrincipalType", StringComparison.Ordinal));
        Assert.Equal("${AZURE_PRINCIPAL_TYPE=User}", parameters["parameters"]!["principalType"]!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task AlertRules_EveryRuleNotifiesTheActionGroup()
    {
        var template = await CompiledTemplate.MainAsync();

        var rules = template.Resources("Microsoft.Insights/scheduledQueryRules");

        Assert.Equal(8, rules.Count);
        Assert.All(rules, r => Assert.Single((JsonArray)r["properties"]!["actions"]!["actionGroups"]!));
        Assert.Single(template.Resources("Microsoft.Insights/actionGroups"));
    }

    private static async Task<JsonObject> FunctionAppAsync() =>
        Assert.Single((await CompiledTemplate.MainAsync()).Resources("Microsoft.Web/sites"));

    private static Dictionary<string, string> AppSettings(JsonObject site) =>
        ((JsonArray)site["properties"]!["siteConfig"]!["appSettings"]!)
            .ToDictionary(s => s!["name"]!.GetValue<string>(), s => s!["value"]!.ToJsonString().Trim('"'), StringComparer.Ordinal);
}
