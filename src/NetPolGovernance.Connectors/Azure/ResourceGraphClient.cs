using System.Text.Json;
using Azure;
using Azure.Core;

namespace NetPolGovernance.Connectors.Azure;

/// <summary>
/// Azure Resource Graph (<c>POST providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01</c>), object-array
/// results, paged with <c>$skipToken</c> (the same query and scope re-posted with the token). Before asking for the next
/// page it honours the per-user quota: when <c>x-ms-user-quota-remaining</c> reaches 0 it waits
/// <c>x-ms-user-quota-resets-after</c>. A 429 is retried by the pipeline's retry policy (Retry-After / quota reset).
/// </summary>
public class ResourceGraphClient
{
    public const string ApiVersion = "2024-04-01";

    private readonly ArmRequestSender _sender;
    private readonly TimeProvider _timeProvider;

    public ResourceGraphClient(TokenCredential credential, AzureManagementClientOptions? options = null)
        : this(new ArmRequestSender(credential, options ?? new AzureManagementClientOptions()), TimeProvider.System)
    {
    }

    internal ResourceGraphClient(ArmRequestSender sender, TimeProvider timeProvider)
    {
        _sender = sender;
        _timeProvider = timeProvider;
    }

    /// <summary>For mocking.</summary>
    protected ResourceGraphClient()
    {
        _sender = null!;
        _timeProvider = TimeProvider.System;
    }

    /// <summary>Requests sent so far (pages and retries).</summary>
    public virtual int Calls => _sender.Calls;

    /// <summary>The smallest page asked for after halving on <c>ResponsePayloadTooLarge</c>; below it the query fails.</summary>
    public const int PageSizeFloor = 50;

    /// <summary>
    /// Runs <paramref name="query"/> and streams its rows (one <see cref="JsonElement"/> object per row), page by page.
    /// A page the service refuses as too large (HTTP 400 <c>ResponsePayloadTooLarge</c>: the response size cap) is asked
    /// for again with half the rows, down to <see cref="PageSizeFloor"/>; the smaller page size is kept for the rest of
    /// the query. Refused at the floor, it throws, naming the cap.
    /// </summary>
    public virtual AsyncPageable<JsonElement> QueryResourcesAsync(ResourceGraphQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var current = query;
        return new DelegatingAsyncPageable<JsonElement>(
            async (token, ct) =>
            {
                var (page, used) = await QueryPageAsync(current, token, ct).ConfigureAwait(false);
                current = used;
                return page;
            },
            cancellationToken);
    }

    /// <summary>True for Resource Graph's response-size refusal (400 with <c>ResponsePayloadTooLarge</c> as the code or a detail's code).</summary>
    internal static bool IsPayloadTooLarge(RequestFailedException ex)
    {
        if (ex.Status != 400)
        {
            return false;
        }

        if (string.Equals(ex.ErrorCode, "ResponsePayloadTooLarge", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var content = ex.GetRawResponse()?.Content;
        if (content is null)
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(content);
            return document.RootElement.TryGetProperty("error", out var error)
                && error.TryGetProperty("details", out var details)
                && details.ValueKind == JsonValueKind.Array
                && details.EnumerateArray().Any(d => d.TryGetProperty("code", out var code)
                    && string.Equals(code.GetString(), "ResponsePayloadTooLarge", StringComparison.OrdinalIgnoreCase));
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private async Task<(Page<JsonElement> Page, ResourceGraphQuery Used)> QueryPageAsync(ResourceGraphQuery query, string? skipToken, CancellationToken cancellationToken)
    {
        var uri = _sender.Resolve($"providers/Microsoft.ResourceGraph/resources?api-version={ApiVersion}");
        ArmResult result;
        while (true)
        {
            try
            {
                result = await _sender.SendAsync(RequestMethod.Post, uri, query.ToRequestBody(skipToken), cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (RequestFailedException ex) when (IsPayloadTooLarge(ex))
            {
                if (query.PageSize <= PageSizeFloor)
                {
                    throw new RequestFailedException(
                        ex.Status,
                        $"Resource Graph refused the page as too large (ResponsePayloadTooLarge) even at {query.PageSize} rows a page.",
                        "ResponsePayloadTooLarge",
                        ex);
                }

                query = query with { PageSize = Math.Max(PageSizeFloor, query.PageSize / 2) };
            }
        }

        using var document = result.ParseJson();
        var root = document.RootElement;
        var rows = new List<JsonElement>();
        if (root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array)
        {
            foreach (var row in data.EnumerateArray())
            {
                rows.Add(row.Clone());
            }
        }

        var next = root.TryGetProperty("$skipToken", out var tokenElement) && tokenElement.ValueKind == JsonValueKind.String
            ? tokenElement.GetString()
            : null;

        if (string.IsNullOrEmpty(next)
            && root.TryGetProperty("resultTruncated", out var truncated)
            && string.Equals(truncated.ToString(), "true", StringComparison.OrdinalIgnoreCase))
        {
            // Rows are missing and there is no way to page to them: "none missed" cannot be promised from this answer.
            throw new RequestFailedException(result.Status, "Resource Graph truncated the result and returned no $skipToken to page through it.", "ResultTruncated", null);
        }

        if (!string.IsNullOrEmpty(next)
            && ResourceGraphQuota.TryGetRemaining(result.Response, out var remaining) && remaining <= 0
            && ResourceGraphQuota.TryGetResetsAfter(result.Response, out var resetsAfter) && resetsAfter > TimeSpan.Zero)
        {
            await Task.Delay(resetsAfter, _timeProvider, cancellationToken).ConfigureAwait(false);
        }

        return (Page<JsonElement>.FromValues(rows, next, result.Response), query);
    }
}

/// <summary>
/// A Resource Graph query and its scope: explicit subscriptions, management groups, or neither (the tenant).
/// <see cref="PageSize"/> is <c>$top</c> (1–1,000). Paging needs the query to project <c>id</c> and order by it.
/// </summary>
public sealed record ResourceGraphQuery
{
    public required string Query { get; init; }

    public IReadOnlyList<string> Subscriptions { get; init; } = [];

    public IReadOnlyList<string> ManagementGroups { get; init; } = [];

    public int PageSize { get; init; } = 1000;

    internal BinaryData ToRequestBody(string? skipToken)
    {
        if (PageSize is < 1 or > 1000)
        {
            throw new InvalidOperationException($"Resource Graph pages hold 1 to 1,000 rows; PageSize is {PageSize}.");
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("query", Query);
            WriteArray(writer, "subscriptions", Subscriptions);
            WriteArray(writer, "managementGroups", ManagementGroups);
            writer.WriteStartObject("options");
            writer.WriteString("resultFormat", "objectArray");
            writer.WriteNumber("$top", PageSize);
            if (!string.IsNullOrEmpty(skipToken))
            {
                writer.WriteString("$skipToken", skipToken);
            }

            if (ManagementGroups.Count > 0)
            {
                writer.WriteBoolean("allowPartialScopes", true);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return new BinaryData(buffer.ToArray());
    }

    private static void WriteArray(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }
}
