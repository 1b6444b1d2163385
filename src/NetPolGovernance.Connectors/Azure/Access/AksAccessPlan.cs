using NetPolGovernance.Connectors.Scanning;

namespace NetPolGovernance.Connectors.Azure.Access;

/// <summary>The first way the AKS collector tries to read a cluster, decided from ARM facts alone.</summary>
public enum AksRoute
{
    /// <summary>Through the API server with an Entra token for the AKS server app (runCommand if it is unreachable).</summary>
    EntraToken = 0,

    /// <summary>Through the API server with the cluster's local account from <c>listClusterUserCredential</c> (runCommand if it is unreachable).</summary>
    LocalAccount = 1,

    /// <summary>Straight to runCommand: a private cluster, whose API server is reachable only from linked networks.</summary>
    RunCommand = 2,

    /// <summary>A private cluster with runCommand disabled: nothing from here can read it.</summary>
    Unreachable = 3,
}

/// <summary>
/// The access-path decision, in one place: <see cref="AksSnapshotCollector"/> follows it and <c>netpolgov clusters
/// list</c> shows it, so a listing says exactly how the scan will read each cluster.
/// </summary>
public static class AksAccessPlan
{
    public static AksRoute Decide(AksAccess access, AksCollectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(options);
        if (access.PrivateCluster && options.PreferRunCommandForPrivateClusters)
        {
            return access.RunCommandDisabled ? AksRoute.Unreachable : AksRoute.RunCommand;
        }

        return access.EntraEnabled ? AksRoute.EntraToken : AksRoute.LocalAccount;
    }

    /// <summary>The decision in a few words, as <c>clusters list</c> prints it.</summary>
    public static string Describe(AksRoute route) => route switch
    {
        AksRoute.EntraToken => "Entra token",
        AksRoute.LocalAccount => "local account",
        AksRoute.RunCommand => "private (runCommand)",
        AksRoute.Unreachable => "private, runCommand disabled",
        _ => route.ToString(),
    };
}
