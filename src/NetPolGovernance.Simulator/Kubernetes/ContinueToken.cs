using System.Globalization;
using System.Text;

namespace NetPolGovernance.Simulator.Kubernetes;

/// <summary>
/// The loopback server's opaque continue token: the list it belongs to, the resourceVersion of the first page
/// and the offset of the next item. Clients must treat it as opaque (real servers encode etcd keys).
/// </summary>
internal sealed record ContinueToken(string ListKey, long ResourceVersion, int Offset)
{
    public string Encode() =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ListKey}\n{ResourceVersion.ToString(CultureInfo.InvariantCulture)}\n{Offset.ToString(CultureInfo.InvariantCulture)}"))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static ContinueToken? TryDecode(string token)
    {
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(base64)).Split('\n');
            return parts.Length == 3
                   && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var rv)
                   && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
                ? new ContinueToken(parts[0], rv, offset)
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
