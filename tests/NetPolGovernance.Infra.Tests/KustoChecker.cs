using System.Text.Json;
using System.Text.Json.Nodes;
using NetPolGovernance.Connectors.LogAnalytics;

namespace NetPolGovernance.Infra.Tests;

/// <summary>
/// Runs <c>kql/check.js</c> (Microsoft's Kusto language service under node) on queries, against the schema
/// generated from the C# row types plus the standard Log Analytics columns.
/// </summary>
internal static class KustoChecker
{
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> CheckAsync(IReadOnlyList<KqlQuery> queries, CancellationToken cancellationToken)
    {
        var modules = Path.Combine(Tooling.RepositoryRoot, "tools", "node", "node_modules", "@kusto", "language-service-next");
        if (!Directory.Exists(modules))
        {
            throw new DirectoryNotFoundException($"{modules} is missing: run `npm ci --prefix tools/node` (.ci/run does).");
        }

        var request = new JsonObject
        {
            ["tables"] = new JsonArray(LogAnalyticsSchema.Tables.Select(Table).ToArray()),
            ["queries"] = new JsonArray(queries.Select(q => (JsonNode)new JsonObject
            {
                ["id"] = q.Id,
                ["text"] = q.Text,
                ["tables"] = q.ExtraTables is null ? null : new JsonArray(q.ExtraTables.Select(Table).ToArray()),
            }).ToArray()),
        };
        var requestPath = Path.Combine(Path.GetTempPath(), "netpolgov-kql-" + Guid.NewGuid().ToString("N") + ".json");
        await File.WriteAllTextAsync(requestPath, request.ToJsonString(), cancellationToken);
        try
        {
            var script = Path.Combine(Tooling.RepositoryRoot, "tests", "NetPolGovernance.Infra.Tests", "kql", "check.js");
            var result = await Tooling.RunAsync("node", [script, requestPath], cancellationToken);
            if (result.ExitCode is not (0 or 1))
            {
                throw new InvalidOperationException($"check.js failed ({result.ExitCode}): {result.Output}");
            }

            var diagnostics = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            foreach (var line in result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                using var document = JsonDocument.Parse(line);
                var id = document.RootElement.GetProperty("id").GetString()!;
                diagnostics[id] = document.RootElement.GetProperty("errors").EnumerateArray()
                    .Select(e => $"{e.GetProperty("severity").GetString()} {e.GetProperty("code").GetString()}: {e.GetProperty("message").GetString()}")
                    .ToArray();
            }

            return diagnostics;
        }
        finally
        {
            File.Delete(requestPath);
        }
    }

    private static JsonNode Table(LogAnalyticsTable table) => new JsonObject
    {
        ["name"] = table.Name,
        ["columns"] = new JsonArray(table.Columns.Concat(KqlCatalog.StandardColumns)
            .Select(c => (JsonNode)new JsonObject { ["name"] = c.Name, ["type"] = c.KqlType }).ToArray()),
    };
}
