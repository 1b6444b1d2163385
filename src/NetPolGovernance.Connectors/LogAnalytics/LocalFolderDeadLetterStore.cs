using System.Runtime.CompilerServices;
using NetPolGovernance.Connectors.Output;

namespace NetPolGovernance.Connectors.LogAnalytics;

/// <summary>
/// Dead letters in a local folder (the CLI's store): <c>{folder}/{stream}/{timestamp}-{guid}.ndjson</c>. Entries are
/// written atomically (temporary file, then rename) and claimed by renaming to <c>.replaying</c>; a claim left
/// behind by a crashed run is taken again after <see cref="StaleClaimAge"/>.
/// </summary>
public sealed class LocalFolderDeadLetterStore : IDeadLetterStore
{
    private const string ClaimedExtension = ".replaying";
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

        var staleBefore = _time.GetUtcNow().UtcDateTime - StaleClaimAge;
        foreach (var streamFolder in Directory.EnumerateDirectories(_folder).Order(StringComparer.Ordinal))
        {
            var streamName = Path.GetFileName(streamFolder);
            var candidates = Directory.EnumerateFiles(streamFolder, "*" + DeadLetterFormat.Extension)
                .Concat(Directory.EnumerateFiles(streamFolder, "*" + ClaimedExtension)
                    .Where(f => File.GetLastWriteTimeUtc(f) < staleBefore))
                .Order(StringComparer.Ordinal)
                .ToArray();
            foreach (var file in candidates)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var claimed = Path.ChangeExtension(file, null) + ClaimedExtension;
                if (!TryClaim(file, claimed, _time.GetUtcNow().UtcDateTime))
                {
                    continue;
                }

                var content = await File.ReadAllBytesAsync(claimed, cancellationToken).ConfigureAwait(false);
                yield return new DeadLetterEntry(Path.GetFileName(file), streamName, DeadLetterFormat.Decode(content), claimed);
            }
        }
    }

    public Task CompleteAsync(DeadLetterEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        File.Delete(entry.ClaimToken);
        return Task.CompletedTask;
    }

    private static bool TryClaim(string file, string claimed, DateTime now)
    {
        if (file == claimed)
        {
            File.SetLastWriteTimeUtc(file, now);
            return true;
        }

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
}
