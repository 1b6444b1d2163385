using System.Text.Json;

namespace NetPolGovernance.Connectors.Flows;

/// <summary>
/// The primary table of a query answer, <c>{"tables":[{"name","columns":[{"name","type"}],"rows":[[...]]}]}</c>,
/// with cells looked up by column name (case-insensitive). An answer that carries an <c>error</c> beside its tables is
/// a partial result and is refused.
/// </summary>
public sealed class QueryResultTable : IDisposable
{
    private readonly JsonDocument _document;
    private readonly Dictionary<string, int> _columns;

    private QueryResultTable(JsonDocument document, Dictionary<string, int> columns, List<JsonElement> rows)
    {
        _document = document;
        _columns = columns;
        Rows = rows;
    }

    public IReadOnlyList<JsonElement> Rows { get; }

    public static QueryResultTable Parse(byte[] body)
    {
        ArgumentNullException.ThrowIfNull(body);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            throw new LogAnalyticsQueryException(200, $"the answer is not JSON: {ex.Message}");
        }

        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new LogAnalyticsQueryException(200, "the answer is not a JSON object with \"tables\"");
        }

        if (root.TryGetProperty("error", out _))
        {
            var text = LogAnalyticsQueryClient.ErrorText(body) ?? "partial error";
            document.Dispose();
            throw new LogAnalyticsQueryException(200, $"the answer is partial ({text}); it is not read as complete");
        }

        if (!root.TryGetProperty("tables", out var tables) || tables.ValueKind != JsonValueKind.Array || tables.GetArrayLength() == 0)
        {
            document.Dispose();
            throw new LogAnalyticsQueryException(200, "the answer has no \"tables\"");
        }

        var table = tables[0];
        var columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        if (table.TryGetProperty("columns", out var columnList) && columnList.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var column in columnList.EnumerateArray())
            {
                if (column.TryGetProperty("name", out var name) && name.GetString() is { } text)
                {
                    columns.TryAdd(text, i);
                }

                i++;
            }
        }

        var rows = table.TryGetProperty("rows", out var rowList) && rowList.ValueKind == JsonValueKind.Array
            ? rowList.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.Array).ToList()
            : [];
        return new QueryResultTable(document, columns, rows);
    }

    /// <summary>The cell of <paramref name="column"/> in <paramref name="row"/>, or null when the column is absent.</summary>
    public JsonElement? Cell(JsonElement row, string column) =>
        _columns.TryGetValue(column, out var index) && index < row.GetArrayLength() ? row[index] : null;

    public void Dispose() => _document.Dispose();
}
