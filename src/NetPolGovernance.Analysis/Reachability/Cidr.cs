using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace NetPolGovernance.Analysis.Reachability;

/// <summary>
/// An IPv4 or IPv6 CIDR. Host bits after the prefix are ignored, as Go's <c>net.ParseCIDR</c> does for the
/// network (older API servers accepted such values). Addresses of the other family never match.
/// </summary>
internal sealed class Cidr
{
    private readonly byte[] _network;

    private Cidr(byte[] network, int prefixLength, AddressFamily family)
    {
        _network = network;
        PrefixLength = prefixLength;
        Family = family;
    }

    public int PrefixLength { get; }

    public AddressFamily Family { get; }

    public static bool TryParse(string? text, out Cidr? cidr)
    {
        cidr = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0
            || !IPAddress.TryParse(text.AsSpan(0, slash), out var address)
            || !int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var prefix))
        {
            return false;
        }

        var bytes = address.GetAddressBytes();
        if (prefix > bytes.Length * 8)
        {
            return false;
        }

        Mask(bytes, prefix);
        cidr = new Cidr(bytes, prefix, address.AddressFamily);
        return true;
    }

    public bool Contains(IPAddress address)
    {
        if (address.AddressFamily != Family)
        {
            return false;
        }

        var bytes = address.GetAddressBytes();
        Mask(bytes, PrefixLength);
        return bytes.AsSpan().SequenceEqual(_network);
    }

    private static void Mask(byte[] bytes, int prefix)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            var bitsInByte = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - bitsInByte));
        }
    }
}
