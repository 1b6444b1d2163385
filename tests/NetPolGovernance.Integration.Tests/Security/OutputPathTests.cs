using System.Diagnostics;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Remediation;
using NetPolGovernance.Connectors.LogAnalytics;
using NetPolGovernance.Connectors.Output;
using NetPolGovernance.Integration.Tests.Cli;

namespace NetPolGovernance.Integration.Tests.Security;

/// <summary>Files named after data stay inside their folder; names are checked first; the backout command is quoted.</summary>
public sealed class OutputPathTests
{
    private static string HostileNamespace(string name) => $$"""
        apiVersion: v1
        kind: Namespace
        metadata:
          name: {{System.Text.Json.JsonSerializer.Serialize(name)}}
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
          namespace: {{System.Text.Json.JsonSerializer.Serialize(name)}}
          labels:
            app: web
        spec:
          containers:
          - name: web
            image: nginx
        """;

    [Theory]
    [InlineData("../../x")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("UPPER")]
    public async Task Remediate_NamespaceThatIsNotADnsLabel_IsRefusedAndNothingIsWritten(string ns)
    {
        using var temp = new TempDirectory();
        var manifests = temp.Write("in/cluster.yaml", HostileNamespace(ns));
        var output = Path.Combine(temp.Path, "out", "deep");
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("remediate", "--manifests", manifests, "--namespace", ns, "-o", output);

        // Refused twice over: the manifest loader refuses the object as the API server would (file:line and the
        // DNS-1123 rule), and remediate checks every name again before it names a file after it.
        Assert.Equal(1, exit);
        Assert.Matches("dns1123-label|is not a valid Kubernetes namespace name", cli.StandardError);
        Assert.Equal([manifests], Directory.GetFiles(temp.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Remediate_AbsoluteNamespace_IsRefusedAndNothingIsWrittenAnywhere()
    {
        using var temp = new TempDirectory();
        using var elsewhere = new TempDirectory();
        var ns = Path.Combine(elsewhere.Path, "pwned");
        var manifests = temp.Write("cluster.yaml", HostileNamespace(ns));
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("remediate", "--manifests", manifests, "--namespace", ns, "-o", Path.Combine(temp.Path, "out"));

        Assert.Equal(1, exit);
        Assert.Empty(Directory.GetFileSystemEntries(elsewhere.Path));
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "out")));
    }

    [Theory]
    [InlineData("../x.yaml")]
    [InlineData("/etc/x.yaml")]
    [InlineData("a\\b.yaml")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("")]
    [InlineData("a//b")]
    [InlineData("x\u001b[2J.yaml")]
    [InlineData("x\0.yaml")]
    public void Combine_UnsafeName_IsRefused(string name)
    {
        using var root = new TempDirectory();

        Assert.Throws<UnsafeOutputPathException>(() => SafeOutputPath.Combine(root.Path, name));
    }

    [Theory]
    [InlineData("shop.yaml")]
    [InlineData("Custom-NetPolGov_CL/20260601T120000000Z-abc.ndjson")]
    public void Combine_PlainName_StaysUnderTheRoot(string name)
    {
        using var root = new TempDirectory();

        var path = SafeOutputPath.Combine(root.Path, name);

        Assert.StartsWith(Path.GetFullPath(root.Path) + Path.DirectorySeparatorChar, path, StringComparison.Ordinal);
        Assert.EndsWith(name.Replace('/', Path.DirectorySeparatorChar), path, StringComparison.Ordinal);
    }

    [Fact]
    public void ForFile_ExistingDirectory_IsRefused()
    {
        using var root = new TempDirectory();

        Assert.Throws<UnsafeOutputPathException>(() => SafeOutputPath.ForFile(root.Path));
    }

    [Fact]
    public async Task DeadLetterStore_WritesInsideItsFolder()
    {
        using var root = new TempDirectory();
        var store = new LocalFolderDeadLetterStore(root.Path);

        var path = await store.WriteAsync("Custom-NetPolGov_CL", [[(byte)'{', (byte)'}']], TestContext.Current.CancellationToken);

        Assert.StartsWith(Path.GetFullPath(root.Path) + Path.DirectorySeparatorChar, path, StringComparison.Ordinal);
        Assert.True(File.Exists(path));
    }

    [Theory]
    [InlineData("shop", "shop")]
    [InlineData("a b", "'a b'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("$(touch /tmp/pwned)", "'$(touch /tmp/pwned)'")]
    [InlineData("", "''")]
    public void ShellQuote_QuotesOnlyWhatNeedsIt(string word, string expected) =>
        Assert.Equal(expected, PolicyTemplates.ShellQuote(word));

    [Theory]
    [InlineData("it's; rm -rf ~")]
    [InlineData("$(id) `id` \"q\" \\ *")]
    [InlineData("new\nline")]
    public async Task ShellQuote_ThroughARealShell_IsOneWordEqualToTheInput(string word)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("printf '%s|' " + PolicyTemplates.ShellQuote(word));
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(word + "|", output);
    }

    [Fact]
    public void BackoutCommand_QuotesTheNamespace() =>
        Assert.Equal("kubectl delete networkpolicy -n 'a b' -l app.kubernetes.io/managed-by=netpolgov", PolicyTemplates.BackoutCommand("a b"));

    [Theory]
    [InlineData("shop", true, true)]
    [InlineData("a-1", true, true)]
    [InlineData("a.b", false, true)]
    [InlineData("-a", false, false)]
    [InlineData("A", false, false)]
    [InlineData("..", false, false)]
    [InlineData("a/b", false, false)]
    [InlineData("", false, false)]
    public void KubernetesNames_Dns1123(string name, bool label, bool subdomain)
    {
        Assert.Equal(label, KubernetesNames.IsDns1123Label(name));
        Assert.Equal(subdomain, KubernetesNames.IsDns1123Subdomain(name));
    }
}
