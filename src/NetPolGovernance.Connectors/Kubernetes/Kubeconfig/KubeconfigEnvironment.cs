namespace NetPolGovernance.Connectors.Kubernetes.Kubeconfig;

/// <summary>
/// Where kubeconfig files are found when no file is named: the <c>KUBECONFIG</c> variable (a path-separator list),
/// else <c>.kube/config</c> under the home directory. Hosts pass the process's; tests pass their own.
/// </summary>
public sealed record KubeconfigEnvironment(string? KubeconfigVariable, string? HomeDirectory)
{
    /// <summary>This process's <c>KUBECONFIG</c> and home directory.</summary>
    public static KubeconfigEnvironment FromProcess() =>
        new(Environment.GetEnvironmentVariable("KUBECONFIG"), Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));
}
