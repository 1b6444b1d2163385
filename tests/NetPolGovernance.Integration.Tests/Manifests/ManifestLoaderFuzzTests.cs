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

    /// <summary>Valid manifests the mutation test starts from: anchors, merge keys, a List, flow and block styles, JSON.</summary>
    private static readonly string[] s_validYaml =
    [
        """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: networking.k8s.io/v1
          kind: NetworkPolicy
          metadata: &m
            name: deny
            namespace: shop
            labels: {team: a, "quoted": "1"}
          spec:
            podSelector: {}
            policyTypes: [Ingress, Egress]
            ingress:
            - from:
              - podSelector: {matchLabels: {app: web}}
              - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}
              ports:
              - {port: 80, protocol: TCP}
              - port: http
        - apiVersion: v1
          kind: ConfigMap
          metadata:
            <<: *m
            name: cm
          data:
            a: &x "v"
            b: *x
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop}
        """,
        """
        apiVersion: v1
        items:
        - apiVersion: v1
          kind: Pod
          metadata:
            labels:
              app: web
            name: web-0
            namespace: shop
          spec:
            containers:
            - name: web
              ports:
              - containerPort: 8080
                name: http
          status:
            podIP: 10.0.0.1
        - apiVersion: v1
          kind: Namespace
          metadata: {name: shop, labels: {kubernetes.io/metadata.name: shop}}
        kind: List
        metadata:
          resourceVersion: ""
        """,
    ];

    private static readonly string[] s_validJson =
    [
        """
        {"apiVersion": "v1", "kind": "List", "items": [
          {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}},
          {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
           "metadata": {"name": "deny", "namespace": "shop"},
           "spec": {"podSelector": {}, "policyTypes": ["Ingress"], "ingress": [{"ports": [{"port": 80}]}]}}
        ]}
        """,
    ];

    /// <summary>Small limits, so that mutations (a duplicated alias, a repeated bracket) reach them.</summary>
    private static readonly ManifestLimits s_smallLimits = new()
    {
        MaxFileBytes = 64 * 1024,
        MaxDepth = 16,
        MaxScalarLength = 4 * 1024,
        MaxAliasExpansionBytes = 8 * 1024,
    };

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

    /// <summary>
    /// Valid manifests mutated as files get damaged or crafted: bytes flipped, cut short, a range repeated, lines
    /// indented or dedented, a byte that makes UTF-8 invalid. Whatever comes out, the loader answers within a few
    /// seconds with a snapshot or an <see cref="InputFileException"/> naming the file, never another exception.
    /// </summary>
    [Fact]
    public Task LoadAsync_MutatedYaml_ReadsOrFailsWithInputFileException() =>
        Mutated(s_validYaml).SampleAsync(bytes => AssertLoadsOrFailsCleanlyAsync(".yaml", bytes, s_smallLimits), iter: 500, threads: 1);

    [Fact]
    public Task LoadAsync_MutatedJson_ReadsOrFailsWithInputFileException() =>
        Mutated(s_validJson).SampleAsync(bytes => AssertLoadsOrFailsCleanlyAsync(".json", bytes, s_smallLimits), iter: 500, threads: 1);

    [Fact]
    public async Task Mutations_OfTheValidSeeds_StartFromFilesThatLoad()
    {
        foreach (var yaml in s_validYaml)
        {
            var result = await LoadBytesAsync(".yaml", System.Text.Encoding.UTF8.GetBytes(yaml), s_smallLimits);
            Assert.NotEmpty(result.Snapshot.Namespaces.Cast<object>().Concat(result.Snapshot.NetworkPolicies).Concat(result.Snapshot.Pods));
        }

        foreach (var json in s_validJson)
        {
            var result = await LoadBytesAsync(".json", System.Text.Encoding.UTF8.GetBytes(json), s_smallLimits);
            Assert.Single(result.Snapshot.NetworkPolicies);
        }
    }

    private static Gen<byte[]> Mutated(string[] seeds) =>
        Gen.Select(Gen.OneOfConst(seeds), Gen.Int[1, 6], Gen.Int.Array[24], (seed, count, randoms) =>
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(seed).ToList();
            for (var m = 0; m < count && bytes.Count > 0; m++)
            {
                var r = randoms.AsSpan(m * 4, 4);
                var at = (int)((uint)r[1] % (uint)bytes.Count);
                var length = Math.Min((int)((uint)r[2] % 64), bytes.Count - at);
                switch ((uint)r[0] % 6)
                {
                    case 0: // flip bits of one byte
                        bytes[at] ^= (byte)(1 << (int)((uint)r[3] % 8));
                        break;
                    case 1: // truncate
                        bytes.RemoveRange(at, bytes.Count - at);
                        break;
                    case 2: // repeat a range (duplicated keys, aliases, brackets)
                        var range = bytes.GetRange(at, length);
                        for (var k = 0; k < 1 + ((uint)r[3] % 8); k++)
                        {
                            bytes.InsertRange(at, range);
                        }

                        break;
                    case 3: // indent or dedent the line holding the byte
                        var lineStart = bytes.LastIndexOf((byte)'\n', Math.Max(at - 1, 0)) + 1;
                        if ((r[3] & 1) == 0)
                        {
                            bytes.InsertRange(lineStart, Enumerable.Repeat((byte)' ', 1 + (int)((uint)r[3] % 4)));
                        }
                        else if (lineStart < bytes.Count && bytes[lineStart] == (byte)' ')
                        {
                            bytes.RemoveAt(lineStart);
                        }

                        break;
                    case 4: // delete a range
                        bytes.RemoveRange(at, length);
                        break;
                    default: // an invalid UTF-8 byte or a structural character
                        var c = "\u00ff{}[]:-&*!|>'\"#\t"[(int)((uint)r[3] % 16)];
                        bytes.Insert(at, c == '\u00ff' ? (byte)0xFF : (byte)c);
                        break;
                }
            }

            return bytes.ToArray();
        });

    private Task AssertLoadsOrFailsCleanlyAsync(string extension, string text) =>
        AssertLoadsOrFailsCleanlyAsync(extension, System.Text.Encoding.UTF8.GetBytes(text), ManifestLimits.Default);

    private async Task<ManifestLoadResult> LoadBytesAsync(string extension, byte[] content, ManifestLimits limits)
    {
        var file = Path.Combine(_dir.Path, Guid.NewGuid().ToString("n") + extension).Replace('\\', '/');
        await File.WriteAllBytesAsync(file, content, TestContext.Current.CancellationToken);
        try
        {
            return await ManifestLoader.LoadAsync([file], new ClusterIdentity { Name = "fuzz" }, limits, TestContext.Current.CancellationToken);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private async Task AssertLoadsOrFailsCleanlyAsync(string extension, byte[] content, ManifestLimits limits)
    {
        var file = Path.Combine(_dir.Path, Guid.NewGuid().ToString("n") + extension).Replace('\\', '/');
        await File.WriteAllBytesAsync(file, content, TestContext.Current.CancellationToken);
        try
        {
            // Bounded per case: a hang or a runaway expansion fails the property with a TimeoutException.
            var result = await Task.Run(() => ManifestLoader.LoadAsync([file], new ClusterIdentity { Name = "fuzz" }, limits, TestContext.Current.CancellationToken))
                .WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
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
