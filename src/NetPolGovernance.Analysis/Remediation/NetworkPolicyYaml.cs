using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Analysis.Remediation;

/// <summary>
/// Writes NetworkPolicy objects as Kubernetes YAML (multi-document), ready for GitOps. Text only, no I/O:
/// callers decide where it goes. Scalars are quoted whenever plain YAML could read them as something else.
/// </summary>
public static partial class NetworkPolicyYaml
{
    /// <summary>Writes the policies as one YAML stream, each object a document, after optional comment lines.</summary>
    public static string Write(IEnumerable<NetworkPolicy> policies, IEnumerable<string>? headerComments = null)
    {
        ArgumentNullException.ThrowIfNull(policies);
        var yaml = new StringBuilder();
        foreach (var comment in headerComments ?? [])
        {
            yaml.Append("# ").Append(comment.ReplaceLineEndings(" ")).Append('\n');
        }

        foreach (var policy in policies)
        {
            yaml.Append("---\n");
            WritePolicy(yaml, policy);
        }

        return yaml.ToString();
    }

    /// <summary>A scalar as plain YAML when that is unambiguous, otherwise double-quoted with escapes.</summary>
    public static string Scalar(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (PlainScalar().IsMatch(value) && !AmbiguousPlain().IsMatch(value))
        {
            return value;
        }

        var quoted = new StringBuilder("\"");
        foreach (var c in value)
        {
            quoted.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}"),
                _ => c.ToString(),
            });
        }

        return quoted.Append('"').ToString();
    }

    private static void WritePolicy(StringBuilder yaml, NetworkPolicy policy)
    {
        yaml.Append("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n");
        yaml.Append("  name: ").Append(Scalar(policy.Name)).Append('\n');
        yaml.Append("  namespace: ").Append(Scalar(policy.Namespace)).Append('\n');
        if (policy.Labels.Count > 0)
        {
            yaml.Append("  labels:\n");
            WriteMap(yaml, policy.Labels, 4);
        }

        if (policy.Annotations.Count > 0)
        {
            yaml.Append("  annotations:\n");
            WriteMap(yaml, policy.Annotations, 4);
        }

        yaml.Append("spec:\n");
        WriteSelector(yaml, "podSelector", policy.PodSelector, 2, string.Empty);
        if (policy.PolicyTypes is { Count: > 0 } types)
        {
            yaml.Append("  policyTypes:\n");
            foreach (var type in types)
            {
                yaml.Append("    - ").Append(Scalar(type)).Append('\n');
            }
        }

        WriteRules(yaml, "ingress", "from", policy.Ingress);
        WriteRules(yaml, "egress", "to", policy.Egress);
    }

    private static void WriteRules(StringBuilder yaml, string section, string peersField, IReadOnlyList<NetworkPolicyRule>? rules)
    {
        if (rules is null)
        {
            return;
        }

        if (rules.Count == 0)
        {
            yaml.Append("  ").Append(section).Append(": []\n");
            return;
        }

        yaml.Append("  ").Append(section).Append(":\n");
        foreach (var rule in rules)
        {
            var first = true;
            string Lead()
            {
                var lead = first ? "    - " : "      ";
                first = false;
                return lead;
            }

            if (rule.Comment is { Length: > 0 } comment)
            {
                yaml.Append("    # ").Append(comment.ReplaceLineEndings(" ")).Append('\n');
            }

            if (rule.Peers is not null)
            {
                yaml.Append(Lead()).Append(peersField).Append(rule.Peers.Count == 0 ? ": []\n" : ":\n");
                foreach (var peer in rule.Peers)
                {
                    WritePeer(yaml, peer);
                }
            }

            if (rule.Ports is not null)
            {
                yaml.Append(Lead()).Append("ports").Append(rule.Ports.Count == 0 ? ": []\n" : ":\n");
                foreach (var port in rule.Ports)
                {
                    WritePort(yaml, port);
                }
            }

            if (first)
            {
                yaml.Append("    - {}\n");
            }
        }
    }

    private static void WritePeer(StringBuilder yaml, NetworkPolicyPeer peer)
    {
        const int Indent = 10;
        var lead = "        - ";
        if (peer.IpBlock is { } block)
        {
            yaml.Append(lead).Append("ipBlock:\n");
            yaml.Append(' ', Indent + 2).Append("cidr: ").Append(Scalar(block.Cidr)).Append('\n');
            if (block.Except is { Count: > 0 } except)
            {
                yaml.Append(' ', Indent + 2).Append("except:\n");
                foreach (var hole in except)
                {
                    yaml.Append(' ', Indent + 4).Append("- ").Append(Scalar(hole)).Append('\n');
                }
            }

            return;
        }

        if (peer.NamespaceSelector is not null)
        {
            WriteSelector(yaml, "namespaceSelector", peer.NamespaceSelector, Indent, lead);
            lead = string.Empty;
        }

        if (peer.PodSelector is not null)
        {
            WriteSelector(yaml, "podSelector", peer.PodSelector, Indent, lead);
        }
    }

    private static void WritePort(StringBuilder yaml, NetworkPolicyPort port)
    {
        const int Indent = 10;
        var lead = "        - ";
        var wrote = false;
        void Field(string name, string value)
        {
            yaml.Append(wrote ? new string(' ', Indent) : lead).Append(name).Append(": ").Append(value).Append('\n');
            wrote = true;
        }

        if (port.Protocol is not null)
        {
            Field("protocol", Scalar(port.Protocol));
        }

        if (port.Port is { } value)
        {
            Field("port", value.Number is int number ? number.ToString(CultureInfo.InvariantCulture) : Scalar(value.Name!));
        }

        if (port.EndPort is int end)
        {
            Field("endPort", end.ToString(CultureInfo.InvariantCulture));
        }

        if (!wrote)
        {
            yaml.Append(lead).Append("{}\n");
        }
    }

    // `lead` replaces the indentation of the first line (a list item's "- "), when given.
    private static void WriteSelector(StringBuilder yaml, string field, LabelSelector? selector, int indent, string lead)
    {
        var prefix = lead.Length > 0 ? lead : new string(' ', indent);
        var labels = selector?.MatchLabels;
        var expressions = selector?.MatchExpressions;
        if ((labels is null || labels.Count == 0) && (expressions is null || expressions.Count == 0))
        {
            yaml.Append(prefix).Append(field).Append(": {}\n");
            return;
        }

        yaml.Append(prefix).Append(field).Append(":\n");
        if (labels is { Count: > 0 })
        {
            yaml.Append(' ', indent + 2).Append("matchLabels:\n");
            WriteMap(yaml, labels, indent + 4);
        }

        if (expressions is { Count: > 0 })
        {
            yaml.Append(' ', indent + 2).Append("matchExpressions:\n");
            foreach (var requirement in expressions)
            {
                yaml.Append(' ', indent + 4).Append("- key: ").Append(Scalar(requirement.Key)).Append('\n');
                yaml.Append(' ', indent + 6).Append("operator: ").Append(Scalar(requirement.Operator)).Append('\n');
                if (requirement.Values is { Count: > 0 } values)
                {
                    yaml.Append(' ', indent + 6).Append("values:\n");
                    foreach (var value in values)
                    {
                        yaml.Append(' ', indent + 8).Append("- ").Append(Scalar(value)).Append('\n');
                    }
                }
            }
        }
    }

    private static void WriteMap(StringBuilder yaml, IReadOnlyDictionary<string, string> map, int indent)
    {
        foreach (var (key, value) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            yaml.Append(' ', indent).Append(Scalar(key)).Append(": ").Append(Scalar(value)).Append('\n');
        }
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9._/-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainScalar();

    // YAML 1.1 booleans and nulls that a plain scalar would turn into something else.
    [GeneratedRegex(@"^(?i:y|n|yes|no|true|false|on|off|null)$", RegexOptions.CultureInvariant)]
    private static partial Regex AmbiguousPlain();
}
