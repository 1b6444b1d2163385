using System.Text;
using System.Text.Json;

namespace NetPolGovernance.Simulator.Kubernetes;

/// <summary>How a kubeconfig user authenticates.</summary>
internal enum KubeconfigUserKind
{
    /// <summary><c>user.token</c>: a static bearer token.</summary>
    Token,

    /// <summary><c>user.exec</c>: a command (here <c>/bin/sh</c>) that prints an ExecCredential with the token.</summary>
    Exec,
}

/// <summary>One context of a generated kubeconfig.</summary>
internal sealed record KubeconfigContext(string Name, Uri Server, string CaPem, string Token)
{
    public KubeconfigUserKind UserKind { get; init; } = KubeconfigUserKind.Token;

    public string? Namespace { get; init; }
}

/// <summary>
/// Writes kubeconfig YAML (clusters, users, contexts, current-context) for loopback clusters. Every scalar is
/// double-quoted so names and URLs survive YAML parsing unchanged.
/// </summary>
internal static class KubeconfigBuilder
{
    public static string Build(IEnumerable<KubeconfigContext> contexts, string? currentContext = null)
    {
        ArgumentNullException.ThrowIfNull(contexts);
        var list = contexts.ToList();
        var yaml = new StringBuilder();
        yaml.Append("apiVersion: v1\nkind: Config\npreferences: {}\nclusters:\n");
        foreach (var context in list)
        {
            var caData = Convert.ToBase64String(Encoding.ASCII.GetBytes(context.CaPem));
            yaml.Append("- name: ").Append(Quote(context.Name)).Append('\n')
                .Append("  cluster:\n")
                .Append("    server: ").Append(Quote(context.Server.AbsoluteUri.TrimEnd('/'))).Append('\n')
                .Append("    certificate-authority-data: ").Append(Quote(caData)).Append('\n');
        }

        yaml.Append("users:\n");
        foreach (var context in list)
        {
            yaml.Append("- name: ").Append(Quote(context.Name + "-user")).Append('\n').Append("  user:\n");
            if (context.UserKind == KubeconfigUserKind.Exec)
            {
                var credential = JsonSerializer.SerializeToUtf8Bytes(new
                {
                    apiVersion = "client.authentication.k8s.io/v1",
                    kind = "ExecCredential",
                    status = new { token = context.Token },
                });

                // KubernetesClient joins exec args with spaces, so the script has none: ${IFS} stands in for them.
                var script = $"echo${{IFS}}{Convert.ToBase64String(credential)}|base64${{IFS}}-d";
                yaml.Append("    exec:\n")
                    .Append("      apiVersion: \"client.authentication.k8s.io/v1\"\n")
                    .Append("      command: \"/bin/sh\"\n")
                    .Append("      args:\n")
                    .Append("      - \"-c\"\n")
                    .Append("      - ").Append(Quote(script)).Append('\n')
                    .Append("      interactiveMode: \"Never\"\n");
            }
            else
            {
                yaml.Append("    token: ").Append(Quote(context.Token)).Append('\n');
            }
        }

        yaml.Append("contexts:\n");
        foreach (var context in list)
        {
            yaml.Append("- name: ").Append(Quote(context.Name)).Append('\n')
                .Append("  context:\n")
                .Append("    cluster: ").Append(Quote(context.Name)).Append('\n')
                .Append("    user: ").Append(Quote(context.Name + "-user")).Append('\n');
            if (context.Namespace is not null)
            {
                yaml.Append("    namespace: ").Append(Quote(context.Namespace)).Append('\n');
            }
        }

        var current = currentContext ?? list.FirstOrDefault()?.Name;
        if (current is not null)
        {
            yaml.Append("current-context: ").Append(Quote(current)).Append('\n');
        }

        return yaml.ToString();
    }

    private static string Quote(string value) => JsonSerializer.Serialize(value);
}
