using System.Text.Json.Nodes;

namespace NetPolGovernance.Simulator.Azure;

/// <summary>The upstream example payloads in <c>Azure/Payloads</c> (embedded), read as <c>responses[status].body</c>.</summary>
public static class AzurePayloads
{
    public const string ManagedClusterGet = "aks-2025-10-01-ManagedClustersGet.json";
    public const string ManagedClustersList = "aks-2025-10-01-ManagedClustersList.json";
    public const string ListClusterUserCredentials = "aks-2025-10-01-ManagedClustersListClusterUserCredentials.json";
    public const string RunCommandRequest = "aks-2025-10-01-RunCommandRequest.json";
    public const string RunCommandResultSucceed = "aks-2025-10-01-RunCommandResultSucceed.json";
    public const string RunCommandResultFailed = "aks-2025-10-01-RunCommandResultFailed.json";
    public const string ResourcesFirstPage = "arg-2024-04-01-ResourcesFirstPageQuery.json";
    public const string ResourcesNextPage = "arg-2024-04-01-ResourcesNextPageQuery.json";
    public const string Subscriptions = "subscriptions-2022-12-01-GetSubscriptions.json";
    public const string ManagementGroupDescendants = "mgmtgroups-2023-04-01-GetDescendants.json";
    public const string ManagedNamespacesList = "aks-2025-10-01-ManagedNamespacesList.json";

    /// <summary>The whole example file.</summary>
    public static JsonNode Example(string file)
    {
        using var stream = typeof(AzurePayloads).Assembly.GetManifestResourceStream("AzurePayloads." + file)
            ?? throw new InvalidOperationException($"Embedded payload '{file}' is missing from NetPolGovernance.Simulator.");
        return JsonNode.Parse(stream) ?? throw new InvalidOperationException($"Payload '{file}' is empty.");
    }

    /// <summary>A fresh copy of <c>responses[status].body</c>.</summary>
    public static JsonNode Body(string file, string status = "200") =>
        Example(file)["responses"]?[status]?["body"]?.DeepClone()
        ?? throw new InvalidOperationException($"Payload '{file}' has no responses.{status}.body.");

    /// <summary><c>responses[status].headers[name]</c>.</summary>
    public static string? Header(string file, string status, string name) =>
        Example(file)["responses"]?[status]?["headers"]?[name]?.GetValue<string>();
}
