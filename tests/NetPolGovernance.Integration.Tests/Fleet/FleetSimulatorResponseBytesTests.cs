using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NetPolGovernance.Simulator.Fleet;
using NetPolGovernance.Simulator.Kubernetes;
using KubeClient = k8s.Kubernetes;

namespace NetPolGovernance.Integration.Tests.Fleet;

/// <summary>
/// Pins the exact bytes the fleet simulator serves for lists of pods, so work on how fast it generates and writes
/// them cannot change what it serves. The expected hashes were computed from the simulator as it was before that
/// work; a change to the pods' content must update them on purpose.
/// </summary>
public sealed class FleetSimulatorResponseBytesTests
{
    private const string MetadataListAccept = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

    [Theory]
    [InlineData(1, 0, "metadata-pages", "b1c1b9587227a83a5f8298eeacd34f52c5d8f36c851c9cfe05c4f0027c9084af")]
    [InlineData(1, 0, "full-pages", "6db857d682db96c92925eb8c51c5574fac3b9d5011cc910d114565d6bcf0391c")]
    [InlineData(1, 0, "full-unpaged", "2495f3c0ee50b29a072c261a337ab298e2fe012f6ddd95523e823b1498726758")]
    [InlineData(1, 0, "namespace-filtered", "5624ea5d1641ff9ae6434ae9cb40912557da311113515823433160b7de4d73af")]
    [InlineData(1, 1, "metadata-pages", "13e4025fd6af0750bba983739d3ec48b4d3b6793f9d130b3ca8c626e139b52e6")]
    [InlineData(1, 1, "full-pages", "17c33411fc5e0489996e5a6b0ec16ead6745988d6cdff15ac75aed3473ecf36d")]
    [InlineData(7, 2, "metadata-pages", "40e5df7fddbf0c566fca46874cc20234f309be55da248ad9f809cfc3d18d9790")]
    [InlineData(7, 2, "full-pages", "83f96c78ef84643c7cbfd65f2711126fd3c4e992e123fce92d7456465f2c027c")]
    [InlineData(7, 3, "metadata-unpaged", "36e594fedff57bad576f5cdf0017a101a02aee3f25457104281dd15235f3f20e")]
    [InlineData(42, 1, "metadata-pages", "1812741f8830a68173c62eaae87c0a58a9f0f4e5989fe7a7963e6993b101844a")]
    [InlineData(42, 1, "namespace-filtered", "1ee12d6f560f3adc519125a8e874a0def1ef4c69b610be0a2c273b4d867ac38b")]
    public async Task ListPods_SameSeed_ServesThePinnedBytes(int seed, int clusterIndex, string request, string expectedSha256)
    {
        var ct = TestContext.Current.CancellationToken;
        var options = new FleetSimulationOptions
        {
            Seed = seed,
            Clusters = 4,
            NamespacesPerCluster = 9,
            PodsPerNamespace = 70,
            PrivateRate = 0,
            StoppedRate = 0,
            FaultRate = 0,
            Overrides = new Dictionary<int, ClusterOverride>
            {
                [1] = new() { Engine = SimulatedEngine.Calico },
                [2] = new() { Engine = SimulatedEngine.Cilium },
            },
        };
        await using var simulator = await FleetSimulator.StartAsync(options, ct);
        var plan = simulator.Fleet.Cluster(clusterIndex);
        using var client = new KubeClient(simulator.Cluster(plan.Name)!.CreateClientConfiguration());
        var busiest = plan.Namespaces.MaxBy(n => n.PodCount)!.Name;

        var (path, accept, limit) = request switch
        {
            "metadata-pages" => ("api/v1/pods", MetadataListAccept, 97),
            "metadata-unpaged" => ("api/v1/pods", MetadataListAccept, 0),
            "full-pages" => ("api/v1/pods", "application/json", 150),
            "full-unpaged" => ("api/v1/pods", "application/json", 0),
            "namespace-filtered" => ($"api/v1/namespaces/{busiest}/pods", "application/json", 0),
            _ => throw new ArgumentOutOfRangeException(nameof(request), request, "unknown request kind"),
        };
        var pages = await FetchPagesAsync(client, path, accept, limit, ct);

        Assert.Equal(limit == 0 ? 1 : (plan.Namespaces.Where(n => request != "namespace-filtered" || n.Name == busiest).Sum(n => n.PodCount) + limit - 1) / limit, pages.Count);
        Assert.Equal(expectedSha256, Sha256(pages));
    }

    [Theory]
    [InlineData(1, 0, false, "364e3dfade9e6e3eb4a4962c2428e4abd3fc98291277b7faf398714960a53754")]
    [InlineData(1, 0, true, "64d78556368b32b86c31b3654e21d5fdbec22ddb9ac88a86707be39b3dbc7c41")]
    [InlineData(3, 1, true, "a19f54d6158bba942e8a5732d03858c0e1a2bae535d6394d52aee551522b8d14")]
    [InlineData(3, 2, false, "53dba446104d4f6982bd8edeb07f6da4e96d55a2027493506a58df9c0a4ed8d0")]
    public void WriteItems_LargeClusterAllPods_WritesThePinnedBytes(int seed, int clusterIndex, bool metadataOnly, string expectedSha256)
    {
        var plan = new SimulatedFleet(new FleetSimulationOptions { Seed = seed, Clusters = 3, NamespacesPerCluster = 50, PodsPerNamespace = 500 }).Cluster(clusterIndex);
        var pods = new SimulatedClusterSource(new SimulatedClusterObjects(plan, seed)).List(ApiResources.Pods)!;
        var buffer = new ArrayBufferWriter<byte>();

        using (var writer = new Utf8JsonWriter(buffer, LoopbackJson.WriterOptions))
        {
            writer.WriteStartArray();
            pods.WriteItems(writer, 0, pods.Count / 3, metadataOnly);
            pods.WriteItems(writer, pods.Count / 3, pods.Count - (pods.Count / 3), metadataOnly);
            writer.WriteEndArray();
        }

        Assert.Equal(plan.PodCount, JsonDocument.Parse(buffer.WrittenMemory).RootElement.GetArrayLength());
        Assert.Equal(expectedSha256, Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan)));
    }

    private static async Task<List<byte[]>> FetchPagesAsync(KubeClient client, string path, string accept, int limit, CancellationToken ct)
    {
        var pages = new List<byte[]>();
        string? next = null;
        do
        {
            var query = limit > 0 ? $"?limit={limit}" + (next is null ? string.Empty : "&continue=" + Uri.EscapeDataString(next)) : string.Empty;
            using var message = new HttpRequestMessage(HttpMethod.Get, new Uri(client.BaseUri, path + query));
            message.Headers.TryAddWithoutValidation("Accept", accept);
            await client.Credentials.ProcessHttpRequestAsync(message, ct);
            using var response = await client.HttpClient.SendAsync(message, ct);
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadAsByteArrayAsync(ct);
            pages.Add([.. Encoding.UTF8.GetBytes(response.Content.Headers.ContentType!.ToString() + "\n"), .. body]);
            using var document = JsonDocument.Parse(body);
            next = document.RootElement.GetProperty("metadata").TryGetProperty("continue", out var token) ? token.GetString() : null;
        }
        while (next is not null);

        return pages;
    }

    private static string Sha256(List<byte[]> pages)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var page in pages)
        {
            hash.AppendData(page);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
