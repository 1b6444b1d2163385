using System.Globalization;
using System.Text;

namespace NetPolGovernance.Analysis.Reachability;

/// <summary>
/// An immutable set of (protocol, port) pairs: per protocol, sorted disjoint inclusive ranges within 1..65535.
/// It is what a side of a connection admits between two endpoints, so that "any port" questions and
/// impact previews can intersect and subtract what the egress and ingress sides allow.
/// </summary>
internal sealed class PortSet : IEquatable<PortSet>
{
    public const int MinPort = 1;
    public const int MaxPort = 65535;

    private readonly PortRange[][] _ranges;

    private PortSet(PortRange[][] ranges) => _ranges = ranges;

    public static PortSet Empty { get; } = new([[], [], []]);

    public static PortSet All { get; } = new([[new(MinPort, MaxPort)], [new(MinPort, MaxPort)], [new(MinPort, MaxPort)]]);

    public bool IsEmpty => _ranges[0].Length == 0 && _ranges[1].Length == 0 && _ranges[2].Length == 0;

    public bool IsAll => Equals(All);

    /// <summary>Every port of one protocol.</summary>
    public static PortSet AllOf(TransportProtocol protocol) => Range(protocol, MinPort, MaxPort);

    /// <summary>One inclusive range of one protocol; an empty or out-of-bounds range gives what lies inside bounds.</summary>
    public static PortSet Range(TransportProtocol protocol, int from, int to)
    {
        from = Math.Max(from, MinPort);
        to = Math.Min(to, MaxPort);
        if (from > to)
        {
            return Empty;
        }

        var ranges = new PortRange[3][];
        for (var i = 0; i < 3; i++)
        {
            ranges[i] = i == (int)protocol ? [new PortRange(from, to)] : [];
        }

        return new PortSet(ranges);
    }

    public bool Contains(TransportProtocol protocol, int port)
    {
        foreach (var range in _ranges[(int)protocol])
        {
            if (port >= range.From && port <= range.To)
            {
                return true;
            }
        }

        return false;
    }

    public PortSet Union(PortSet other) => Combine(other, static (a, b) => a || b);

    public PortSet Intersect(PortSet other) => Combine(other, static (a, b) => a && b);

    public PortSet Except(PortSet other) => Combine(other, static (a, b) => a && !b);

    public bool Equals(PortSet? other)
    {
        if (other is null)
        {
            return false;
        }

        for (var p = 0; p < 3; p++)
        {
            if (!_ranges[p].AsSpan().SequenceEqual(other._ranges[p]))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => obj is PortSet other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var protocol in _ranges)
        {
            foreach (var range in protocol)
            {
                hash.Add(range);
            }

            hash.Add(-1);
        }

        return hash.ToHashCode();
    }

    /// <summary>Human text: <c>any port</c>, <c>nothing</c>, or e.g. <c>TCP 80, 8000-8100; UDP 53</c>.</summary>
    public override string ToString()
    {
        if (IsEmpty)
        {
            return "nothing";
        }

        if (IsAll)
        {
            return "any port";
        }

        var text = new StringBuilder();
        foreach (var protocol in TransportProtocols.All)
        {
            var ranges = _ranges[(int)protocol];
            if (ranges.Length == 0)
            {
                continue;
            }

            if (text.Length > 0)
            {
                text.Append("; ");
            }

            text.Append(protocol.ToKubernetes()).Append(' ');
            if (ranges is [{ From: MinPort, To: MaxPort }])
            {
                text.Append("any port");
                continue;
            }

            for (var i = 0; i < ranges.Length; i++)
            {
                if (i > 0)
                {
                    text.Append(", ");
                }

                text.Append(ranges[i].ToString());
            }
        }

        return text.ToString();
    }

    private PortSet Combine(PortSet other, Func<bool, bool, bool> keep)
    {
        var result = new PortRange[3][];
        for (var p = 0; p < 3; p++)
        {
            result[p] = Combine(_ranges[p], other._ranges[p], keep);
        }

        return new PortSet(result);
    }

    // Sweep over the boundaries of both range lists, keeping the segments where `keep` holds.
    private static PortRange[] Combine(PortRange[] left, PortRange[] right, Func<bool, bool, bool> keep)
    {
        var cuts = new SortedSet<int>();
        foreach (var range in left)
        {
            cuts.Add(range.From);
            cuts.Add(range.To + 1);
        }

        foreach (var range in right)
        {
            cuts.Add(range.From);
            cuts.Add(range.To + 1);
        }

        var result = new List<PortRange>();
        int? openFrom = null;
        foreach (var cut in cuts)
        {
            var inside = keep(Covers(left, cut), Covers(right, cut)) && cut <= MaxPort;
            if (inside && openFrom is null)
            {
                openFrom = cut;
            }
            else if (!inside && openFrom is not null)
            {
                result.Add(new PortRange(openFrom.Value, cut - 1));
                openFrom = null;
            }
        }

        if (openFrom is not null)
        {
            result.Add(new PortRange(openFrom.Value, MaxPort));
        }

        return [.. result];
    }

    private static bool Covers(PortRange[] ranges, int port)
    {
        foreach (var range in ranges)
        {
            if (port >= range.From && port <= range.To)
            {
                return true;
            }
        }

        return false;
    }

    private readonly record struct PortRange(int From, int To)
    {
        public override string ToString() => From == To
            ? From.ToString(CultureInfo.InvariantCulture)
            : string.Create(CultureInfo.InvariantCulture, $"{From}-{To}");
    }
}
