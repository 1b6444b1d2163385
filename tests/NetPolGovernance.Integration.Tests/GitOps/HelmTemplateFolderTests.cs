using System.Text.Json;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Cli;
using NetPolGovernance.Connectors.Manifests;
using NetPolGovernance.Integration.Tests.Cli;

namespace NetPolGovernance.Integration.Tests.GitOps;

/// <summary>
/// A GitOps folder holding a Helm chart next to plain manifests (TestData/gitops/chart-folder): the chart's templates
/// are skipped with a note (report and stderr), the rest is scanned; files that are not manifests are notes or clear errors.
/// </summary>
public sealed class HelmTemplateFolderTests : IDisposable
{
    private static readonly ClusterIdentity s_cluster = new() { Name = "test" };
    private readonly TempDirectory _dir = new();
    private readonly CliHarness _cli = new();

    public void Dispose()
    {
        _cli.Dispose();
        _dir.Dispose();
    }

    private static string ChartFolder => Path.Combine(AppContext.BaseDirectory, "TestData", "gitops", "chart-folder");

    private static Task<ManifestLoadResult> LoadAsync(params string[] paths) =>
        ManifestLoader.LoadAsync(paths, s_cluster, TestContext.Current.CancellationToken);

    [Fact]
    public async Task Scan_FolderWithAChart_SkipsTheTemplatesWithANoteAndScansTheRest()
    {
        var exitCode = await _cli.RunAsync("scan", ChartFolder, "-f", "json");

        Assert.NotEqual(ExitCodes.UsageError, exitCode);
        using var report = JsonDocument.Parse(_cli.RawStandardOutput);
        var cluster = report.RootElement.GetProperty("clusters")[0];
        Assert.Contains("shop", cluster.GetProperty("namespaces").EnumerateArray().Select(n => n.GetProperty("name").GetString()));
        var notes = cluster.GetProperty("notes").EnumerateArray().Select(n => n.GetString()!).ToList();
        foreach (var template in new[] { "deployment.yaml", "networkpolicy.yaml" })
        {
            var path = Path.Combine(ChartFolder, "charts", "web", "templates", template).Replace('\\', '/');
            var note = Assert.Single(notes, n => n.StartsWith(path + ": Helm template, not rendered", StringComparison.Ordinal));
            Assert.EndsWith("skipped: render it with helm template, or use --kustomize DIR", note, StringComparison.Ordinal);
            // Once on stderr (the test console wraps long lines, so only the start of the line is compared).
            var lines = _cli.StandardError.Split('\n').Where(l => l.Contains(path, StringComparison.Ordinal)).ToList();
            Assert.StartsWith($"warning: {path}: Helm template", Assert.Single(lines), StringComparison.Ordinal);
        }

        Assert.Contains(notes, n => n.EndsWith("Chart.yaml: YAML without a kind, not Kubernetes objects (Helm values or a Chart.yaml?); ignored", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.EndsWith("values.yaml: YAML without a kind, not Kubernetes objects (Helm values or a Chart.yaml?); ignored", StringComparison.Ordinal));
        Assert.DoesNotContain(report.RootElement.GetProperty("clusters")[0].GetProperty("namespaces").EnumerateArray(), n => n.GetProperty("name").GetString()!.Contains('{', StringComparison.Ordinal));
    }

    [Fact]
    public async Task Diff_FolderWithAChart_SkipsTheTemplatesToo()
    {
        var exitCode = await _cli.RunAsync("diff", "--base", ChartFolder, "--head", ChartFolder, "-f", "json");

        Assert.Equal(ExitCodes.Compliant, exitCode);
        Assert.Contains("templates/networkpolicy.yaml: Helm template, not rendered", _cli.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_TemplateOutsideAChart_IsSkippedWhenItIsNotYamlOrItsFieldsHoldActions()
    {
        var broken = _dir.Write("np.yaml", """
            {{- if .Values.enabled }}
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: {{ .Release.Name }}
              namespace: shop
            spec:
              podSelector: {}
            {{- end }}
            """);
        var quoted = _dir.Write("quoted.yaml", """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: "{{ .Release.Name }}-deny"
              namespace: shop
            spec:
              podSelector: {}
            """);
        var configMap = _dir.Write("alerts.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: alert-templates
              namespace: shop
              annotations: {note: "{{ kept }}"}
            data:
              slack.tmpl: '{{ define "x" }}{{ .Status }}{{ end }}'
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: deny, namespace: shop}
            spec: {podSelector: {}}
            """);

        var result = await LoadAsync(broken, quoted, configMap);

        Assert.Equal("deny", Assert.Single(result.Snapshot.NetworkPolicies).Name);
        Assert.Equal(2, result.SkippedTemplates.Count);
        Assert.StartsWith($"{broken.Replace('\\', '/')}: Helm template, not rendered (not valid YAML until rendered: ", result.SkippedTemplates[0], StringComparison.Ordinal);
        Assert.StartsWith($"{quoted.Replace('\\', '/')}: Helm template, not rendered (template actions in its fields)", result.SkippedTemplates[1], StringComparison.Ordinal);
        Assert.All(result.SkippedTemplates, n => Assert.Contains(n, result.Snapshot.Notes));
    }

    [Fact]
    public async Task LoadAsync_OnlyTemplates_IsAnErrorThatSaysTheyWereSkipped()
    {
        var template = Path.Combine(ChartFolder, "charts", "web", "templates");

        var ex = await Assert.ThrowsAsync<InputFileException>(() => LoadAsync(template));

        Assert.Contains("no Kubernetes objects found", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith("2 files were skipped as unrendered Helm templates (render it with helm template, or use --kustomize DIR)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_BinaryFile_IsAnErrorNamingIt()
    {
        var file = Path.Combine(_dir.Path, "image.yaml");
        await File.WriteAllBytesAsync(file, [0x89, 0x50, 0x4E, 0x47, 0x00, 0x01, 0x02], TestContext.Current.CancellationToken);

        var ex = await Assert.ThrowsAsync<InputFileException>(() => LoadAsync(file));

        Assert.Equal($"{file}: a binary file (it holds NUL bytes), not YAML or JSON text", ex.Message);
    }

    [Fact]
    public async Task Scan_NotYamlAtAll_IsAClearErrorNamingTheFile()
    {
        var file = _dir.Write("notes.yaml", "just some text: [ unclosed\n");

        var exitCode = await _cli.RunAsync("scan", file);

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.StartsWith($"error: {file}:", _cli.StandardError, StringComparison.Ordinal);
        Assert.Contains("malformed YAML", _cli.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", _cli.StandardError, StringComparison.Ordinal);
    }
}
