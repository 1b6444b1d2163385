namespace NetPolGovernance.Analysis.Reachability;

/// <summary>The protocols NetworkPolicy defines (docs/semantics.md §6). Other protocols are undefined.</summary>
public enum TransportProtocol
{
    Tcp = 0,
    Udp = 1,
    Sctp = 2,
}

/// <summary>Parsing and display of <see cref="TransportProtocol"/> as Kubernetes spells it.</summary>
public static class TransportProtocols
{
    /// <summary>All protocols, in display order.</summary>
    public static IReadOnlyList<TransportProtocol> All { get; } = [TransportProtocol.Tcp, TransportProtocol.Udp, TransportProtocol.Sctp];

    /// <summary>
    /// Parses <c>TCP</c>, <c>UDP</c> or <c>SCTP</c> (case-insensitive). A null or empty value is TCP, the
    /// Kubernetes default (docs/semantics.md §6).
    /// </summary>
    public static bool TryParse(string? value, out TransportProtocol protocol)
    {
        if (string.IsNullOrEmpty(value) || string.Equals(value, "TCP", StringComparison.OrdinalIgnoreCase))
        {
            protocol = TransportProtocol.Tcp;
            return true;
        }

        if (string.Equals(value, "UDP", StringComparison.OrdinalIgnoreCase))
        {
            protocol = TransportProtocol.Udp;
            return true;
        }

        if (string.Equals(value, "SCTP", StringComparison.OrdinalIgnoreCase))
        {
            protocol = TransportProtocol.Sctp;
            return true;
        }

        protocol = TransportProtocol.Tcp;
        return false;
    }

    /// <summary>The Kubernetes spelling: <c>TCP</c>, <c>UDP</c>, <c>SCTP</c>.</summary>
    public static string ToKubernetes(this TransportProtocol protocol) => protocol switch
    {
        TransportProtocol.Udp => "UDP",
        TransportProtocol.Sctp => "SCTP",
        _ => "TCP",
    };
}
