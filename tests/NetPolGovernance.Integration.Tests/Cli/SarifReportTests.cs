using System.Text.Json;
using NetPolGovernance.Cli;

namespace NetPolGovernance.Integration.Tests.Cli;

/// <summary>SARIF 2.1.0 output for code scanning: structure, rules, file and line locations, suppressions.</summary>
public sealed class SarifReportTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    private async Task<JsonDocument> ScanSamplesAsync()
    {
        var exitCode = await _cli.RunAsync(
            "scan", "--manifests", CliHarness.SamplesPath("manifests"), "--exemptions", CliHarness.SamplesPath("exemptions.yaml"), "--format", "sarif");
        Assert.Equal(ExitCodes.NonCompliant, exitCode);
        return JsonDocument.Parse(_cli.StandardOutput);
    }

    [Fact]
    public async Task Scan_Sarif_IsOneRunOfVersion210WithRulesForEveryResult()
    {
        using var sarif = await ScanSamplesAsync();

        var root = sarif.RootElement;
        Assert.Equal("2.1.0", root.GetProperty("version").GetString());
        var run = Assert.Single(root.GetProperty("runs").EnumerateArray());
        var driver = run.GetProperty("tool").GetProperty("driver");
        Assert.Equal("netpolgov", driver.GetProperty("name").GetString());
        var ruleIds = driver.GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToHashSet();
        var results = run.GetProperty("results").EnumerateArray().ToList();
        Assert.NotEmpty(results);
        Assert.All(results, r => Assert.Contains(r.GetProperty("ruleId").GetString(), ruleIds));
        Assert.All(results, r => Assert.Contains(r.GetProperty("level").GetString(), new[] { "error", "warning", "note" }));
        Assert.All(driver.GetProperty("rules").EnumerateArray(), r => Assert.True(r.GetProperty("properties").TryGetProperty("security-severity", out _)));
    }

    [Fact]
    public async Task Scan_Sarif_LocatesFindingsInTheManifestFiles()
    {
        using var sarif = await ScanSamplesAsync();

        var results = sarif.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray().ToList();
        var allowAll = results.Single(r => r.GetProperty("ruleId").GetString() == "NPG-N06");
        var physical = allowAll.GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.Equal("TestData/samples/manifests/partner-gateway/gateway.yaml", physical.GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.True(physical.GetProperty("region").GetProperty("startLine").GetInt32() > 1);
        Assert.All(results, r => Assert.True(r.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region").GetProperty("startLine").GetInt32() >= 1));
    }

    [Fact]
    public async Task Scan_Sarif_MarksExemptFindingsAsExternallySuppressed()
    {
        using var sarif = await ScanSamplesAsync();

        var results = sarif.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray().ToList();
        var sandbox = results.Where(r => r.GetProperty("properties").TryGetProperty("namespace", out var ns) && ns.GetString() == "sandbox").ToList();
        Assert.NotEmpty(sandbox);
        var suppression = sandbox[0].GetProperty("suppressions")[0];
        Assert.Equal("external", suppression.GetProperty("kind").GetString());
        Assert.Contains("platform-team@contoso.com", suppression.GetProperty("justification").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(results, r => r.GetProperty("properties").GetProperty("namespace").GetString() == "shop");
    }
}
