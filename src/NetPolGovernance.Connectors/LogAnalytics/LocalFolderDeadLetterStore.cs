using System.Globalization;
using System.Runtime.CompilerServices;
using NetPolGovernance.Connectors.Output;

namespace NetPolGovernance.Connectors.LogAnalytics;

/// <summary>
/// Dead letters in a local folder (the CLI's store): <c>{folder}/{stream}/{timestamp}-{guid}.ndjson</c>. Entries are
/// written atomically (temporary file, then rename) and claimed by renaming to <c>{entry}.{claim time}.replaying</c>; a
/// claim left behind by a crashed run is taken again, by another rename, after <see cref="StaleClaimAge"/>. A replay
/// claims only the entries that existed when it began, so it never sends one twice.
/// </summary>
public sealed class LocalFolderDeadLetterStore : IDeadLetterStore
{
    private const string ClaimedExtension = ".replaying";
    private const string StampFormat = "yyyyMMdd'T'HHmmssfff'Z'";
    private readonly string _folder;
    private readonly TimeProvider _time;

    public LocalFolderDeadLetterStore(string folder, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        _folder = Path.GetFullPath(folder);
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>A claim older than this is considered abandoned.</summary>
    public static TimeSpan StaleClaimAge { get; } = TimeSpan.FromHours(1);

    public string Location => _folder;

    public async Task<string> WriteAsync(string streamName, IReadOnlyList<byte[]> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        // The stream name is configuration, not code: it never takes the entry outside the folder.
        var path = SafeOutputPath.Combine(_folder, DeadLetterFormat.NewEntryName(streamName, _time.GetUtcNow()));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        await File.WriteAllBytesAsync(temporary, DeadLetterFormat.Encode(rows), cancellationToken).ConfigureAwait(false);
        File.Move(temporary, path);
        return path;
    }

    public async IAsyncEnumerable<DeadLetterEntry> ClaimPendingAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_folder))
        {
            yield break;
        }

        // Only what existed when the replay began: rows that fail again are kept in new entries for the next run.
        var staleBefore = _time.GetUtcNow().UtcDateTime - StaleClaimAge;
        var candidates = Directory.EnumerateDirectories(_folder)
            .Order(StringComparer.Ordinal)
            .SelectMany(streamFolder => Directory.EnumerateFiles(streamFolder, "*" + DeadLetterFormat.Extension)
                .Concat(Directory.EnumerateFiles(streamFolder, "*" + ClaimedExtension).Where(f => ClaimedAt(f) < staleBefore))
                .Order(StringComparer.Ordinal)
                .Select(file => (StreamName: Path.GetFileName(streamFolder), File: file)))
            .ToArray();
        foreach (var (streamName, file) in candidates)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var entryName = EntryBaseName(file);
            var claimed = Path.Combine(Path.GetDirectoryName(file)!, $"{entryName}.{ClaimStamp(_time.GetUtcNow())}{ClaimedExtension}");
            if (!TryClaim(file, claimed))
            {
                continue;
            }

            var content = await File.ReadAllBytesAsync(claimed, cancellationToken).ConfigureAwait(false);
            yield return new DeadLetterEntry(entryName + DeadLetterFormat.Extension, streamName, DeadLetterFormat.Decode(content), claimed);
        }
    }

    public Task CompleteAsync(DeadLetterEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        File.Delete(entry.ClaimToken);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Claims by renaming, which exactly one process can do to a given file: a pending entry, or a stale claim taken
    /// over (two replays that both find the same stale claim cannot both send it).
    /// </summary>
    private static bool TryClaim(string file, string claimed)
    {
        try
        {
            File.Move(file, claimed);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false; // another process claimed it first
        }
    }

    /// <summary>
    /// When a claim was made: from the stamp in its name (<c>{entry}.{stamp}.replaying</c>), not from the file's time,
    /// which a rename keeps (an entry written hours ago would otherwise look stale the moment it is claimed). A claim
    /// without a stamp (written by an earlier version) falls back to the file's time.
    /// </summary>
    private static DateTime ClaimedAt(string claimFile)
    {
        var name = Path.GetFileNameWithoutExtension(claimFile);
        var dot = name.LastIndexOf('.');
        return dot > 0 && DateTime.TryParseExact(name[(dot + 1)..], StampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : File.GetLastWriteTimeUtc(claimFile);
    }

    /// <summary>The entry's own name without extension or claim stamp: <c>{timestamp}-{guid}</c>.</summary>
    private static string EntryBaseName(string file)
    {
        var name = Path.GetFileName(file);
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? name : name[..dot];
    }

    private static string ClaimStamp(DateTimeOffset now) => now.UtcDateTime.ToString(StampFormat, CultureInfo.InvariantCulture);
}
