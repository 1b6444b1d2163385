using NetPolGovernance.Connectors.LogAnalytics;

namespace NetPolGovernance.Integration.Tests.LogAnalytics;

/// <summary>The schema is the documented contract (docs/log-analytics.md); these pin it.</summary>
public sealed class LogAnalyticsSchemaTests
{
    [Fact]
    public void ClusterScans_Columns_MatchDocumentedContract()
    {
        string[] expected =
        [
            "TimeGenerated:datetime", "RowId:string", "ScanId:string", "ScannerVersion:string", "AzureTenantId:string",
            "SubscriptionId:string", "ResourceGroup:string", "ClusterName:string", "ClusterResourceId:string",
            "Owner:string", "Location:string", "KubernetesVersion:string", "NetworkPlugin:string", "NetworkPluginMode:string",
            "NetworkPolicy:string", "NetworkDataplane:string", "EngineEvidence:dynamic", "AccessPath:string",
            "Status:string", "Error:string", "Profile:string", "NamespaceCount:int", "CompliantNamespaceCount:int",
            "PodCount:int", "PolicyCount:int", "ApiCalls:int", "DurationMs:long",
        ];

        Assert.Equal(expected, Describe(LogAnalyticsSchema.ClusterScans));
    }

    [Fact]
    public void Namespaces_Columns_MatchDocumentedContract()
    {
        string[] expected =
        [
            "TimeGenerated:datetime", "RowId:string", "ScanId:string", "SubscriptionId:string", "ResourceGroup:string",
            "ClusterName:string", "ClusterResourceId:string", "Namespace:string", "IsSystem:boolean", "Owner:string", "OwnerSource:string",
            "Status:string", "Profile:string", "HasPolicy:boolean", "HasAnyPolicy:boolean", "PodCount:int",
            "IngressIsolatedPodCount:int", "EgressIsolatedPodCount:int", "DefaultDenyIngress:boolean",
            "DefaultDenyEgress:boolean", "AllowAllIngress:boolean", "AllowAllEgress:boolean", "DeadPolicyCount:int",
            "PolicyNames:dynamic", "PolicySetHash:string", "FailingChecks:dynamic",
        ];

        Assert.Equal(expected, Describe(LogAnalyticsSchema.Namespaces));
    }

    [Fact]
    public void Findings_Columns_MatchDocumentedContract()
    {
        string[] expected =
        [
            "TimeGenerated:datetime", "RowId:string", "ScanId:string", "SubscriptionId:string", "ResourceGroup:string",
            "ClusterName:string", "ClusterResourceId:string", "Namespace:string", "Owner:string", "CheckId:string", "CheckTitle:string",
            "Severity:string", "Result:string", "InProfile:boolean", "Message:string", "Benchmark:string",
            "Evidence:dynamic", "Remediation:string", "ExemptionReason:string", "ExemptionOwner:string",
            "ExemptionExpiresOn:datetime",
        ];

        Assert.Equal(expected, Describe(LogAnalyticsSchema.Findings));
    }

    [Fact]
    public void Flows_Columns_MatchDocumentedContract()
    {
        string[] expected =
        [
            "TimeGenerated:datetime", "RowId:string", "ScanId:string", "SubscriptionId:string", "ResourceGroup:string",
            "ClusterName:string", "ClusterResourceId:string", "Namespace:string", "Owner:string", "Kind:string",
            "WindowStart:datetime", "WindowEnd:datetime", "Policy:string", "Rule:string", "Workload:string", "Peer:string",
            "Protocol:string", "Port:int", "Connections:int", "ForwardedIngress:long", "ForwardedEgress:long",
            "DroppedIngress:long", "DroppedEgress:long", "MatchedHits:long", "ReportedHits:long", "AllowAll:boolean",
            "StaticRuntimeDisagreement:int", "RuntimeCheckResult:string", "UnverifiedCount:int", "UnmatchedCount:int",
            "UnusedRuleCount:int", "RowsOmitted:int", "FirstSeen:datetime", "LastSeen:datetime", "Decision:string",
        ];

        Assert.Equal(expected, Describe(LogAnalyticsSchema.Flows));
    }

    [Fact]
    public void Tables_ColumnNames_AreValidAndNotReserved()
    {
        // Reserved in custom tables (Azure Monitor "Add or delete tables and columns", reserved column names: a table that
        // declares one fails to create, and the DCR, workbook and alerts after it), plus the standard columns every table
        // already has (docs/log-analytics.md lists both with the source).
        string[] reserved =
        [
            "id", "BilledSize", "IsBillable", "InvalidTimeGenerated", "TenantId", "Title", "Type", "UniqueId",
            "_ItemId", "_ResourceGroup", "_ResourceId", "_SubscriptionId", "_TimeReceived", "_BilledSize", "_IsBillable",
            "SourceSystem", "MG", "ManagementGroupName", "Computer", "RawData",
        ];

        foreach (var table in LogAnalyticsSchema.Tables)
        {
            // TimeGenerated is required, and only as a datetime.
            Assert.Equal(LogAnalyticsColumnType.DateTime, Assert.Single(table.Columns, c => c.Name == "TimeGenerated").Type);
        }

        foreach (var column in LogAnalyticsSchema.Tables.SelectMany(t => t.Columns))
        {
            Assert.InRange(column.Name.Length, 2, 45);
            Assert.DoesNotContain(column.Name, reserved, StringComparer.OrdinalIgnoreCase);
            Assert.True(char.IsAsciiLetter(column.Name[0]), $"{column.Name}: a column name starts with a letter (names starting with _ are the service's)");
            Assert.All(column.Name, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c == '_', $"{column.Name}: only letters, digits and _"));
        }

        Assert.All(LogAnalyticsSchema.Tables, t => Assert.EndsWith("_CL", t.Name, StringComparison.Ordinal));
        Assert.All(LogAnalyticsSchema.Tables, t => Assert.Equal("Custom-" + t.Name, t.StreamName));
    }

    [Theory]
    [InlineData(LogAnalyticsColumnType.DateTime, "datetime", "dateTime", "datetime")]
    [InlineData(LogAnalyticsColumnType.Boolean, "boolean", "boolean", "bool")]
    [InlineData(LogAnalyticsColumnType.Dynamic, "dynamic", "dynamic", "dynamic")]
    [InlineData(LogAnalyticsColumnType.Long, "long", "long", "long")]
    public void Column_TypeSpellings_MatchEachConsumer(LogAnalyticsColumnType type, string dcr, string table, string kql)
    {
        var column = new LogAnalyticsColumn("X1", type);

        Assert.Equal((dcr, table, kql), (column.DcrType, column.TableType, column.KqlType));
    }

    private static string[] Describe(LogAnalyticsTable table) =>
        table.Columns.Select(c => $"{c.Name}:{c.DcrType}").ToArray();
}
