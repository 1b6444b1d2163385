using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NetPolGovernance.Simulator.Fleet;
using NetPolGovernance.Simulator.Kubernetes;
using KubeClient = k8s.Kubernetes;

namespace NetPolGovernance.Integration.Tests.Fleet;

/// <summary>
/// Pins the exact bytes the fleet simulator serves for lists (pods and the small kinds), so work on how fast it generates and writes
/// them cannot change what it serves. The expected hashes were computed from the simulator as it was before that
/// work; a change to the pods' content must update them on purpose (last: the CronJob workload's Job-owned pods).
/// </summary>
public sealed class FleetSimulatorResponseBytesTests
{
    private const string MetadataListAccept = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

    [Theory]
    [InlineData(1, 0, "metadata-pages", "322b07c54e128cd064facc97f24f4455bc2caece8673dc79b23160498dc6af1d")]
    [InlineData(1, 0, "full-pages", "94f64c611f576e32d7902badd543f3070bdd496062f7dbcf2dbe03f5e8b3c4fe")]
    [InlineData(1, 0, "full-unpaged", "73268c632f5b10aec94be6e8d07879106341a7df7a0568fa1aef4ad0b52f9322")]
    [InlineData(1, 0, "namespace-filtered", "206fda457be842d66d87cf391d5cc74b24e7ff30e41b28721b0c865554d11911")]
    [InlineData(1, 1, "metadata-pages", "301a603c5cfd399be2ffc9af6b16ce88d2e3c28b07cbdf174546cfe9c75b339c")]
    [InlineData(1, 1, "full-pages", "d5733293c1ef1f0911951f0d8fef4b87fc075363296b290db36138676d91bb51")]
    [InlineData(7, 2, "metadata-pages", "db778054b83f05fadcf37fdb5883e79ff24458e786610920ec37ea1d5783e8be")]
    [InlineData(7, 2, "full-pages", "a6e84fc5631f782a753dc4f875b821c87dd3e11081c51a206685c301f24f9533")]
    [InlineData(7, 3, "metadata-unpaged", "7e46c75d7d4b61994d7c4111e6b62f5ffb095d98a8d61ab774fae11c0883ab80")]
    [InlineData(42, 1, "metadata-pages", "d0d1f9f1c7aed1632ec9bc2c3750eaaad72f43806c3b5353bc3483f71de96535")]
    [InlineData(42, 1, "namespace-filtered", "a2381832ec66c82b77dd62cffff4c20c75fcaf955836601f8d5e17c79dec0eda")]
    [InlineData(1, 0, "namespaces", "a8fb809e430fd66fddab662cff4b9845751754d472f7f569ea9097b4f53934ab")]
    [InlineData(1, 1, "namespaces-metadata", "4b4fa11114096f980f27b94f7700c9cf93b2090688fe27b544be2003256abb27")]
    [InlineData(1, 1, "networkpolicies", "730c822669062f87ced7151f41f1fd6aa909c6e85cfdad88423c9463657fe742")]
    [InlineData(7, 2, "networkpolicies", "3e1e26da8a4a5f02787bbe686cb12fafb07262b702ea513e72921f7fd1eb7650")]
    [InlineData(7, 0, "daemonsets", "298b214a288a217f2f4ef63c32166ca9d51630aaf3de1ea8f4d81e301b58f763")]
    [InlineData(1, 1, "calico-policies", "038695ef2c92d11af5bc6415ad07b9ef1e98a823104e678e4e2b5219a5bff7c7")]
    [InlineData(7, 2, "cilium-policies", "d517d18f1a49c1f0a0b1e03e3ad463601990c47f7a148f6ca852ca63d17640ea")]
    public async Task List_SameSeed_ServesThePinnedBytes(int seed, int clusterIndex, string request, string expectedSha256)
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
            "namespaces" => ("api/v1/namespaces", "application/json", 0),
            "namespaces-metadata" => ("api/v1/namespaces", MetadataListAccept, 0),
            "networkpolicies" => ("apis/networking.k8s.io/v1/networkpolicies", "application/json", 0),
            "daemonsets" => ("apis/apps/v1/daemonsets", "application/json", 0),
            "calico-policies" => ("apis/projectcalico.org/v3/networkpolicies", "application/json", 0),
            "cilium-policies" => ("apis/cilium.io/v2/ciliumnetworkpolicies", "application/json", 0),
            _ => throw new ArgumentOutOfRangeException(nameof(request), request, "unknown request kind"),
        };
        var pages = await FetchPagesAsync(client, path, accept, limit, ct);

        Assert.Equal(limit == 0 ? 1 : (plan.Namespaces.Where(n => request != "namespace-filtered" || n.Name == busiest).Sum(n => n.PodCount) + limit - 1) / limit, pages.Count);
        Assert.Equal(expectedSha256, Sha256(pages));
    }

    [Theory]
    [InlineData(1, 0, false, "ebf82ac242cec216b5e3775b43b9d1e8352593c463ab195ed363de614b09f2f5")]
    [InlineData(1, 0, true, "b337bdad081bc41303566f4cc23984aed018b08b73d7178a6a2a4b5eda28a3ca")]
    [InlineData(3, 1, true, "076e486e04524151367acb09498037ff755d4659ca9c14aa67547e7515e24487")]
    [InlineData(3, 2, false, "c5bb8b5f8b1775f927135d712a6804c51e1240edaf55b4cb84548de5a900ac6f")]
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
