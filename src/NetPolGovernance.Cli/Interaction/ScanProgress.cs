using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Connectors.Scanning;

namespace NetPolGovernance.Cli.Interaction;

/// <summary>
/// Progress of a fleet scan on stderr. On a terminal: a live line redrawn in place (a bar, clusters done/total,
/// Unknown so far, elapsed, ETA) that collapses into a one-line summary at the end. Off a terminal (CI logs, pipes):
/// a plain line every <see cref="PlainInterval"/> or each tenth of the fleet, then the same summary. The total is the
/// number of clusters the inventory listed (it streams; until it ends, the total is shown as "N+"). A scan of one
/// cluster (manifests, one context) shows nothing. With <c>--verbose</c>, also one line per finished cluster.
/// </summary>
internal sealed class ScanProgress : IProgress<FleetScanProgress>, IDisposable
{
    /// <summary>How often a plain progress line is written when stderr is not a terminal.</summary>
    public static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);

    private const int BarWidth = 24;

    private readonly IInteractionService _interaction;
    private readonly TimeProvider _time;
    private readonly long _start;
    private readonly Lock _gate = new();
    private readonly ITimer _timer;
    private int _listed;
    private bool _listingDone;
    private int _done;
    private int _unknown;
    private int _skipped;
    private string? _lastLive;
    private long _lastPlain;
    private int _lastPlainTenth;
    private bool _finished;

    public ScanProgress(IInteractionService interaction, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(interaction);
        ArgumentNullException.ThrowIfNull(time);
        _interaction = interaction;
        _time = time;
        _start = time.GetTimestamp();
        _lastPlain = _start;
        var tick = interaction.IsInteractive ? TimeSpan.FromSeconds(1) : PlainInterval;
        _timer = time.CreateTimer(_ => Refresh(tick: true), null, tick, tick);
    }

    /// <summary>
    /// Passes the inventory's targets through, counting them for the total. The inventory is read ahead of the
    /// scan (targets are small: an identity and access hints), so the total is known as soon as the inventory has
    /// listed every cluster, not only when the last one is taken up.
    /// </summary>
    public async IAsyncEnumerable<ClusterTarget> CountAsync(IAsyncEnumerable<ClusterTarget> targets, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var buffer = Channel.CreateUnbounded<ClusterTarget>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pump = Task.Run(
            async () =>
            {
                try
                {
                    await foreach (var target in targets.WithCancellation(stop.Token).ConfigureAwait(false))
                    {
                        Interlocked.Increment(ref _listed);
                        await buffer.Writer.WriteAsync(target, stop.Token).ConfigureAwait(false);
                    }

                    lock (_gate)
                    {
                        _listingDone = true;
                    }

                    buffer.Writer.TryComplete();
                }
                catch (Exception ex)
                {
                    buffer.Writer.TryComplete(ex);
                }
            },
            CancellationToken.None);
        try
        {
            await foreach (var target in buffer.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return target;
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await pump.ConfigureAwait(false);
        }
    }

    public void Report(FleetScanProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate)
        {
            _done = Math.Max(_done, value.Completed);
            switch (value.Status)
            {
                case ClusterScanStatus.Unknown:
                    _unknown++;
                    break;
                case ClusterScanStatus.Skipped:
                    _skipped++;
                    break;
            }
        }

        if (_interaction.Verbosity == Verbosity.Verbose)
        {
            _interaction.DisplayStatus(string.Create(CultureInfo.InvariantCulture, $"[{value.Completed}/{Total()}] {value.ClusterName}: {value.Status}"));
        }

        Refresh(tick: false);
    }

    /// <summary>The scan ended: the live line gives way to the summary line (for fleets).</summary>
    public void Complete()
    {
        string? summary;
        lock (_gate)
        {
            if (_finished)
            {
                return;
            }

            _finished = true;
            summary = Volatile.Read(ref _listed) > 1 ? Summary() : null;
        }

        _timer.Dispose();
        _interaction.DisplayLive(null);
        if (summary is not null)
        {
            _interaction.DisplayStatus(summary);
        }
    }

    /// <summary>The scan was stopped: the live line is cleared, no summary (the command says what was kept).</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _finished = true;
        }

        _timer.Dispose();
        _interaction.DisplayLive(null);
    }

    /// <summary>Clears the live line if the scan ended without <see cref="Complete"/> or <see cref="Stop"/>.</summary>
    public void Dispose() => Stop();

    /// <summary>The text of the summary line, e.g. <c>scanned 100 clusters in 1m02s: 92 Scanned, 5 Unknown, 3 Skipped</c>.</summary>
    internal string Summary()
    {
        var scanned = _done - _unknown - _skipped;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"scanned {_done} clusters in {Duration(_time.GetElapsedTime(_start))}: {scanned} Scanned, {_unknown} Unknown, {_skipped} Skipped");
    }

    private void Refresh(bool tick)
    {
        string? live = null;
        string? plain = null;
        lock (_gate)
        {
            if (_finished || Volatile.Read(ref _listed) < 2 || (tick && _listingDone && _done >= _listed))
            {
                return;
            }

            var now = _time.GetTimestamp();
            if (_interaction.IsInteractive)
            {
                live = LiveLine();
                if (live == _lastLive)
                {
                    return;
                }

                _lastLive = live;
            }
            else
            {
                var tenth = _listingDone && _listed > 0 ? _done * 10 / _listed : 0;
                var due = tick ? _time.GetElapsedTime(_lastPlain, now) >= PlainInterval - TimeSpan.FromMilliseconds(50) : tenth > _lastPlainTenth && tenth < 10;
                if (!due)
                {
                    return;
                }

                _lastPlain = now;
                _lastPlainTenth = Math.Max(_lastPlainTenth, tenth);
                plain = PlainLine();
            }
        }

        if (live is not null)
        {
            _interaction.DisplayLive(live);
        }
        else if (plain is not null)
        {
            _interaction.DisplayStatus(plain);
        }
    }

    private string Total() => _listingDone ? _listed.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{Volatile.Read(ref _listed)}+");

    private string LiveLine()
    {
        var filled = _listingDone && _listed > 0 ? _done * BarWidth / _listed : 0;
        var bar = new string('=', filled) + new string(' ', BarWidth - filled);
        return string.Create(CultureInfo.InvariantCulture, $"[{bar}] {Counts()}{Eta()}");
    }

    private string PlainLine() => string.Create(CultureInfo.InvariantCulture, $"progress: {Counts()}{Eta()}");

    private string Counts() => string.Create(
        CultureInfo.InvariantCulture,
        $"{_done}/{Total()} clusters, {_unknown} Unknown, {Duration(_time.GetElapsedTime(_start))} elapsed");

    private string Eta()
    {
        if (!_listingDone || _done == 0 || _done >= _listed)
        {
            return string.Empty;
        }

        var elapsed = _time.GetElapsedTime(_start);
        var remaining = TimeSpan.FromTicks(elapsed.Ticks / _done * (_listed - _done));
        return $", ETA {Duration(remaining)}";
    }

    internal static string Duration(TimeSpan span) => span.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}h{span.Minutes:00}m")
        : span.TotalMinutes >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes}m{span.Seconds:00}s")
            : string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalSeconds}s");
}
