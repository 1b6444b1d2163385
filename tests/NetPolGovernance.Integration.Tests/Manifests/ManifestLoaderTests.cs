using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Connectors.Manifests;

namespace NetPolGovernance.Integration.Tests.Manifests;

public sealed class ManifestLoaderTests : IDisposable
{
    private static readonly ClusterIdentity s_cluster = new() { Name = "test" };
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static Task<ManifestLoadResult> LoadAsync(params string[] paths) =>
        ManifestLoader.LoadAsync(paths, s_cluster, TestContext.Current.CancellationToken);

    [Fact]
    public async Task LoadAsync_MultiDocumentYaml_ReadsEveryDocumentWithItsStartLine()
    {
        var file = _dir.Write("all.yaml", """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: shop
            ---
            # a comment
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: deny
              namespace: shop
            spec:
              podSelector: {}
              policyTypes: [Ingress]
            ---
            """);

        var result = await LoadAsync(file);

        var policy = Assert.Single(result.Snapshot.NetworkPolicies);
        Assert.Equal(7, policy.Source!.Line);
        Assert.Equal(file.Replace('\\', '/'), policy.Source.File);
        Assert.Equal(1, Assert.Single(result.Snapshot.Namespaces).Source!.Line);
        Assert.Equal(1, result.FileCount);
    }

    [Fact]
    public async Task LoadAsync_YamlScalars_AreTypedLikeKubernetes()
    {
        var file = _dir.Write("np.yaml", """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: p, namespace: a, labels: {version: 1.0, enabled: true}}
            spec:
              ingress:
                - ports:
                    - port: 80
                    - port: http
                    - port: 1
                      endPort: 0x10
            """);

        var result = await LoadAsync(file);

        var policy = Assert.Single(result.Snapshot.NetworkPolicies);
        var ports = Assert.Single(policy.Ingress!).Ports!;
        Assert.Equal(80, ports[0].Port!.Number);
        Assert.Equal("http", ports[1].Port!.Name);
        Assert.Equal(1, ports[2].Port!.Number);
        Assert.Equal(16, ports[2].EndPort);
        Assert.Equal("1.0", policy.Labels["version"]);
        Assert.Equal("true", policy.Labels["enabled"]);
    }

    [Fact]
    public async Task LoadAsync_QuotedNumberPort_IsANamedPortTheApiServerRejects()
    {
        var file = _dir.Write("np.yaml", """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: p, namespace: a}
            spec:
              ingress:
                - ports:
                    - port: "8080"
            """);

        var error = await Assert.ThrowsAsync<InputFileException>(() => LoadAsync(file));

        Assert.Equal(1, error.Line);
        Assert.Contains("spec.ingress[0].ports[0].port: Invalid value \"8080\": must contain at least one letter [port-name]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_MalformedYaml_FailsNamingFileAndLine()
    {
        var file = _dir.Write("bad.yaml", """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: [unclosed
              labels: {}
            """);

        var error = await Assert.ThrowsAsync<InputFileException>(() => LoadAsync(file));

        Assert.Equal(file.Replace('\\', '/'), error.File);
        Assert.InRange(error.Line!.Value, 4, 6);
        Assert.StartsWith($"{error.File}:{error.Line}", error.Message, StringComparison.Ordinal);
        Assert.Contains("malformed YAML", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_MalformedJson_FailsNamingFileAndLine()
    {
        var file = _dir.Write("bad.json", "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Namespace\"\n  \"metadata\": {}\n}\n");

        var error = await Assert.ThrowsAsync<InputFileException>(() => LoadAsync(file));

        Assert.Equal(4, error.Line);
        Assert.Contains("malformed JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_OnlyAnEmptyFile_FailsSayingNothingWasFound()
    {
        var file = _dir.Write("empty.yaml", "\n  \n");

        var error = await Assert.ThrowsAsync<InputFileException>(() => LoadAsync(file));

        Assert.Contains("no Kubernetes objects found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_EmptyFileAmongOthers_IsSkippedWithANote()
    {
        _dir.Write("a/empty.yml", string.Empty);
        _dir.Write("a/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n");

        var result = await LoadAsync(_dir.Path);

        Assert.Single(result.Snapshot.Namespaces);
        Assert.Contains(result.Snapshot.Notes, n => n.Contains("empty.yml: the file is empty", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LoadAsync_MissingPath_FailsNamingThePath()
    {
        var missing = Path.Combine(_dir.Path, "nope");

        var error = await Assert.ThrowsAsync<InputFileException>(() => LoadAsync(missing));

        Assert.Equal($"{missing}: no such file or directory", error.Message);
    }

    [Fact]
    public async Task LoadAsync_Directory_ReadsYamlYmlAndJsonRecursivelySkippingHiddenAndOtherFiles()
    {
        _dir.Write("one.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: one}\n");
        _dir.Write("sub/deeper/two.yml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: two}\n");
        _dir.Write("sub/three.json", """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"three"}}""");
        _dir.Write("sub/README.md", "# not a manifest: {{ }}");
        _dir.Write(".git/config.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: hidden}\n");

        var result = await LoadAsync(_dir.Path);

        Assert.Equal(new[] { "one", "three", "two" }, result.Snapshot.Namespaces.Select(n => n.Name).Order(StringComparer.Ordinal));
        Assert.Equal(3, result.FileCount);
    }

    [Fact]
    public async Task LoadAsync_UnknownKindsAndFields_AreIgnoredWithANote()
    {
        var file = _dir.Write("mixed.yaml", """
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: a}
            spec: {ports: [{port: 80}]}
            ---
            apiVersion: example.com/v1
            kind: Widget
            metadata: {name: w}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: a, futureField: 1}
            somethingNew: {deep: [1, 2]}
            """);

        var result = await LoadAsync(file);

        Assert.Single(result.Snapshot.Namespaces);
        Assert.Contains(result.Snapshot.Notes, n => n.Contains("Service (1)", StringComparison.Ordinal) && n.Contains("Widget (1)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LoadAsync_KubectlGetYamlList_ReadsItemsWithTheirLines()
    {
        var file = _dir.Write("kubectl.yaml", """
            apiVersion: v1
            items:
            - apiVersion: v1
              kind: Pod
              metadata:
                name: web-1
                namespace: shop
                labels: {app: web}
            - apiVersion: networking.k8s.io/v1
              kind: NetworkPolicy
              metadata:
                name: deny
                namespace: shop
              spec:
                podSelector: {}
            kind: List
            metadata:
              resourceVersion: ""
            """);

        var result = await LoadAsync(file);

        Assert.Equal(3, Assert.Single(result.Snapshot.Pods).Source!.Line);
        Assert.Equal(9, Assert.Single(result.Snapshot.NetworkPolicies).Source!.Line);
        Assert.True(Assert.Single(result.Snapshot.Namespaces).Implied);
    }

    [Fact]
    public async Task LoadAsync_KubectlGetJsonTypedList_UsesTheListKindForItemsWithoutKind()
    {
        var file = _dir.Write("netpols.json", """
            {
              "apiVersion": "networking.k8s.io/v1",
              "kind": "NetworkPolicyList",
              "items": [
                {
                  "metadata": {"name": "a", "namespace": "x"},
                  "spec": {"podSelector": {}}
                },
                {
                  "metadata": {"name": "b", "namespace": "x"},
                  "spec": {}
                }
              ]
            }
            """);

        var result = await LoadAsync(file);

        Assert.Equal(new[] { 5, 9 }, result.Snapshot.NetworkPolicies.Select(p => p.Source!.Line).Order());
    }

    [Fact]
    public async Task LoadAsync_JsonArrayAndConcatenatedValues_ReadsEveryObject()
    {
        var file = _dir.Write("many.json", """
            [{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}}]
            {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"b"}}
            """);

        var result = await LoadAsync(file);

        Assert.Equal(new[] { 1, 2 }, result.Snapshot.Namespaces.Select(n => n.Source!.Line));
    }

    [Fact]
    public async Task LoadAsync_ObjectWithoutName_FailsNamingFileLineAndField()
    {
        var file = _dir.Write("noname.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  labels: {a: b}\n");

        var error = await Assert.ThrowsAsync<InputFileException>(() => LoadAsync(file));

        Assert.Equal(1, error.Line);
        Assert.Contains("metadata.name: is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_ScalarDocument_FailsAsNotAnObject()
    {
        var file = _dir.Write("scalar.yaml", "just a sentence\n");

        var error = await Assert.ThrowsAsync<InputFileException>(() => LoadAsync(file));

        Assert.Contains("expected a Kubernetes object", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_AnchorsAndMergeKeys_AreResolved()
    {
        var file = _dir.Write("anchors.yaml", """
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
              namespace: a
              annotations: &common {team: x}
              labels:
                <<: *common
                app: web
            """);

        var result = await LoadAsync(file);

        var pod = Assert.Single(result.Snapshot.Pods);
        Assert.Equal("x", pod.Labels["team"]);
        Assert.Equal("web", pod.Labels["app"]);
    }

    [Fact]
    public void DefaultClusterName_Directory_IsTheFolderName()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir.Path, "prod-east")).FullName;

        Assert.Equal("prod-east", ManifestLoader.DefaultClusterName([folder + "/"]));
    }
}
