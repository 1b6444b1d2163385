using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NetPolGovernance.Connectors.LogAnalytics;

namespace NetPolGovernance.Infra.Tests;

/// <summary>A KQL query found in the repository: where it came from, its text, and tables only it can see.</summary>
internal sealed record KqlQuery(string Id, string Text, IReadOnlyList<LogAnalyticsTable>? ExtraTables = null);

/// <summary>Every KQL query the project ships: the workbook, the alert rules, the DCR transforms and the docs.</summary>
internal static partial class KqlCatalog
{
    /// <summary>Columns every Log Analytics table has besides its own.</summary>
    public static IReadOnlyList<LogAnalyticsColumn> StandardColumns { get; } =
    [
        new("TenantId", LogAnalyticsColumnType.String),
        new("Type", LogAnalyticsColumnType.String),
        new("_ResourceId", LogAnalyticsColumnType.String),
    ];

    public static IEnumerable<KqlQuery> Workbook(CompiledTemplate template)
    {
        var workbook = Assert.Single(template.Resources("Microsoft.Insights/workbooks"));
        var data = JsonNode.Parse(workbook["properties"]!["serializedData"]!.GetValue<string>())!;
        foreach (var item in (JsonArray)data["items"]!)
        {
            if (item!["type"]!.GetValue<int>() == 3)
            {
                yield return new KqlQuery("workbook:" + item["name"]!.GetValue<string>(), item["content"]!["query"]!.GetValue<string>(), AuditTables);
            }
        }
    }

    public static IEnumerable<KqlQuery> AlertRules(CompiledTemplate template) =>
        template.Resources("Microsoft.Insights/scheduledQueryRules").SelectMany(rule =>
            ((JsonArray)rule["properties"]!["criteria"]!["allOf"]!).Select(criterion =>
                new KqlQuery("alert:" + rule["name"]!.GetValue<string>(), criterion!["query"]!.GetValue<string>())));

    public static IEnumerable<KqlQuery> Transforms(CompiledTemplate template)
    {
        var dcr = Assert.Single(template.Resources("Microsoft.Insights/dataCollectionRules"));
        foreach (var flow in (JsonArray)dcr["properties"]!["dataFlows"]!)
        {
            var stream = flow!["streams"]![0]!.GetValue<string>();
            var table = LogAnalyticsSchema.Tables.Single(t => t.StreamName == stream);
            yield return new KqlQuery("dcr-transform:" + stream, flow["transformKql"]!.GetValue<string>(), [table with { Name = "source" }]);
        }
    }

    public static IEnumerable<KqlQuery> Docs()
    {
        var docs = Path.Combine(Tooling.RepositoryRoot, "docs");
        foreach (var file in Directory.EnumerateFiles(docs, "*.md", SearchOption.AllDirectories).Append(Path.Combine(Tooling.RepositoryRoot, "README.md")))
        {
            var index = 0;
            foreach (Match block in KustoBlock().Matches(File.ReadAllText(file)))
            {
                yield return new KqlQuery($"{Path.GetRelativePath(Tooling.RepositoryRoot, file)}#{++index}", block.Groups[1].Value);
            }
        }
    }

    /// <summary>
    /// The documented <c>AKSAuditAdmin</c> schema (Azure Monitor table reference; the AKS <c>kube-audit-admin</c>
    /// diagnostic category): the change-attribution tile reads it, every column through <c>column_ifexists</c>.
    /// </summary>
    public static IReadOnlyList<LogAnalyticsTable> AuditTables { get; } =
    [
        new LogAnalyticsTable(
            "AKSAuditAdmin",
            [
                new("TimeGenerated", LogAnalyticsColumnType.DateTime),
                new("Level", LogAnalyticsColumnType.String),
                new("AuditId", LogAnalyticsColumnType.String),
                new("Stage", LogAnalyticsColumnType.String),
                new("RequestUri", LogAnalyticsColumnType.String),
                new("Verb", LogAnalyticsColumnType.String),
                new("User", LogAnalyticsColumnType.Dynamic),
                new("SourceIps", LogAnalyticsColumnType.Dynamic),
                new("UserAgent", LogAnalyticsColumnType.String),
                new("ObjectRef", LogAnalyticsColumnType.Dynamic),
                new("ResponseStatus", LogAnalyticsColumnType.Dynamic),
                new("RequestObject", LogAnalyticsColumnType.Dynamic),
                new("ResponseObject", LogAnalyticsColumnType.Dynamic),
                new("RequestReceivedTime", LogAnalyticsColumnType.DateTime),
                new("StageReceivedTime", LogAnalyticsColumnType.DateTime),
                new("Annotations", LogAnalyticsColumnType.Dynamic),
                new("PodName", LogAnalyticsColumnType.String),
                new("SourceSystem", LogAnalyticsColumnType.String),
            ]),
    ];

    /// <summary>
    /// The documented <c>ContainerNetworkLogs</c> schema (Azure Monitor table reference, resource type
    /// microsoft.containerservice/managedclusters), which the flows query reads; <c>RetinaNetworkFlowLogs</c> is its former name.
    /// </summary>
    public static IReadOnlyList<LogAnalyticsTable> ContainerNetworkLogsTables { get; } = NetworkLogTables();

    /// <summary>The query that reads observed connections for <c>netpolgov stage</c>, against the documented table.</summary>
    public static IEnumerable<KqlQuery> Flows()
    {
        yield return new KqlQuery("flows:ContainerNetworkLogs", NetPolGovernance.Connectors.Flows.ContainerNetworkLogsQuery.Text, ContainerNetworkLogsTables);
    }

    private static List<LogAnalyticsTable> NetworkLogTables()
    {
        LogAnalyticsColumn[] columns =
        [
            new("TimeGenerated", LogAnalyticsColumnType.DateTime),
            new("UUID", LogAnalyticsColumnType.String),
            new("Verdict", LogAnalyticsColumnType.String),
            new("DropReason", LogAnalyticsColumnType.String),
            new("FlowType", LogAnalyticsColumnType.String),
            new("TrafficDirection", LogAnalyticsColumnType.String),
            new("TraceObservationPoint", LogAnalyticsColumnType.String),
            new("Reply", LogAnalyticsColumnType.Boolean),
            new("SourceNamespace", LogAnalyticsColumnType.String),
            new("DestinationNamespace", LogAnalyticsColumnType.String),
            new("SourcePodName", LogAnalyticsColumnType.String),
            new("DestinationPodName", LogAnalyticsColumnType.String),
            new("SourceWorkloads", LogAnalyticsColumnType.Dynamic),
            new("DestinationWorkloads", LogAnalyticsColumnType.Dynamic),
            new("SourceIdentity", LogAnalyticsColumnType.Int),
            new("DestinationIdentity", LogAnalyticsColumnType.Int),
            new("SourceClusterName", LogAnalyticsColumnType.String),
            new("DestinationClusterName", LogAnalyticsColumnType.String),
            new("IP", LogAnalyticsColumnType.Dynamic),
            new("Layer4", LogAnalyticsColumnType.Dynamic),
            new("Layer7", LogAnalyticsColumnType.Dynamic),
            new("Policies", LogAnalyticsColumnType.Dynamic),
            new("Service", LogAnalyticsColumnType.Dynamic),
            new("EventType", LogAnalyticsColumnType.Dynamic),
            new("AdditionalFlowData", LogAnalyticsColumnType.Dynamic),
            new("IngressFlowCount", LogAnalyticsColumnType.Int),
            new("EgressFlowCount", LogAnalyticsColumnType.Int),
            new("UnknownDirectionFlowCount", LogAnalyticsColumnType.Int),
            new("NodeName", LogAnalyticsColumnType.String),
            new("_SubscriptionId", LogAnalyticsColumnType.String),
            new("SourceSystem", LogAnalyticsColumnType.String),
        ];
        return [new LogAnalyticsTable("ContainerNetworkLogs", columns), new LogAnalyticsTable("RetinaNetworkFlowLogs", columns)];
    }

    [GeneratedRegex(@"^```(?:kusto|kql)\s*\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex KustoBlock();
}
