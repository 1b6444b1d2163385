namespace NetPolGovernance.Infra.Tests;

/// <summary>Every KQL query the project ships parses and type-checks against the C# row types.</summary>
public sealed class KqlTests
{
    [Fact]
    public async Task AllShippedQueries_KustoLanguageService_NoDiagnostics()
    {
        var template = await CompiledTemplate.MainAsync();
        KqlQuery[] queries =
        [
            .. KqlCatalog.Workbook(template),
            .. KqlCatalog.AlertRules(template),
            .. KqlCatalog.Transforms(template),
            .. KqlCatalog.Docs(),
            .. KqlCatalog.Flows(),
        ];

        var diagnostics = await KustoChecker.CheckAsync(queries, TestContext.Current.CancellationToken);

        Assert.Equal(queries.Select(q => q.Id).Order(), diagnostics.Keys.Order());
        var problems = diagnostics.Where(d => d.Value.Count > 0).Select(d => $"{d.Key}: {string.Join("; ", d.Value)}").ToArray();
        Assert.True(problems.Length == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task Catalog_FindsEveryQuerySource()
    {
        var template = await CompiledTemplate.MainAsync();

        Assert.Equal(16, KqlCatalog.Workbook(template).Count());
        Assert.Equal(8, KqlCatalog.AlertRules(template).Count());
        Assert.Equal(4, KqlCatalog.Transforms(template).Count());
        Assert.True(KqlCatalog.Docs().Count() >= 4);
    }

    [Fact]
    public async Task Check_WrongColumnName_IsReported()
    {
        KqlQuery[] queries =
        [
            new("misspelt-column", "NetPolNamespaces_CL | where Namespce == 'default'"),
            new("column-of-another-table", "NetPolClusterScans_CL | where CheckId == 'NPG-C01'"),
            new("valid-query", "NetPolClusterScans_CL | project AzureTenantId, ClusterName"),
        ];

        var diagnostics = await KustoChecker.CheckAsync(queries, TestContext.Current.CancellationToken);

        Assert.Contains(diagnostics["misspelt-column"], d => d.Contains("'Namespce'", StringComparison.Ordinal));
        Assert.Contains(diagnostics["column-of-another-table"], d => d.Contains("'CheckId'", StringComparison.Ordinal));
        Assert.Empty(diagnostics["valid-query"]);
    }

    [Fact]
    public async Task Check_WrongTypeComparison_IsReported()
    {
        KqlQuery[] queries = [new("int-vs-string", "NetPolClusterScans_CL | where DurationMs > now()")];

        var diagnostics = await KustoChecker.CheckAsync(queries, TestContext.Current.CancellationToken);

        Assert.NotEmpty(diagnostics["int-vs-string"]);
    }
}
