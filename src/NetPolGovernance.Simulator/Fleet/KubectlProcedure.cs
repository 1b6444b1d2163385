using System.Diagnostics;

namespace NetPolGovernance.Simulator.Fleet;

/// <summary>
/// The manual CIS procedure, run with the real <c>kubectl</c> as a person would: per cluster,
/// <c>kubectl get namespaces</c>, then <c>kubectl get networkpolicies --namespace=NS</c> for each namespace, one
/// after the other. A namespace whose policy list is empty is a namespace without NetworkPolicies.
/// Discovery is cached in a private <c>--cache-dir</c> (as a person's <c>~/.kube/cache</c> would be after the first command).
/// </summary>
public sealed class KubectlProcedure
{
    private readonly string _kubectl;
    private readonly string _kubeconfigPath;
    private readonly string _cacheDirectory;

    public KubectlProcedure(string kubectl, string kubeconfigPath, string cacheDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(kubectl);
        ArgumentException.ThrowIfNullOrEmpty(kubeconfigPath);
        ArgumentException.ThrowIfNullOrEmpty(cacheDirectory);
        _kubectl = kubectl;
        _kubeconfigPath = kubeconfigPath;
        _cacheDirectory = cacheDirectory;
    }

    /// <summary><c>/usr/bin/kubectl</c> or the first <c>kubectl</c> on PATH; null when there is none.</summary>
    public static string? FindKubectl()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Prepend("/usr/bin")
            .Select(dir => Path.Combine(dir, "kubectl"))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>Runs the procedure against one kubeconfig context.</summary>
    public async Task<KubectlClusterResult> RunAsync(string context, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(context);
        var stopwatch = Stopwatch.StartNew();
        var namespaces = FirstColumn(await KubectlAsync(context, ["get", "namespaces"], cancellationToken).ConfigureAwait(false));
        var without = new List<string>();
        foreach (var ns in namespaces)
        {
            var policies = FirstColumn(await KubectlAsync(context, ["get", "networkpolicies", "--namespace=" + ns], cancellationToken).ConfigureAwait(false));
            if (policies.Count == 0)
            {
                without.Add(ns);
            }
        }

        without.Sort(StringComparer.Ordinal);
        return new KubectlClusterResult(context, namespaces.Count, without, 1 + namespaces.Count, stopwatch.Elapsed);
    }

    private async Task<string> KubectlAsync(string context, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(_kubectl)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--kubeconfig=" + _kubeconfigPath);
        start.ArgumentList.Add("--context=" + context);
        start.ArgumentList.Add("--cache-dir=" + _cacheDirectory);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {_kubectl}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var output = await stdout.ConfigureAwait(false);
        var errors = await stderr.ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"kubectl {string.Join(' ', arguments)} (context {context}) exited {process.ExitCode}: {errors.Trim()}");
        }

        return output;
    }

    /// <summary>The NAME column of kubectl's table output (header skipped); "No resources found" goes to stderr, so empty output means none.</summary>
    private static List<string> FirstColumn(string table) =>
        [.. table.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Skip(1)
            .Select(line => line.Split(' ', 2)[0])];
}

/// <summary>What the manual procedure found on one cluster, and what it cost.</summary>
public sealed record KubectlClusterResult(
    string Context,
    int NamespaceCount,
    IReadOnlyList<string> NamespacesWithoutPolicies,
    int KubectlInvocations,
    TimeSpan Elapsed);
