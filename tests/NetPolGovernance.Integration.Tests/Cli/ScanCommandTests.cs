using System.Text.Json;
using NetPolGovernance.Cli;

namespace NetPolGovernance.Integration.Tests.Cli;

/// <summary>End-to-end scans of manifests through the real parser, composition root and analysis.</summary>
public sealed class ScanCommandTests : IDisposable
{
    private const string CompliantNamespace = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: web}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: web-1, namespace: web, labels: {app: web}}
        spec: {containers: [{name: c, ports: [{containerPort: 80}]}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny-all, namespace: web}
        spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
        """;

    private readonly TempDirectory _dir = new();
    private readonly CliHarness _cli = new();

    public void Dispose()
    {
        _cli.Dispose();
        _dir.Dispose();
    }

    private static string Samples => CliHarness.SamplesPath("manifests");

    private static string SampleExemptions => CliHarness.SamplesPath("exemptions.yaml");

    private static JsonElement Namespace(JsonElement report, string name) =>
        report.GetProperty("clusters")[0].GetProperty("namespaces").EnumerateArray().Single(n => n.GetProperty("name").GetString() == name);

    private static string Status(JsonElement report, string name) => Namespace(report, name).GetProperty("status").GetString()!;

    [Fact]
    public async Task Scan_SamplesAsJson_WritesCleanJsonWithEveryStatus()
    {
        var exitCode = await _cli.RunAsync("scan", "--manifests", Samples, "--exemptions", SampleExemptions, "--format", "json");

        Assert.Equal(ExitCodes.NonCompliant, exitCode);
        using var report = JsonDocument.Parse(_cli.StandardOutput);
        var root = report.RootElement;
        Assert.Equal("Compliant", Status(root, "shop"));
        Assert.Equal("Compliant", Status(root, "catalog"));
        Assert.Equal("NonCompliant", Status(root, "legacy"));
        Assert.Equal("NonCompliant", Status(root, "partner-gateway"));
        Assert.Equal("Compliant", Status(root, "reporting"));
        Assert.Equal("Exempt", Status(root, "sandbox"));
        Assert.Equal("Exempt", Status(root, "kube-system"));
        Assert.True(Namespace(root, "kube-system").GetProperty("system").GetBoolean());
        Assert.False(Namespace(root, "shop").GetProperty("system").GetBoolean());
        Assert.Equal(string.Empty, _cli.StandardError);
    }

    [Fact]
    public async Task Scan_SamplesAsJson_ReportsTheNormativeFactsPerNamespace()
    {
        await _cli.RunAsync("scan", "--manifests", Samples, "--format", "json");

        using var report = JsonDocument.Parse(_cli.StandardOutput);
        var root = report.RootElement;
        var catalog = Namespace(root, "catalog");
        Assert.Equal(["Deployment/catalog"], catalog.GetProperty("derivedPods").EnumerateArray().Select(p => p.GetString()));
        Assert.True(catalog.GetProperty("defaultDenyIngress").GetBoolean());
        Assert.False(catalog.GetProperty("defaultDenyEgress").GetBoolean());
        Assert.True(Namespace(root, "partner-gateway").GetProperty("allowAllIngress").GetBoolean());
        Assert.Equal(["allow-old-dashboard"], Namespace(root, "reporting").GetProperty("deadPolicies").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(2, Namespace(root, "shop").GetProperty("ingressIsolatedPods").GetArrayLength());
        Assert.False(Namespace(root, "legacy").GetProperty("hasPolicy").GetBoolean());
        Assert.Equal("Manifests", root.GetProperty("clusters")[0].GetProperty("accessPath").GetString());
        Assert.Equal("manifests", root.GetProperty("clusters")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Scan_SamplesAsJson_ValidatesAgainstTheDocumentedSchema()
    {
        using var schema = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "TestData", "report.schema.json"), TestContext.Current.CancellationToken));

        await _cli.RunAsync("scan", "--manifests", Samples, "--exemptions", SampleExemptions, "--format", "json");

        using var report = JsonDocument.Parse(_cli.StandardOutput);
        Assert.Empty(new JsonSchemaSubset(schema.RootElement).Validate(report.RootElement));
    }

    [Fact]
    public async Task Scan_SamplesAsJsonl_WritesHeaderClusterAndSummaryRecordsThatValidate()
    {
        using var schema = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "TestData", "report.schema.json"), TestContext.Current.CancellationToken));
        var validator = new JsonSchemaSubset(schema.RootElement);

        var exitCode = await _cli.RunAsync("scan", "--manifests", Samples, "--format", "jsonl");

        Assert.Equal(ExitCodes.NonCompliant, exitCode);
        var lines = _cli.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var records = lines.Select(line => JsonDocument.Parse(line)).ToList();
        Assert.Equal(["header", "cluster", "summary"], records.Select(r => r.RootElement.GetProperty("type").GetString()));
        Assert.All(records, r => Assert.Empty(validator.Validate(r.RootElement, validator.Definition("jsonlRecord"))));
        records.ForEach(r => r.Dispose());
    }

    [Fact]
    public async Task Scan_CompliantNamespace_ReturnsZero()
    {
        _dir.Write("web.yaml", CompliantNamespace);

        var exitCode = await _cli.RunAsync("scan", "--manifests", _dir.Path, "--format", "json", "--cluster-name", "prod-1");

        Assert.Equal(ExitCodes.Compliant, exitCode);
        using var report = JsonDocument.Parse(_cli.StandardOutput);
        Assert.Equal("prod-1", report.RootElement.GetProperty("clusters")[0].GetProperty("name").GetString());
        Assert.Equal("compliant", report.RootElement.GetProperty("summary").GetProperty("result").GetString());
    }

    [Theory]
    [InlineData("critical", ExitCodes.Compliant)]
    [InlineData("high", ExitCodes.NonCompliant)]
    [InlineData("HIGH", ExitCodes.NonCompliant)]
    public async Task Scan_FailOn_GatesOnSeverityInsteadOfProfile(string severity, int expected)
    {
        var exitCode = await _cli.RunAsync("scan", "--manifests", Samples, "--format", "json", "--fail-on", severity);

        Assert.Equal(expected, exitCode);
    }

    [Fact]
    public async Task Scan_FailOnCriticalAsJson_ResultStaysNoncompliantAndTheGateIsReportedBesideIt()
    {
        var exitCode = await _cli.RunAsync("scan", "--manifests", Samples, "--format", "json", "--fail-on", "critical");

        Assert.Equal(ExitCodes.Compliant, exitCode);
        using var report = JsonDocument.Parse(_cli.StandardOutput);
        var summary = report.RootElement.GetProperty("summary");
        Assert.True(summary.GetProperty("namespaces").GetProperty("nonCompliant").GetInt32() > 0);
        Assert.Equal("noncompliant", summary.GetProperty("result").GetString());
        var gate = summary.GetProperty("gate");
        Assert.Equal("fail-on", gate.GetProperty("kind").GetString());
        Assert.Equal("critical", gate.GetProperty("threshold").GetString());
        Assert.Equal("passed", gate.GetProperty("outcome").GetString());
        Assert.Equal("no failing finding at critical or above", gate.GetProperty("reason").GetString());
        Assert.Equal(0, summary.GetProperty("exitCode").GetInt32());
    }

    [Fact]
    public async Task Scan_FailOnHighAsJson_GateFailsWithTheCountAndExitsTwo()
    {
        var exitCode = await _cli.RunAsync("scan", "--manifests", Samples, "--format", "json", "--fail-on", "high");

        Assert.Equal(ExitCodes.NonCompliant, exitCode);
        using var report = JsonDocument.Parse(_cli.StandardOutput);
        var summary = report.RootElement.GetProperty("summary");
        var failing = summary.GetProperty("failingFindings");
        var atHigh = failing.GetProperty("critical").GetInt32() + failing.GetProperty("high").GetInt32();
        Assert.Equal("noncompliant", summary.GetProperty("result").GetString());
        Assert.Equal("failed", summary.GetProperty("gate").GetProperty("outcome").GetString());
        Assert.Equal($"{atHigh} failing finding(s) at high or above", summary.GetProperty("gate").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Scan_FailOnCriticalAsTable_PrintsTheResultAndThePassedGateSeparately()
    {
        var exitCode = await _cli.RunAsync("scan", "--manifests", Samples, "--fail-on", "critical");

        Assert.Equal(ExitCodes.Compliant, exitCode);
        var output = _cli.Output.Output;
        Assert.Contains("result: noncompliant\n", output, StringComparison.Ordinal);
        Assert.DoesNotContain("result: compliant", output, StringComparison.Ordinal);
        Assert.Contains("gate: fail-on critical passed (no failing finding at critical or above) (exit code 0)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_CompliantNamespaceAsTable_ProfileGatePassed()
    {
        _dir.Write("web.yaml", CompliantNamespace);

        var exitCode = await _cli.RunAsync("scan", "--manifests", _dir.Path);

        Assert.Equal(ExitCodes.Compliant, exitCode);
        Assert.Contains("result: compliant\n", _cli.Output.Output, StringComparison.Ordinal);
        Assert.Contains(
            "gate: profile baseline passed (no namespace NonCompliant or Unenforced and no cluster check of the profile failing) (exit code 0)",
            _cli.Output.Output,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cis", "Compliant")]
    [InlineData("CIS", "Compliant")]
    [InlineData("baseline", "NonCompliant")]
    [InlineData("strict", "NonCompliant")]
    public async Task Scan_Profile_DecidesWhetherAllowAllIsNonCompliant(string profile, string expected)
    {
        await _cli.RunAsync("scan", "--manifests", Samples, "--format", "json", "--profile", profile);

        using var report = JsonDocument.Parse(_cli.StandardOutput);
        Assert.Equal(expected, Status(report.RootElement, "partner-gateway"));
        Assert.Equal(profile.ToLowerInvariant(), report.RootElement.GetProperty("scan").GetProperty("profile").GetString());
    }

    [Fact]
    public async Task Scan_OutputFileWithJsonExtension_WritesJsonThereAndNothingToStdout()
    {
        var output = Path.Combine(_dir.Path, "report.json");

        var exitCode = await _cli.RunAsync("scan", "--manifests", Samples, "-o", output);

        Assert.Equal(ExitCodes.NonCompliant, exitCode);
        Assert.Equal(string.Empty, _cli.StandardOutput);
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken));
        Assert.Equal("1.3", report.RootElement.GetProperty("schemaVersion").GetString());
    }

    [Fact]
    public async Task Scan_TableFormat_ShowsNamespacesExemptionsAndTheVerdict()
    {
        var exitCode = await _cli.RunAsync("scan", "--manifests", Samples, "--exemptions", SampleExemptions);

        Assert.Equal(ExitCodes.NonCompliant, exitCode);
        var output = _cli.Output.Output;
        Assert.Contains("partner-gateway", output, StringComparison.Ordinal);
        Assert.Contains("NonCompliant", output, StringComparison.Ordinal);
        Assert.Contains("exempt sandbox:", output, StringComparison.Ordinal);
        Assert.Contains("result: noncompliant\n", output, StringComparison.Ordinal);
        Assert.Contains("gate: profile baseline failed (", output, StringComparison.Ordinal);
        Assert.Contains(") (exit code 2)", output, StringComparison.Ordinal);
        Assert.Equal(string.Empty, _cli.RawStandardOutput);
    }

    [Fact]
    public async Task Scan_TableToFile_WritesPlainTextWithoutAnsiCodes()
    {
        var output = Path.Combine(_dir.Path, "report.txt");

        await _cli.RunAsync("scan", "--manifests", Samples, "-o", output);

        var text = await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken);
        Assert.Contains("result: noncompliant\n", text, StringComparison.Ordinal);
        Assert.Contains("gate: profile baseline failed (", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", text, StringComparison.Ordinal);
    }
}
