using System.IO.Compression;
using System.Text;
using System.Text.Json;
using NetPolGovernance.Connectors.LogAnalytics;

namespace NetPolGovernance.Integration.Tests.LogAnalytics;

public sealed class RowBatcherTests
{
    [Fact]
    public void Batch_RowsOverLimit_EveryBatchWithinLimitAndOrderKept()
    {
        var rows = Enumerable.Range(0, 100).Select(i => Row(i, 90)).ToArray();

        var batches = RowBatcher.Batch(rows, maxBodyBytes: 1000).ToArray();

        Assert.True(batches.Length > 1);
        Assert.All(batches, b => Assert.InRange(b.BodyBytes, 3, 1000));
        Assert.Equal(rows, batches.SelectMany(b => b.Rows));
    }

    [Fact]
    public void Batch_BodyBytes_EqualsWrittenJsonLengthAndParses()
    {
        var batch = Assert.Single(RowBatcher.Batch([Row(1, 40), Row(2, 50), Row(3, 60)]));

        using var body = new MemoryStream();
        batch.WriteJsonArray(body);

        Assert.Equal(body.Length, batch.BodyBytes);
        Assert.Equal(3, JsonDocument.Parse(body.ToArray()).RootElement.GetArrayLength());
    }

    [Fact]
    public void Batch_ExactlyAtLimit_StaysOneBatch()
    {
        // 2 brackets + 2 rows of 499 + 1 comma = 1001
        var batches = RowBatcher.Batch([Row(1, 499), Row(2, 499)], maxBodyBytes: 1001).ToArray();

        Assert.Single(batches);
        Assert.Equal(1001, batches[0].BodyBytes);
    }

    [Fact]
    public void Batch_OversizedRow_IsItsOwnBatch()
    {
        var big = Row(2, 5000);

        var batches = RowBatcher.Batch([Row(1, 100), big, Row(3, 100)], maxBodyBytes: 1000).ToArray();

        Assert.Equal(3, batches.Length);
        Assert.Same(big, Assert.Single(batches[1].Rows));
    }

    [Fact]
    public void Batch_NoRows_NoBatches()
    {
        Assert.Empty(RowBatcher.Batch([]));
    }

    [Fact]
    public void Batch_DefaultLimit_IsOneMebibyte()
    {
        var rows = Enumerable.Range(0, 3000).Select(i => Row(i, 1000)).ToArray();

        var batches = RowBatcher.Batch(rows).ToArray();

        Assert.Equal(3, batches.Length);
        Assert.All(batches, b => Assert.True(b.BodyBytes <= 1024 * 1024));
    }

    [Fact]
    public void ToGzipJson_Decompressed_EqualsJsonArray()
    {
        var batch = RowBatch.Of([Row(1, 200), Row(2, 300)]);

        using var gzip = new GZipStream(new MemoryStream(batch.ToGzipJson()), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        gzip.CopyTo(plain);

        Assert.Equal(batch.BodyBytes, plain.Length);
        Assert.Equal(2, JsonDocument.Parse(plain.ToArray()).RootElement.GetArrayLength());
    }

    [Fact]
    public void Split_ThreeRows_HalvesKeepEveryRowInOrder()
    {
        var rows = new[] { Row(1, 30), Row(2, 30), Row(3, 30) };

        var (first, second) = RowBatch.Of(rows).Split();

        Assert.Equal(rows, first.Rows.Concat(second.Rows));
        Assert.Single(first.Rows);
    }

    /// <summary>A JSON object of exactly <paramref name="length"/> bytes.</summary>
    private static byte[] Row(int id, int length)
    {
        var prefix = $"{{\"Id\":{id},\"Pad\":\"";
        const string Suffix = "\"}";
        var pad = new string('x', length - prefix.Length - Suffix.Length);
        return Encoding.UTF8.GetBytes(prefix + pad + Suffix);
    }
}
