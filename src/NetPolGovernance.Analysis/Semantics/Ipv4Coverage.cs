using System.Globalization;
using System.Net;
using System.Net.Sockets;
using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Analysis.Semantics;

/// <summary>
/// Whether a set of ipBlocks (each <c>cidr</c> minus its <c>except</c> list) covers all of <c>0.0.0.0/0</c>
/// (docs/semantics.md §8, allow-all). IPv6 blocks are ignored; unparsable blocks cover nothing.
/// Host bits in a CIDR are masked off, as older API servers accepted them.
/// </summary>
internal static class Ipv4Coverage
{
    private const long AddressSpaceEnd = 0xFFFF_FFFFL;

    public static bool CoversAll(IEnumerable<IpBlock> blocks)
    {
        var ranges = new List<(long Start, long End)>();
        foreach (var block in blocks)
        {
            if (!TryParse(block.Cidr, out var cidr))
            {
                continue;
            }

            var pieces = new List<(long Start, long End)> { cidr };
            foreach (var except in block.Except ?? [])
            {
                if (TryParse(except, out var hole))
                {
                    pieces = Subtract(pieces, hole);
                }
            }

            ranges.AddRange(pieces);
        }

        ranges.Sort((a, b) => a.Start.CompareTo(b.Start));
        long next = 0;
        foreach (var (start, end) in ranges)
        {
            if (start > next)
            {
                return false;
            }

            next = Math.Max(next, end + 1);
            if (next > AddressSpaceEnd)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Parses an IPv4 CIDR into an inclusive address range; false for IPv6 or malformed input.</summary>
    internal static bool TryParse(string? text, out (long Start, long End) range)
    {
        range = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(addressText.Trim(), out var address) || address.AddressFamily != AddressFamily.InterNetwork)
        {
            return false;
        }

        var prefix = 32;
        if (slash >= 0
            && (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > 32))
        {
            return false;
        }

        var bytes = address.GetAddressBytes();
        long value = ((long)bytes[0] << 24) | ((long)bytes[1] << 16) | ((long)bytes[2] << 8) | bytes[3];
        var size = 1L << (32 - prefix);
        var start = value & ~(size - 1) & AddressSpaceEnd;
        range = (start, start + size - 1);
        return true;
    }

    private static List<(long Start, long End)> Subtract(List<(long Start, long End)> pieces, (long Start, long End) hole)
    {
        var result = new List<(long Start, long End)>(pieces.Count + 1);
        foreach (var (start, end) in pieces)
        {
            if (hole.End < start || hole.Start > end)
            {
                result.Add((start, end));
                continue;
            }

            if (hole.Start > start)
            {
                result.Add((start, hole.Start - 1));
            }

            if (hole.End < end)
            {
                result.Add((hole.End + 1, end));
            }
        }

        return result;
    }
}
