using System.Text.Json;

namespace NetPolGovernance.Connectors.Manifests;

/// <summary>
/// Recognises unrendered Helm templates in a manifest folder (a GitOps repository often holds charts next to plain
/// manifests). A file holding <c>{{ ... }}</c> template actions is a template when it lies in a chart's
/// <c>templates/</c> folder (a <c>Chart.yaml</c> above it), when it is not valid YAML as written, or when the actions
/// sit in its objects' fields. Actions only inside ConfigMap or Secret payloads (<c>data</c>, <c>stringData</c>,
/// <c>binaryData</c>) or annotations, where other tools keep their own templates, leave the file a manifest.
/// </summary>
internal static class HelmTemplates
{
    /// <summary>What a user does about a skipped template.</summary>
    public const string Advice = "render it with helm template, or use --kustomize DIR";

    private static readonly string[] s_payloads = ["data", "stringData", "binaryData", "annotations"];

    /// <summary>True when the text holds a <c>{{</c> followed somewhere by <c>}}</c>.</summary>
    public static bool HasActions(ReadOnlySpan<byte> text)
    {
        var open = text.IndexOf("{{"u8);
        return open >= 0 && text[(open + 2)..].IndexOf("}}"u8) >= 0;
    }

    /// <summary>
    /// The chart folder (written as <paramref name="file"/> is: absolute or relative) when the file lies under a
    /// <c>templates</c> folder next to a <c>Chart.yaml</c>; else null.
    /// </summary>
    public static string? ChartOf(string file)
    {
        string? folder;
        try
        {
            folder = Path.GetDirectoryName(Path.GetFullPath(file));
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return null;
        }

        for (var depth = 0; folder is not null && depth < 16; depth++)
        {
            var parent = Path.GetDirectoryName(folder);
            if (parent is not null
                && string.Equals(Path.GetFileName(folder), "templates", StringComparison.Ordinal)
                && (File.Exists(Path.Combine(parent, "Chart.yaml")) || File.Exists(Path.Combine(parent, "Chart.yml"))))
            {
                return Path.IsPathRooted(file) ? parent : Path.GetRelativePath(Directory.GetCurrentDirectory(), parent);
            }

            folder = parent;
        }

        return null;
    }

    /// <summary>True when a property name or a string value outside the payloads holds a template action.</summary>
    public static bool IsTemplated(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return IsAction(element.GetString());
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (IsTemplated(item))
                    {
                        return true;
                    }
                }

                return false;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (IsAction(property.Name))
                    {
                        return true;
                    }

                    if (!s_payloads.Contains(property.Name, StringComparer.Ordinal) && IsTemplated(property.Value))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    private static bool IsAction(string? text) =>
        text is not null && text.IndexOf("{{", StringComparison.Ordinal) is var open and >= 0
        && text.IndexOf("}}", open + 2, StringComparison.Ordinal) >= 0;
}
