using System.Diagnostics;
using System.Text;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Connectors.Kubernetes.Kubeconfig;
using NetPolGovernance.Connectors.Manifests;
using NetPolGovernance.Testing.Manifests;

namespace NetPolGovernance.Integration.Tests.Manifests;

/// <summary>
/// Hostile files fail fast with an <see cref="InputFileException"/> naming the file (and the line where it is known);
/// large valid files parse (docs/security.md, "Input files").
/// </summary>
public sealed class BoundedParsingTests : IDisposable
{
    private static readonly ClusterIdentity s_cluster = new() { Name = "bounded" };
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static Task<ManifestLoadResult> LoadAsync(params string[] paths) =>
        ManifestLoader.LoadAsync(paths, s_cluster, TestContext.Current.CancellationToken);

    private static async Task<InputFileException> RefusedAsync(string path, ManifestLimits? limits = null)
    {
        var watch = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<InputFileException>(() =>
            Task.Run(() => ManifestLoader.LoadAsync([path], s_cluster, limits ?? ManifestLimits.Default, TestContext.Current.CancellationToken))
                .WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
        Assert.StartsWith(path.Replace('\\', '/'), ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", ex.Message, StringComparison.Ordinal);
        return ex;
    }

    [Fact]
    public async Task AliasBomb_InAnIgnoredKind_FailsFastAtTheAliasOverTheLimit()
    {
        var yaml = ManifestFiles.AliasBomb();
        Assert.InRange(Encoding.UTF8.GetByteCount(yaml), 400, 520);
        var file = _dir.Write("bomb.yaml", yaml);
        var before = GC.GetTotalAllocatedBytes(precise: true);

        var ex = await RefusedAsync(file);

        Assert.Contains("alias", ex.Problem, StringComparison.Ordinal);
        Assert.InRange(ex.Line!.Value, 5, 13); // the line of the alias that went over, not the end of the file
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 64L * 1024 * 1024, "the bomb was expanded");
    }

    [Fact]
    public async Task Aliases_WithinTheLimit_AreExpandedAndMergeKeysStillMerge()
    {
        var file = _dir.Write("anchors.yaml", """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: networking.k8s.io/v1
              kind: NetworkPolicy
              metadata: &meta
                name: deny
                namespace: shop
                labels: &labels {team: a}
              spec:
                podSelector: {matchLabels: *labels}
                policyTypes: [Ingress]
            - apiVersion: networking.k8s.io/v1
              kind: NetworkPolicy
              metadata:
                <<: *meta
                name: other
              spec:
                podSelector: {}
            """);

        var result = await LoadAsync(file);

        Assert.Equal(["deny", "other"], result.Snapshot.NetworkPolicies.Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.All(result.Snapshot.NetworkPolicies, p => Assert.Equal("shop", p.Namespace));
    }

    [Fact]
    public async Task Alias_ToAnAnchorOfAnotherDocument_IsRefusedWithItsLine()
    {
        var file = _dir.Write("cross.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: &m {name: a}\n---\napiVersion: v1\nkind: Namespace\nmetadata: *m\n");

        var ex = await RefusedAsync(file);

        Assert.Equal(7, ex.Line);
        Assert.Contains("*m names no anchor", ex.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(129)]
    [InlineData(100_000)]
    public async Task DeepYaml_IsRefusedWithTheDepthLimit(int levels)
    {
        var file = _dir.Write("deep.yaml", ManifestFiles.DeepYaml(levels));

        var ex = await RefusedAsync(file);

        Assert.Contains("nests deeper than 128 levels", ex.Problem, StringComparison.Ordinal);
        Assert.Equal(5, ex.Line);
    }

    [Fact]
    public async Task DeepYaml_ThroughAliases_CountsTheExpandedDepth()
    {
        var yaml = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n  a0: &a0 [1]\n");
        for (var i = 1; i < 200; i++)
        {
            yaml.Append(System.Globalization.CultureInfo.InvariantCulture, $"  a{i}: &a{i} [*a{i - 1}]\n");
        }

        var ex = await RefusedAsync(_dir.Write("deep-alias.yaml", yaml.ToString()));

        Assert.Contains("nests deeper", ex.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(129)]
    [InlineData(100_000)]
    public async Task DeepJson_IsRefusedWithTheDepthLimit(int levels)
    {
        var ex = await RefusedAsync(_dir.Write("deep.json", ManifestFiles.DeepJson(levels)));

        Assert.Contains("nests deeper than 128 levels", ex.Problem, StringComparison.Ordinal);
        Assert.Equal(1, ex.Line);
    }

    [Fact]
    public async Task Nesting_AtTheLimit_IsRead()
    {
        // The ConfigMap's data mapping is level 1 under the root mapping (level 1): 126 more levels make 128.
        var result = await LoadAsync(_dir.Write("at-limit.yaml", ManifestFiles.DeepYaml(126)), _dir.Write("at-limit.json", ManifestFiles.DeepJson(126)));

        Assert.Equal(2, result.FileCount);
    }

    [Fact]
    public async Task BigScalar_IsRefusedWithItsLine()
    {
        var yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  blob: \"" + new string('x', 17 * 1024 * 1024) + "\"\n";

        var ex = await RefusedAsync(_dir.Write("big.yaml", yaml));

        Assert.Contains("scalar of 17,825,792 characters is longer than the limit of 16,777,216", ex.Problem, StringComparison.Ordinal);
        Assert.Equal(5, ex.Line);
    }

    [Fact]
    public async Task BigJsonString_IsRefusedWithItsLine()
    {
        var json = "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\",\n\"data\": {\"blob\": \"" + new string('x', 2 * 1024 * 1024) + "\"}}";

        var ex = await RefusedAsync(_dir.Write("big.json", json), ManifestLimits.Default with { MaxScalarLength = 1024 * 1024 });

        Assert.Contains("JSON string of 2,097,152 bytes", ex.Problem, StringComparison.Ordinal);
        Assert.Equal(2, ex.Line);
    }

    [Fact]
    public async Task FileOverTheCap_IsRefusedBeforeItIsRead()
    {
        var file = _dir.Write("huge.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n# " + new string('x', 3 * 1024 * 1024) + "\n");

        var ex = await RefusedAsync(file, ManifestLimits.Default with { MaxFileBytes = 1024 * 1024 });

        Assert.Contains("larger than the limit of 1,048,576 bytes", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoHundredMegabyteScalar_IsRefusedByTheDefaultFileCap()
    {
        var file = Path.Combine(_dir.Path, "200mb.yaml");
        await using (var stream = File.Create(file))
        {
            await stream.WriteAsync("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  blob: "u8.ToArray(), TestContext.Current.CancellationToken);
            var chunk = Encoding.ASCII.GetBytes(new string('x', 1024 * 1024));
            for (var i = 0; i < 270; i++)
            {
                await stream.WriteAsync(chunk, TestContext.Current.CancellationToken);
            }
        }

        var ex = await RefusedAsync(file);

        Assert.Contains("larger than the limit of 268,435,456 bytes", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SymlinkToDevZero_NamedOnTheCommandLine_IsRefused()
    {
        var link = Path.Combine(_dir.Path, "zero.yaml");
        File.CreateSymbolicLink(link, "/dev/zero");

        var ex = await RefusedAsync(link);

        Assert.Contains("is a character device, not a regular file", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SymlinkToDevZero_AndAFifo_InAFolder_AreSkippedWithANoteWithoutOpeningThem()
    {
        _dir.Write("m/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n");
        File.CreateSymbolicLink(Path.Combine(_dir.Path, "m", "zero.yaml"), "/dev/zero");
        HostileInput.MakeFifo(Path.Combine(_dir.Path, "m", "pipe.yaml"));

        var result = await LoadAsync(Path.Combine(_dir.Path, "m")).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal("a", Assert.Single(result.Snapshot.Namespaces).Name);
        Assert.Equal(1, result.FileCount);
        Assert.Contains(result.Snapshot.Notes, n => n.EndsWith("m/zero.yaml: a character device, not a regular file; skipped without opening it", StringComparison.Ordinal));
        Assert.Contains(result.Snapshot.Notes, n => n.EndsWith("m/pipe.yaml: a FIFO (named pipe), not a regular file; skipped without opening it", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FolderWithSymlinkLoops_Finishes_ReadsEachFileOnce_AndSaysWhatItSkipped()
    {
        var root = Path.Combine(_dir.Path, "loop");
        _dir.Write("loop/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n");
        _dir.Write("loop/sub/np.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n");
        Directory.CreateSymbolicLink(Path.Combine(root, "self"), ".");
        Directory.CreateSymbolicLink(Path.Combine(root, "again"), root);
        Directory.CreateSymbolicLink(Path.Combine(root, "sub", "up"), "..");
        Directory.CreateSymbolicLink(Path.Combine(root, "sub", "upup"), "../..");

        var result = await LoadAsync(root).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(["a", "b"], result.Snapshot.Namespaces.Select(n => n.Name).Order(StringComparer.Ordinal));
        Assert.Equal(2, result.FileCount);
        Assert.Contains(result.Snapshot.Notes, n => n.EndsWith("loop/self: a link to a folder that is already being read; skipped (no link loop is followed)", StringComparison.Ordinal));
        Assert.Contains(result.Snapshot.Notes, n => n.Contains("loop/sub/up:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Fifo_NamedOnTheCommandLine_IsReadLikeAPipe()
    {
        var fifo = Path.Combine(_dir.Path, "in.yaml");
        HostileInput.MakeFifo(fifo);
        var writer = Task.Run(() => File.WriteAllText(fifo, "apiVersion: v1\nkind: Namespace\nmetadata: {name: piped}\n"), TestContext.Current.CancellationToken);

        var result = await LoadAsync(fifo).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await writer;

        Assert.Equal("piped", Assert.Single(result.Snapshot.Namespaces).Name);
    }

    [Fact]
    public async Task InvalidUtf8_InsideAJsonString_IsRefusedWithItsLine()
    {
        var file = Path.Combine(_dir.Path, "bad.json");
        byte[] json = [.. "{\"apiVersion\": \"v1\", \"kind\": \"Namespace\",\n\"metadata\": {\"name\": \"a"u8, 0xFF, .. "b\"}}"u8];
        await File.WriteAllBytesAsync(file, json, TestContext.Current.CancellationToken);

        var ex = await RefusedAsync(file);

        Assert.Contains("not valid UTF-8", ex.Problem, StringComparison.Ordinal);
        Assert.Equal(2, ex.Line);
    }

    [Fact]
    public async Task InvalidUtf8_InYaml_IsRefusedWithItsLine()
    {
        var file = Path.Combine(_dir.Path, "bad.yaml");
        await File.WriteAllBytesAsync(file, [.. "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a"u8, 0xC3, 0x28, (byte)'\n'], TestContext.Current.CancellationToken);

        var ex = await RefusedAsync(file);

        Assert.Contains("not valid UTF-8", ex.Problem, StringComparison.Ordinal);
        Assert.Equal(4, ex.Line);
    }

    [Fact]
    public async Task DuplicateKey_IsRefusedWithItsLine()
    {
        var ex = await RefusedAsync(_dir.Write("dup.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  name: b\n"));

        Assert.Contains("duplicate key 'name'", ex.Problem, StringComparison.Ordinal);
        Assert.Equal(5, ex.Line);
    }

    [Fact]
    public async Task TenThousandPodList_AsKubectlPrintsIt_Parses()
    {
        // One List document of 10,000 pods (about 25 MB, some 1.5 million parse events); YamlDotNet's merging parser
        // stopped at 100,000 events, about 800 of these pods.
        var file = Path.Combine(_dir.Path, "pods.yaml");
        ManifestFiles.WritePodList(file, 10_000);

        var result = await LoadAsync(file);

        Assert.Equal(10_000, result.Snapshot.Pods.Count);
        var last = result.Snapshot.Pods.Single(p => p.Name == "web-9999");
        Assert.Equal("ns-49", last.Namespace);
        var pod = new StringBuilder();
        ManifestFiles.AppendPod(pod, 0);
        Assert.Equal(3 + (9999 * pod.ToString().Count(c => c == '\n')), last.Source!.Line);
        Assert.Equal(50, result.Snapshot.Pods.Select(p => p.Namespace).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task KubeconfigOfTenThousandContexts_Loads()
    {
        var file = Path.Combine(_dir.Path, "kubeconfig");
        ManifestFiles.WriteKubeconfig(file, 10_000);

        var kubeconfig = await KubeconfigFile.LoadAsync([file], TestContext.Current.CancellationToken);

        Assert.Equal(10_000, kubeconfig.ContextNames.Count);
        Assert.Equal("c0", kubeconfig.CurrentContext);
        Assert.Equal("c9999", kubeconfig.ContextNames[^1]);
    }

    [Fact]
    public async Task KubeconfigAliasBomb_IsRefusedNamingTheFile()
    {
        var file = _dir.Write("kubeconfig", ManifestFiles.AliasBomb().Replace("kind: ConfigMap", "kind: Config", StringComparison.Ordinal));

        var ex = await Assert.ThrowsAsync<KubeconfigException>(() =>
            KubeconfigFile.LoadAsync([file], TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));

        Assert.StartsWith($"kubeconfig {file}:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("alias", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KubeconfigSymlinkToDevZero_IsRefused()
    {
        var link = Path.Combine(_dir.Path, "kubeconfig");
        File.CreateSymbolicLink(link, "/dev/zero");

        var ex = await Assert.ThrowsAsync<KubeconfigException>(() => KubeconfigFile.LoadAsync([link], TestContext.Current.CancellationToken));

        Assert.Equal($"kubeconfig {link}: is a character device, not a regular file", ex.Message);
    }
}
