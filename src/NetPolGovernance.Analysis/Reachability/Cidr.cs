using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace NetPolGovernance.Analysis.Reachability;

/// <summary>
/// An IPv4 or IPv6 CIDR, read with the API server's syntax for its legacy CIDR fields (the one parser validation and
/// reachability share): an IPv4 dotted quad of decimal octets (leading zeros allowed, read as decimal, never octal or
/// hex), or an IPv6 address without a zone, then '/' and a prefix within the address size. Host bits after the prefix
/// are ignored, as Go's <c>net.ParseCIDR</c> does for the network. Addresses of the other family never match.
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

    /// <summary>The block's first address (its network address).</summary>
    public IPAddress Network => new((byte[])_network.Clone());

    /// <summary>The address right after the block's last one; null when the block ends the address space.</summary>
    public IPAddress? FirstAfter()
    {
        var bytes = (byte[])_network.Clone();
        for (var bit = PrefixLength; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] |= (byte)(0x80 >> (bit % 8));
        }

        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            if (++bytes[i] != 0)
            {
                return new IPAddress(bytes);
            }
        }

        return null;
    }

    public static bool TryParse(string? text, [NotNullWhen(true)] out Cidr? cidr)
    {
        cidr = null;
        var slash = text?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (text is null || slash <= 0 || slash == text.Length - 1)
        {
            return false;
        }

        var prefixText = text[(slash + 1)..];
        if (prefixText.Length > 3 || !prefixText.All(char.IsAsciiDigit)
            || !int.TryParse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture, out var prefix)
            || ParseAddress(text[..slash]) is not var (bytes, family)
            || prefix > bytes.Length * 8)
        {
            return false;
        }

        Mask(bytes, prefix);
        cidr = new Cidr(bytes, prefix, family);
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

    /// <summary>True when <paramref name="inner"/> is inside this block and has a longer prefix.</summary>
    public bool StrictlyContains(Cidr inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (inner.Family != Family || inner.PrefixLength <= PrefixLength)
        {
            return false;
        }

        var masked = (byte[])inner._network.Clone();
        Mask(masked, PrefixLength);
        return masked.AsSpan().SequenceEqual(_network);
    }

    private static (byte[] Bytes, AddressFamily Family)? ParseAddress(string text)
    {
        if (text.Contains(':', StringComparison.Ordinal))
        {
            return !text.Contains('%', StringComparison.Ordinal) && IPAddress.TryParse(text, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6
                ? (v6.GetAddressBytes(), AddressFamily.InterNetworkV6)
                : null;
        }

        var parts = text.Split('.');
        if (parts.Length != 4 || parts.Any(p => p.Length is 0 or > 3 || !p.All(char.IsAsciiDigit)))
        {
            return null;
        }

        var bytes = new byte[4];
        for (var i = 0; i < 4; i++)
        {
            var octet = int.Parse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture);
            if (octet > 255)
            {
                return null;
            }

            bytes[i] = (byte)octet;
        }

        return (bytes, AddressFamily.InterNetwork);
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
