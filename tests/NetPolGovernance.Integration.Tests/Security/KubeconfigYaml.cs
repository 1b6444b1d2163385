using System.Text;
using System.Text.Json;

namespace NetPolGovernance.Integration.Tests.Security;

/// <summary>Hand-written one-context kubeconfigs for the hostile cases the simulator's builder does not produce.</summary>
internal static class KubeconfigYaml
{
    /// <summary>A token user; <paramref name="caPem"/> null leaves the CA out, <paramref name="skipTlsVerify"/> sets insecure-skip-tls-verify.</summary>
    public static string Token(string context, string server, string token, string? caPem = null, bool skipTlsVerify = false) =>
        Build(context, server, caPem, skipTlsVerify, $"    token: {Q(token)}\n");

    /// <summary>An exec user running <c>/bin/sh SCRIPT</c> with the given environment entries.</summary>
    public static string Exec(string context, string server, string caPem, string script, IReadOnlyDictionary<string, string> environment)
    {
        var user = new StringBuilder()
            .Append("    exec:\n")
            .Append("      apiVersion: \"client.authentication.k8s.io/v1\"\n")
            .Append("      command: \"/bin/sh\"\n")
            .Append("      args:\n")
            .Append("      - ").Append(Q(script)).Append('\n')
            .Append("      interactiveMode: \"Never\"\n")
            .Append("      env:\n");
        foreach (var (name, value) in environment)
        {
            user.Append("      - name: ").Append(Q(name)).Append('\n').Append("        value: ").Append(Q(value)).Append('\n');
        }

        return Build(context, server, caPem, skipTlsVerify: false, user.ToString());
    }

    private static string Build(string context, string server, string? caPem, bool skipTlsVerify, string user)
    {
        var yaml = new StringBuilder("apiVersion: v1\nkind: Config\nclusters:\n")
            .Append("- name: ").Append(Q(context)).Append("\n  cluster:\n")
            .Append("    server: ").Append(Q(server)).Append('\n');
        if (caPem is not null)
        {
            yaml.Append("    certificate-authority-data: ").Append(Q(Convert.ToBase64String(Encoding.ASCII.GetBytes(caPem)))).Append('\n');
        }

        if (skipTlsVerify)
        {
            yaml.Append("    insecure-skip-tls-verify: true\n");
        }

        yaml.Append("users:\n- name: ").Append(Q(context + "-user")).Append("\n  user:\n").Append(user)
            .Append("contexts:\n- name: ").Append(Q(context)).Append("\n  context:\n")
            .Append("    cluster: ").Append(Q(context)).Append('\n')
            .Append("    user: ").Append(Q(context + "-user")).Append('\n')
            .Append("current-context: ").Append(Q(context)).Append('\n');
        return yaml.ToString();
    }

    private static string Q(string value) => JsonSerializer.Serialize(value);
}
