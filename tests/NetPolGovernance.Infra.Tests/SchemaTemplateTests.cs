using System.Text;
using System.Text.Json.Nodes;
using NetPolGovernance.Connectors.LogAnalytics;

namespace NetPolGovernance.Infra.Tests;

/// <summary>The compiled template's tables and DCR streams equal the C# row types, name for name and type for type.</summary>
public sealed class SchemaTemplateTests
{
    [Fact]
    public async Task WorkspaceTables_Columns_EqualRowTypes()
    {
        var template = await CompiledTemplate.MainAsync();

        var tables = template.Resources("Microsoft.OperationalInsights/workspaces/tables")
            .ToDictionary(t => t["properties"]!["schema"]!["name"]!.GetValue<string>(), t => Columns(t["properties"]!["schema"]!["columns"]));

        Assert.Equal(LogAnalyticsSchema.Tables.Select(t => t.Name).Order(), tables.Keys.Order());
        foreach (var table in LogAnalyticsSchema.Tables)
        {
            Assert.Equal(table.Columns.Select(c => $"{c.Name}:{c.TableType}"), tables[table.Name]);
        }
    }

    [Fact]
    public async Task DataCollectionRule_StreamDeclarations_EqualRowTypes()
    {
        var template = await CompiledTemplate.MainAsync();

        var dcr = Assert.Single(template.Resources("Microsoft.Insights/dataCollectionRules"));
        var streams = (JsonObject)dcr["properties"]!["streamDeclarations"]!;

        Assert.Equal("Direct", dcr["kind"]!.GetValue<string>());
        Assert.Equal(LogAnalyticsSchema.Tables.Select(t => t.StreamName).Order(), streams.Select(s => s.Key).Order());
        foreach (var table in LogAnalyticsSchema.Tables)
        {
            Assert.Equal(table.Columns.Select(c => $"{c.Name}:{c.DcrType}"), Columns(streams[table.StreamName]!["columns"]));
        }
    }

    [Fact]
    public async Task DataCollectionRule_DataFlows_RouteEachStreamToItsTable()
    {
        var template = await CompiledTemplate.MainAsync();

        var dcr = Assert.Single(template.Resources("Microsoft.Insights/dataCollectionRules"));
        var destination = dcr["properties"]!["destinations"]!["logAnalytics"]![0]!["name"]!.GetValue<string>();
        var flows = ((JsonArray)dcr["properties"]!["dataFlows"]!)
            .Select(f => (Stream: f!["streams"]![0]!.GetValue<string>(), Output: f["outputStream"]!.GetValue<string>(), Destination: f["destinations"]![0]!.GetValue<string>()))
            .ToArray();

        Assert.Equal(LogAnalyticsSchema.Tables.Select(t => (t.StreamName, t.StreamName, destination)).Order(), flows.Order());
    }

    [Fact]
    public void SchemaBicep_Text_IsGeneratedFromRowTypes()
    {
        var path = Path.Combine(Tooling.Infra, "app", "schema.bicep");
        var expected = GenerateSchemaBicep();

        var actual = File.ReadAllText(path);

        if (actual != expected)
        {
            File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "schema.bicep.expected"), expected);
        }

        Assert.True(actual == expected, $"{path} differs from the row types; the expected text is in {AppContext.BaseDirectory}schema.bicep.expected");
    }

    private static string[] Columns(JsonNode? columns) =>
        ((JsonArray)columns!).Select(c => $"{c!["name"]!.GetValue<string>()}:{c["type"]!.GetValue<string>()}").ToArray();

    private static string GenerateSchemaBicep()
    {
        var text = new StringBuilder()
            .Append("// Mirrors the C# row types (src/NetPolGovernance.Connectors/LogAnalytics/*Row.cs). Infra.Tests regenerates this text from them\n")
            .Append("// and fails on any difference (it writes the expected text to its output folder, ready to copy over).\n")
            .Append("// Table schemas spell the datetime type 'dateTime', DCR stream declarations 'datetime'.\n");
        (string Key, LogAnalyticsTable Table)[] tables =
        [
            ("clusterScans", LogAnalyticsSchema.ClusterScans),
            ("namespaces", LogAnalyticsSchema.Namespaces),
            ("findings", LogAnalyticsSchema.Findings),
            ("flows", LogAnalyticsSchema.Flows),
        ];
        foreach (var (key, table) in tables)
        {
            Append(text, key, "Table", "table", "workspace table schema", table.Columns.Select(c => (c.Name, c.TableType)));
            Append(text, key, "Stream", "stream", "DCR stream declaration", table.Columns.Select(c => (c.Name, c.DcrType)));
        }

        return text.ToString();
    }

    private static void Append(StringBuilder text, string key, string kind, string noun, string what, IEnumerable<(string Name, string Type)> columns)
    {
        text.Append('\n')
            .Append("@export()\n")
            .Append($"@description('Columns of the {key} {noun} ({what}).')\n")
            .Append($"var {key}{kind}Columns = [\n");
        foreach (var (name, type) in columns)
        {
            text.Append($"  {{ name: '{name}', type: '{type}' }}\n");
        }

        text.Append("]\n");
    }
}
