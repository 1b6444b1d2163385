using CsCheck;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Connectors.Manifests;

namespace NetPolGovernance.Integration.Tests.Manifests;

/// <summary>
/// Bad input never crashes the loader: whatever the bytes, it either reads a snapshot or throws
/// <see cref="InputFileException"/> (which the CLI turns into exit code 1 with file and line).
/// </summary>
public sealed class ManifestLoaderFuzzTests : IDisposable
{
    private static readonly string[] s_yamlFragments =
    [
        "apiVersion: v1\n", "apiVersion: networking.k8s.io/v1\n", "apiVersion: cilium.io/v2\n", "apiVersion: apps/v1\n",
        "kind: Namespace\n", "kind: Pod\n", "kind: NetworkPolicy\n", "kind: List\n", "kind: Deployment\n", "kind: CiliumNetworkPolicy\n",
        "metadata:\n", "  name: x\n", "  namespace: y\n", "  labels: {a: b}\n", "  labels: [1, 2]\n", "metadata: 7\n",
        "spec:\n", "  podSelector: {}\n", "  podSelector: [x]\n", "  policyTypes: [Ingress]\n", "  ingress:\n", "  - {}\n",
        "  - ports: [{port: 80}, {port: http}, {port: 1e400}, {port: [1]}, {port: 99999999999}]\n", "    from: [{ipBlock: {}}]\n",
        "items:\n", "- kind: Pod\n", "  metadata: {name: p}\n", "  spec: {containers: [{ports: [{containerPort: x}]}]}\n",
        "---\n", "&a x\n", "*a\n", "<<: *b\n", "{", "}", "[", "]", "\"", "'", ": ", "- ", "  ", "\t", "#c\n", "!!str 1\n", "? x\n",
        "order: .inf\n", "order: 1e400\n", "selector: \"all()\"\n", "specs: {}\n", "spec: []\n", "\n", "\u00e9", "%YAML 1.2\n",
    ];

    private static readonly string[] s_jsonFragments =
    [
        "{", "}", "[", "]", ",", ":", "\"apiVersion\"", "\"v1\"", "\"kind\"", "\"Namespace\"", "\"NetworkPolicy\"", "\"List\"",
        "\"items\"", "\"metadata\"", "\"name\"", "\"x\"", "\"spec\"", "\"podSelector\"", "{}", "[]", "1", "1e400", "-0", "null",
        "true", "\"port\"", "/* c */", "\n", " ",
    ];

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public Task LoadAsync_RandomYaml_ReadsOrFailsWithInputFileException() =>
        Gen.OneOfConst(s_yamlFragments).Array[0, 25].Select(string.Concat)
            .SampleAsync(text => AssertLoadsOrFailsCleanlyAsync(".yaml", text), iter: 400, threads: 1);

    [Fact]
    public Task LoadAsync_RandomJson_ReadsOrFailsWithInputFileException() =>
        Gen.OneOfConst(s_jsonFragments).Array[0, 40].Select(string.Concat)
            .SampleAsync(text => AssertLoadsOrFailsCleanlyAsync(".json", text), iter: 400, threads: 1);

    private async Task AssertLoadsOrFailsCleanlyAsync(string extension, string text)
    {
        var file = _dir.Write(Guid.NewGuid().ToString("n") + extension, text).Replace('\\', '/');
        try
        {
            var result = await ManifestLoader.LoadAsync([file], new ClusterIdentity { Name = "fuzz" }, TestContext.Current.CancellationToken);
            Assert.NotNull(result.Snapshot);
        }
        catch (InputFileException ex)
        {
            Assert.True(
                ex.Message.StartsWith(file, StringComparison.Ordinal) || ex.Message.StartsWith("no Kubernetes objects", StringComparison.Ordinal),
                ex.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
