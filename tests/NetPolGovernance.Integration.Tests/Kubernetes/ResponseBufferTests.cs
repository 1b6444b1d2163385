using System.IO.Pipelines;
using NetPolGovernance.Simulator.Kubernetes;

namespace NetPolGovernance.Integration.Tests.Kubernetes;

public sealed class ResponseBufferTests
{
    [Fact]
    public void Render_BodyAcrossManySegmentsAndOneLargerThanASegment_KeepsEveryByteInOrder()
    {
        var big = new string('x', 200_000);

        using var buffer = KubeApiResponses.Render(w =>
        {
            w.WriteStartArray();
            for (var i = 0; i < 30_000; i++)
            {
                w.WriteNumberValue(i);
            }

            w.WriteStringValue(big);
            w.WriteEndArray();
        });

        var expected = "[" + string.Join(',', Enumerable.Range(0, 30_000)) + ",\"" + big + "\"]";
        Assert.Equal(expected.Length, buffer.WrittenCount);
        Assert.Equal(expected, System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(100_001)]
    [InlineData(0)]
    public async Task CopyToAsync_WholeOrPart_WritesThatManyBytesInOrder(int length)
    {
        var ct = TestContext.Current.CancellationToken;
        using var buffer = KubeApiResponses.Render(w =>
        {
            w.WriteStartArray();
            for (var i = 0; i < 50_000; i++)
            {
                w.WriteStringValue("item");
            }

            w.WriteEndArray();
        });
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));

        await buffer.CopyToAsync(pipe.Writer, length, flushBytes: 32 * 1024, ct);
        await pipe.Writer.CompleteAsync();
        await using var received = new MemoryStream();
        await pipe.Reader.CopyToAsync(received, ct);

        var all = buffer.ToArray();
        Assert.Equal(all.AsSpan(0, Math.Min(length, all.Length)).ToArray(), received.ToArray());
        Assert.True(all.Length > 100_001, "the body spans several segments and flushes");
    }
}
