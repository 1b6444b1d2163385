using System.Globalization;

namespace NetPolGovernance.Connectors.Kubernetes.Collection;

/// <summary>What a <see cref="CollectorBound"/> counts, which decides how its value is written.</summary>
public enum CollectorBoundUnit
{
    /// <summary>A whole number (pages, items, a factor).</summary>
    Count,

    /// <summary>Bytes; written <c>512MiB</c>, <c>64KiB</c>, <c>1GiB</c> or a plain number of bytes.</summary>
    Bytes,

    /// <summary>A duration, kept in milliseconds; written <c>60</c> or <c>60s</c>, <c>500ms</c>, <c>2m</c>, <c>1h</c>.</summary>
    Duration,
}

/// <summary>
/// One bound of <see cref="KubernetesCollectorOptions"/> as a host exposes it: the CLI flag (<see cref="Flag"/>), the
/// Functions app setting (<see cref="SettingName"/>), its range and default, and how a written value is read. Every
/// host goes through <see cref="CollectorBounds.All"/>, so a bound is named, parsed and checked the same way
/// everywhere.
/// </summary>
public sealed class CollectorBound
{
    private readonly Func<KubernetesCollectorOptions, long> _get;
    private readonly Func<KubernetesCollectorOptions, long, KubernetesCollectorOptions> _with;

    internal CollectorBound(
        string property,
        CollectorBoundUnit unit,
        long min,
        long max,
        Func<KubernetesCollectorOptions, long> get,
        Func<KubernetesCollectorOptions, long, KubernetesCollectorOptions> with,
        string meaning)
    {
        Property = property;
        Unit = unit;
        Min = min;
        Max = max;
        _get = get;
        _with = with;
        Meaning = meaning;
        Flag = "--" + Kebab(property);
        SettingName = "NETPOLGOV_" + Kebab(property).Replace('-', '_').ToUpperInvariant();
    }

    /// <summary>The <see cref="KubernetesCollectorOptions"/> property, as the collector's reasons name it (<c>MaxPagesPerList</c>).</summary>
    public string Property { get; }

    /// <summary>The CLI flag, e.g. <c>--max-pages-per-list</c>.</summary>
    public string Flag { get; }

    /// <summary>The Functions app setting (and environment variable), e.g. <c>NETPOLGOV_MAX_PAGES_PER_LIST</c>.</summary>
    public string SettingName { get; }

    public CollectorBoundUnit Unit { get; }

    /// <summary>The smallest value accepted (milliseconds for a duration).</summary>
    public long Min { get; }

    /// <summary>The largest value accepted (milliseconds for a duration).</summary>
    public long Max { get; }

    /// <summary>What the bound stops, one sentence.</summary>
    public string Meaning { get; }

    /// <summary>The default, as a user writes it (<c>512MiB</c>, <c>60s</c>, <c>200</c>).</summary>
    public string DefaultText => Format(_get(new KubernetesCollectorOptions()));

    /// <summary>The range as a user writes it: <c>between 64KiB and 64GiB</c>.</summary>
    public string RangeText => $"between {Format(Min)} and {Format(Max)}";

    /// <summary>The value of this bound in <paramref name="options"/>.</summary>
    public long ValueOf(KubernetesCollectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return _get(options);
    }

    /// <summary>
    /// <paramref name="options"/> with this bound set to <paramref name="text"/>. Throws <see cref="FormatException"/>
    /// with a message that starts with <paramref name="source"/> (the flag or setting the value came from) and says
    /// what was expected, when the text is unreadable or outside the range.
    /// </summary>
    public KubernetesCollectorOptions Apply(KubernetesCollectorOptions options, string text, string source)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(text);
        if (!TryParse(text.Trim(), out var value))
        {
            throw new FormatException($"{source} is '{text}': it must be {Expected()} {RangeText}.");
        }

        if (value < Min || value > Max)
        {
            throw new FormatException($"{source} is '{text}': it must be {RangeText}.");
        }

        return _with(options, value);
    }

    /// <summary>A value of this bound as a user writes it.</summary>
    public string Format(long value) => Unit switch
    {
        CollectorBoundUnit.Bytes => FormatBytes(value),
        CollectorBoundUnit.Duration => FormatDuration(value),
        _ => value.ToString(CultureInfo.InvariantCulture),
    };

    private string Expected() => Unit switch
    {
        CollectorBoundUnit.Bytes => "a size in bytes (a number, or with KiB, MiB or GiB: 512MiB)",
        CollectorBoundUnit.Duration => "a duration (seconds, or with ms, s, m or h: 60s, 500ms)",
        _ => "a whole number",
    };

    private bool TryParse(string text, out long value)
    {
        value = 0;
        var (number, multiplier) = Unit switch
        {
            CollectorBoundUnit.Bytes => SplitSuffix(text, ("KiB", 1024L), ("MiB", 1024L * 1024), ("GiB", 1024L * 1024 * 1024), ("B", 1L)),
            CollectorBoundUnit.Duration => SplitSuffix(text, ("ms", 1L), ("s", 1000L), ("m", 60_000L), ("h", 3_600_000L)),
            _ => (text, 0L),
        };
        if (multiplier == 0)
        {
            // No suffix: a count, bytes, or (for a duration) seconds.
            multiplier = Unit == CollectorBoundUnit.Duration ? 1000 : 1;
        }

        if (!long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            return false;
        }

        try
        {
            value = checked(parsed * multiplier);
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    /// <summary>The number before a known suffix and the suffix's multiplier; multiplier 0 when no suffix matches.</summary>
    private static (string number, long multiplier) SplitSuffix(string text, params (string Suffix, long Multiplier)[] suffixes)
    {
        foreach (var (suffix, multiplier) in suffixes)
        {
            if (text.Length > suffix.Length && text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return (text[..^suffix.Length].TrimEnd(), multiplier);
            }
        }

        return (text, 0);
    }

    private static string FormatDuration(long milliseconds) => milliseconds switch
    {
        >= 3_600_000 when milliseconds % 3_600_000 == 0 => string.Create(CultureInfo.InvariantCulture, $"{milliseconds / 3_600_000}h"),
        >= 60_000 when milliseconds % 60_000 == 0 && milliseconds > 60_000 => string.Create(CultureInfo.InvariantCulture, $"{milliseconds / 60_000}m"),
        _ when milliseconds % 1000 == 0 => string.Create(CultureInfo.InvariantCulture, $"{milliseconds / 1000}s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{milliseconds}ms"),
    };

    private static string FormatBytes(long bytes)
    {
        foreach (var (suffix, size) in new[] { ("GiB", 1024L * 1024 * 1024), ("MiB", 1024L * 1024), ("KiB", 1024L) })
        {
            if (bytes >= size && bytes % size == 0)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{bytes / size}{suffix}");
            }
        }

        return bytes.ToString(CultureInfo.InvariantCulture);
    }

    private static string Kebab(string pascal)
    {
        var builder = new System.Text.StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            if (char.IsUpper(pascal[i]) && i > 0)
            {
                builder.Append('-');
            }

            builder.Append(char.ToLowerInvariant(pascal[i]));
        }

        return builder.ToString();
    }
}

/// <summary>The bounds of <see cref="KubernetesCollectorOptions"/> a host lets its user set, one definition each.</summary>
public static class CollectorBounds
{
    /// <summary>
    /// How a reason names a bound: <c>MaxPagesPerList (--max-pages-per-list, NETPOLGOV_MAX_PAGES_PER_LIST)</c>, so the
    /// user of either host sees what to raise.
    /// </summary>
    public static string Name(string property)
    {
        var bound = All.FirstOrDefault(b => b.Property == property);
        return bound is null ? property : $"{property} ({bound.Flag}, {bound.SettingName})";
    }

    public static IReadOnlyList<CollectorBound> All { get; } =
    [
        new(
            nameof(KubernetesCollectorOptions.MaxPagesPerList),
            CollectorBoundUnit.Count,
            KubernetesCollectorOptions.MaxPagesPerListRange.Min,
            KubernetesCollectorOptions.MaxPagesPerListRange.Max,
            o => o.MaxPagesPerList,
            (o, v) => o with { MaxPagesPerList = (int)v },
            "Pages one list may take (a server that sends continue tokens forever)."),
        new(
            nameof(KubernetesCollectorOptions.MaxItemsPerList),
            CollectorBoundUnit.Count,
            KubernetesCollectorOptions.MaxItemsPerListRange.Min,
            KubernetesCollectorOptions.MaxItemsPerListRange.Max,
            o => o.MaxItemsPerList,
            (o, v) => o with { MaxItemsPerList = (int)v },
            "Items one list may hold, all pages together (Kubernetes supports 150,000 pods per cluster)."),
        new(
            nameof(KubernetesCollectorOptions.MaxPageItemsFactor),
            CollectorBoundUnit.Count,
            KubernetesCollectorOptions.MaxPageItemsFactorRange.Min,
            KubernetesCollectorOptions.MaxPageItemsFactorRange.Max,
            o => o.MaxPageItemsFactor,
            (o, v) => o with { MaxPageItemsFactor = (int)v },
            "Items one page may hold, as a multiple of the page size asked (a server that ignores limit)."),
        new(
            nameof(KubernetesCollectorOptions.MaxResponseBytes),
            CollectorBoundUnit.Bytes,
            KubernetesCollectorOptions.MaxResponseBytesRange.Min,
            KubernetesCollectorOptions.MaxResponseBytesRange.Max,
            o => o.MaxResponseBytes,
            (o, v) => o with { MaxResponseBytes = v },
            "Body bytes of one list page, after decompression."),
        new(
            nameof(KubernetesCollectorOptions.MaxClusterBytes),
            CollectorBoundUnit.Bytes,
            KubernetesCollectorOptions.MaxClusterBytesRange.Min,
            KubernetesCollectorOptions.MaxClusterBytesRange.Max,
            o => o.MaxClusterBytes,
            (o, v) => o with { MaxClusterBytes = v },
            "Body bytes read from one cluster, every request and retry together; raise it for clusters of more than 100,000 pods."),
        new(
            nameof(KubernetesCollectorOptions.MaxDocumentBytes),
            CollectorBoundUnit.Bytes,
            KubernetesCollectorOptions.MaxDocumentBytesRange.Min,
            KubernetesCollectorOptions.MaxDocumentBytesRange.Max,
            o => o.MaxDocumentBytes,
            (o, v) => o with { MaxDocumentBytes = v },
            "Bytes of a document read whole: the discovery document (/apis) or the cilium-config ConfigMap."),
        new(
            nameof(KubernetesCollectorOptions.RequestTimeout),
            CollectorBoundUnit.Duration,
            (long)KubernetesCollectorOptions.RequestTimeoutRange.Min.TotalMilliseconds,
            (long)KubernetesCollectorOptions.RequestTimeoutRange.Max.TotalMilliseconds,
            o => (long)o.RequestTimeout.TotalMilliseconds,
            (o, v) => o with { RequestTimeout = TimeSpan.FromMilliseconds(v) },
            "The longest one Kubernetes API request may take, its body included (a server that drips its answer)."),
    ];
}
