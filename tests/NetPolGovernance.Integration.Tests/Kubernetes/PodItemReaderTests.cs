using System.Globalization;
using System.Text;
using System.Text.Json;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Connectors.Kubernetes.Objects;

namespace NetPolGovernance.Integration.Tests.Kubernetes;

/// <summary>
/// <see cref="PodItemReader"/> (the fast path for metadata-only pod list items) either declines an item or reads it
/// exactly as <see cref="KubernetesObjectReader.ReadPodListItem"/> does; what it declines, the general reader reads
/// (or rejects naming the field). Identical label sets are shared within one reader.
/// </summary>
public sealed class PodItemReaderTests
{
    public static TheoryData<int> Seeds => [1, 2, 3, 4, 5, 6, 7, 8];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void TryRead_GeneratedMetadataItems_DeclinesOrMatchesTheGeneralReader(int seed)
    {
        var generator = new PodItemGenerator(new Random(seed));
        var reader = new PodItemReader();
        var daemonSets = new List<string>();
        var (read, declined) = (0, 0);

        for (var i = 0; i < 400; i++)
        {
            var item = generator.Next(i);
            var (expected, expectedError) = ReadWithGeneralReader(item);
            daemonSets.Clear();

            if (!reader.TryRead(Encoding.UTF8.GetBytes(item), out var pod, out var owner, daemonSets))
            {
                declined++;
                continue;
            }

            read++;
            Assert.True(expectedError is null, $"the fast reader read an item the general reader rejects ({expectedError}): {item}");
            AssertSamePod(expected!.Value.Pod, pod!, item);
            Assert.True(Equals(expected.Value.Owner, owner), $"owner {owner} differs from {expected.Value.Owner}: {item}");
            Assert.True(DaemonSetOwners(item).SequenceEqual(daemonSets), $"DaemonSet owners [{string.Join(",", daemonSets)}] differ: {item}");
        }

        // The generator must exercise both paths, or the comparison proves nothing.
        Assert.True(read >= 150, $"only {read} of 400 items took the fast path");
        Assert.True(declined >= 20, $"only {declined} of 400 items were declined");
    }

    [Fact]
    public void TryRead_PlainMetadataItem_ReadsPodOwnerAndEveryDaemonSetOwner()
    {
        const string Item = """
            {"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"agent-x1","namespace":"kube-system",
             "uid":"u-1","labels":{"app":"agent","tier":null},"annotations":{"note":"a \"quoted\" value"},
             "ownerReferences":[{"apiVersion":"apps/v1","kind":"DaemonSet","name":"agent","uid":"d1"},
                                {"kind":"DaemonSet","name":"agent-canary","controller":true,"blockOwnerDeletion":true},
                                {"kind":"Node","name":"node-1","controller":false}],
             "managedFields":[{"manager":"kubelet","fieldsV1":{"f:metadata":{"f:labels":{".":{}}}}}]}}
            """;
        var daemonSets = new List<string>();

        var read = new PodItemReader().TryRead(Encoding.UTF8.GetBytes(Item), out var pod, out var owner, daemonSets);

        Assert.True(read);
        Assert.Equal("kube-system", pod!.Namespace);
        Assert.Equal("agent-x1", pod.Name);
        Assert.Equal(new Dictionary<string, string> { ["app"] = "agent", ["tier"] = string.Empty }, pod.Labels);
        Assert.Null(pod.ContainerPorts);
        Assert.False(pod.HostNetwork);
        Assert.Equal(new OwnerReference("DaemonSet", "agent-canary"), owner);
        Assert.Equal(["agent", "agent-canary"], daemonSets);
    }

    /// <summary>Items the fast reader must decline, with what the general reader makes of them.</summary>
    public static TheoryData<string, string, string> DeclinedItems => new()
    {
        {
            "full pod with a spec",
            """{"metadata":{"name":"web","namespace":"a"},"spec":{"hostNetwork":true,"containers":[{"name":"c","ports":[{"name":"http","containerPort":8080}]}]}}""",
            "a/web labels=[] owner=- ports=[http:8080/TCP] hostNetwork=True"
        },
        {
            "escaped name",
            """{"metadata":{"name":"w\u0065b","namespace":"a"}}""",
            "a/web labels=[] owner=- ports=- hostNetwork=False"
        },
        {
            "escaped namespace",
            """{"metadata":{"name":"web","namespace":"\u0061"}}""",
            "a/web labels=[] owner=- ports=- hostNetwork=False"
        },
        {
            "escaped label key",
            """{"metadata":{"name":"web","namespace":"a","labels":{"app\/x":"web"}}}""",
            "a/web labels=[app/x=web] owner=- ports=- hostNetwork=False"
        },
        {
            "escaped label value",
            """{"metadata":{"name":"web","namespace":"a","labels":{"app":"w\"eb"}}}""",
            "a/web labels=[app=w\"eb] owner=- ports=- hostNetwork=False"
        },
        {
            "escaped owner name",
            """{"metadata":{"name":"web","namespace":"a","ownerReferences":[{"kind":"ReplicaSet","name":"r\u0073","controller":true}]}}""",
            "a/web labels=[] owner=ReplicaSet/rs ports=- hostNetwork=False"
        },
        {
            "numeric label value",
            """{"metadata":{"name":"web","namespace":"a","labels":{"replicas":3}}}""",
            "a/web labels=[replicas=3] owner=- ports=- hostNetwork=False"
        },
        {
            "boolean label value",
            """{"metadata":{"name":"web","namespace":"a","labels":{"canary":true}}}""",
            "a/web labels=[canary=true] owner=- ports=- hostNetwork=False"
        },
        {
            "null labels",
            """{"metadata":{"name":"web","namespace":"a","labels":null}}""",
            "a/web labels=[] owner=- ports=- hostNetwork=False"
        },
        {
            "null namespace",
            """{"metadata":{"name":"web","namespace":null}}""",
            "default/web labels=[] owner=- ports=- hostNetwork=False"
        },
        {
            "null ownerReferences",
            """{"metadata":{"name":"web","namespace":"a","ownerReferences":null}}""",
            "a/web labels=[] owner=- ports=- hostNetwork=False"
        },
        {
            "numeric name",
            """{"metadata":{"name":42,"namespace":"a"}}""",
            "a/42 labels=[] owner=- ports=- hostNetwork=False"
        },
        {
            "another kind of object",
            """{"kind":"Deployment","metadata":{"name":"web","namespace":"a"}}""",
            "a/web labels=[] owner=- ports=- hostNetwork=False"
        },
        {
            "missing name",
            """{"metadata":{"namespace":"a","labels":{"app":"web"}}}""",
            "error: metadata.name: is required"
        },
        {
            "empty name",
            """{"metadata":{"name":"","namespace":"a"}}""",
            "error: metadata.name: is required"
        },
        {
            "null name",
            """{"metadata":{"name":null,"namespace":"a"}}""",
            "error: metadata.name: is required"
        },
        {
            "no metadata",
            """{"kind":"PartialObjectMetadata"}""",
            "error: metadata.name: is required"
        },
        {
            "non-bool controller",
            """{"metadata":{"name":"web","namespace":"a","ownerReferences":[{"kind":"ReplicaSet","name":"rs","controller":"yes"}]}}""",
            "error: metadata.ownerReferences[0].controller: expected true or false, found the string \"yes\""
        },
        {
            "owner that is not a mapping",
            """{"metadata":{"name":"web","namespace":"a","ownerReferences":[{"kind":"ReplicaSet","name":"rs"},"rs"]}}""",
            "error: metadata.ownerReferences[1]: expected a mapping, found a string"
        },
        {
            "labels as a list",
            """{"metadata":{"name":"web","namespace":"a","labels":["app"]}}""",
            "error: metadata.labels: expected a mapping of strings, found a list"
        },
        {
            "label value that is a mapping",
            """{"metadata":{"name":"web","namespace":"a","labels":{"app":{"x":1}}}}""",
            "error: metadata.labels.app: expected a scalar, found a mapping"
        },
        {
            "metadata that is a string",
            """{"metadata":"web"}""",
            "error: metadata: expected a mapping, found a string"
        },
    };

    [Theory]
    [MemberData(nameof(DeclinedItems))]
    public void TryRead_ItemThatIsNotPlainMetadata_DeclinesAndTheGeneralReaderDecides(string why, string item, string expected)
    {
        var daemonSets = new List<string>();

        var read = new PodItemReader().TryRead(Encoding.UTF8.GetBytes(item), out var pod, out var owner, daemonSets);

        Assert.False(read, $"the fast reader read a {why}");
        Assert.Null(pod);
        Assert.Null(owner);
        var (general, error) = ReadWithGeneralReader(item);
        Assert.Equal(expected, error is null ? Describe(general!.Value.Pod, general.Value.Owner) : $"error: {error}");
    }

    [Theory]
    [InlineData("namespace")]
    [InlineData("label key")]
    [InlineData("label value")]
    [InlineData("owner name")]
    public void TryRead_InvalidUtf8_Declines(string where)
    {
        var item = where switch
        {
            "namespace" => """{"metadata":{"name":"p","namespace":"BAD"}}""",
            "label key" => """{"metadata":{"name":"p","namespace":"a","labels":{"BAD":"x"}}}""",
            "label value" => """{"metadata":{"name":"p","namespace":"a","labels":{"app":"BAD"}}}""",
            _ => """{"metadata":{"name":"p","namespace":"a","ownerReferences":[{"kind":"ReplicaSet","name":"BAD","controller":true}]}}""",
        };
        var bytes = new List<byte>();
        var parts = item.Split("BAD");
        bytes.AddRange(Encoding.UTF8.GetBytes(parts[0]));
        bytes.Add(0xFF);
        bytes.AddRange(Encoding.UTF8.GetBytes(parts[1]));

        var read = new PodItemReader().TryRead(bytes.ToArray(), out var pod, out _, []);

        Assert.False(read, $"invalid UTF-8 in the {where} was read as {pod?.Namespace}/{pod?.Name} instead of being declined");
    }

    [Fact]
    public void TryRead_IdenticalLabelsInOneReader_ShareOneMapNamespaceAndOwner()
    {
        var reader = new PodItemReader();
        var other = new PodItemReader();

        var first = Read(reader, Plain("web-1", "shop", """{"app":"web","tier":"front"}""", "web-7d9"));
        var second = Read(reader, Plain("web-2", "shop", """{"app":"web","tier":"front"}""", "web-7d9"));
        var different = Read(reader, Plain("api-1", "shop", """{"app":"api","tier":"front"}""", "api-5f1"));
        var elsewhere = Read(other, Plain("web-3", "shop", """{"app":"web","tier":"front"}""", "web-7d9"));

        Assert.Same(first.Pod.Labels, second.Pod.Labels);
        Assert.Same(first.Pod.Namespace, second.Pod.Namespace);
        Assert.Same(first.Owner, second.Owner);
        Assert.NotSame(first.Pod.Labels, different.Pod.Labels);
        Assert.Same(first.Pod.Labels["tier"], different.Pod.Labels["tier"]);
        Assert.Equal(first.Pod.Labels, elsewhere.Pod.Labels);
        Assert.NotSame(first.Pod.Labels, elsewhere.Pod.Labels);
        Assert.NotSame(first.Owner, elsewhere.Owner);
    }

    private static string Plain(string name, string ns, string labels, string replicaSet) =>
        "{\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + ns + "\",\"labels\":" + labels
        + ",\"ownerReferences\":[{\"kind\":\"ReplicaSet\",\"name\":\"" + replicaSet + "\",\"controller\":true}]}}";

    private static (PodInfo Pod, OwnerReference? Owner) Read(PodItemReader reader, string item)
    {
        Assert.True(reader.TryRead(Encoding.UTF8.GetBytes(item), out var pod, out var owner, []), $"declined: {item}");
        return (pod!, owner);
    }

    private static ((PodInfo Pod, OwnerReference? Owner)? Result, string? Error) ReadWithGeneralReader(string item)
    {
        using var document = JsonDocument.Parse(item);
        try
        {
            return (KubernetesObjectReader.ReadPodListItem(document.RootElement), null);
        }
        catch (KubernetesObjectFormatException ex)
        {
            return (null, ex.Message);
        }
    }

    private static void AssertSamePod(PodInfo expected, PodInfo actual, string item)
    {
        Assert.True(expected.Namespace == actual.Namespace, $"namespace '{actual.Namespace}' differs from '{expected.Namespace}': {item}");
        Assert.True(expected.Name == actual.Name, $"name '{actual.Name}' differs from '{expected.Name}': {item}");
        Assert.True(
            expected.Labels.Count == actual.Labels.Count && expected.Labels.All(l => actual.Labels.TryGetValue(l.Key, out var v) && v == l.Value),
            $"labels [{Labels(actual)}] differ from [{Labels(expected)}]: {item}");
        Assert.Null(actual.ContainerPorts);
        Assert.Null(expected.ContainerPorts);
        Assert.False(actual.HostNetwork);
        Assert.Null(actual.DerivedFrom);
        Assert.Null(actual.Source);
    }

    /// <summary>The names of the DaemonSets among an item's owners, as the collector reads them from a document.</summary>
    private static List<string> DaemonSetOwners(string item)
    {
        using var document = JsonDocument.Parse(item);
        return document.RootElement.TryGetProperty("metadata", out var metadata)
               && metadata.ValueKind == JsonValueKind.Object
               && metadata.TryGetProperty("ownerReferences", out var owners)
               && owners.ValueKind == JsonValueKind.Array
            ? [.. owners.EnumerateArray()
                .Where(o => o.ValueKind == JsonValueKind.Object
                            && o.TryGetProperty("kind", out var kind) && kind.ValueKind == JsonValueKind.String && kind.GetString() == "DaemonSet"
                            && o.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
                .Select(o => o.GetProperty("name").GetString()!)]
            : [];
    }

    private static string Describe(PodInfo pod, OwnerReference? owner)
    {
        var ports = pod.ContainerPorts is null ? "-" : $"[{string.Join(",", pod.ContainerPorts.Select(p => $"{p.Name}:{p.Port}/{p.Protocol}"))}]";
        return $"{pod.Namespace}/{pod.Name} labels=[{Labels(pod)}] owner={(owner is null ? "-" : $"{owner.Kind}/{owner.Name}")} ports={ports} hostNetwork={pod.HostNetwork}";
    }

    private static string Labels(PodInfo pod) => string.Join(",", pod.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));

    /// <summary>
    /// Metadata-only pod list items of many shapes, from a seed: labels present, absent, empty or null, with null,
    /// numeric or escaped values; namespace present, absent, empty or null; owners with or without controller, several
    /// DaemonSets, a missing kind or name; extra fields (uid, annotations with escapes, managedFields); keys shuffled.
    /// Values come from small pools, so label sets, namespaces and owners repeat as they do in a real cluster.
    /// </summary>
    private sealed class PodItemGenerator(Random random)
    {
        private static readonly string[] s_namespaces = ["shop", "kube-system", "payments"];
        private static readonly string[] s_labelKeys = ["app", "tier", "app.kubernetes.io/name", "pod-template-hash", "version"];
        private static readonly string[] s_labelValues = ["web", "api", "front", "v1", "7d9f8c", ""];
        private static readonly string[] s_ownerKinds = ["ReplicaSet", "DaemonSet", "StatefulSet", "Job", "Node"];
        private static readonly string[] s_ownerNames = ["web-7d9f8c", "cilium", "kube-proxy", "db", "batch-1"];

        public string Next(int index)
        {
            var metadata = new List<string>();
            AddSometimes(metadata, 0.93, "name", Pick(0.92, Str($"pod-{index}"), "\"\"", "null", index.ToString(CultureInfo.InvariantCulture)));
            AddSometimes(metadata, 0.9, "namespace", Pick(0.85, Str(Choose(s_namespaces)), "\"\"", "null", "7"));
            AddSometimes(metadata, 0.85, "labels", Labels());
            AddSometimes(metadata, 0.8, "ownerReferences", Owners());
            AddSometimes(metadata, 0.5, "uid", Str(random.Next().ToString("x8", CultureInfo.InvariantCulture)));
            AddSometimes(metadata, 0.5, "resourceVersion", Str(index.ToString(CultureInfo.InvariantCulture)));
            AddSometimes(metadata, 0.4, "annotations", """{"kubectl.kubernetes.io/last-applied-configuration":"{\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\"}}\n","n":"1"}""");
            AddSometimes(metadata, 0.3, "managedFields", """[{"manager":"kube-controller-manager","operation":"Update","fieldsV1":{"f:metadata":{"f:labels":{".":{},"f:app":{}},"f:ownerReferences":{}}}}]""");
            AddSometimes(metadata, 0.2, "generateName", Str("pod-"));

            var root = new List<string> { Member("metadata", Object(metadata)) };
            AddSometimes(root, 0.8, "kind", Pick(0.9, Str("PartialObjectMetadata"), Str("Pod")));
            AddSometimes(root, 0.6, "apiVersion", Str("meta.k8s.io/v1"));
            AddSometimes(root, 0.05, "status", """{"phase":"Running","podIP":"10.0.0.1"}""");
            return Object(root);
        }

        private string Labels()
        {
            var roll = random.NextDouble();
            if (roll < 0.08)
            {
                return "null";
            }

            if (roll < 0.16)
            {
                return "{}";
            }

            var members = new List<string>();
            foreach (var key in s_labelKeys.OrderBy(_ => random.Next()).Take(random.Next(1, 4)))
            {
                var value = random.NextDouble() switch
                {
                    < 0.06 => "null",
                    < 0.09 => "3",
                    < 0.11 => "true",
                    < 0.13 => "\"w\\u0065b\"",
                    _ => Str(Choose(s_labelValues)),
                };
                members.Add(Member(random.NextDouble() < 0.02 ? "ap\\u0070" : key, value));
            }

            return Object(members, shuffle: false);
        }

        private string Owners()
        {
            if (random.NextDouble() < 0.08)
            {
                return "[]";
            }

            var owners = new List<string>();
            for (var i = random.Next(1, 4); i > 0; i--)
            {
                var owner = new List<string>();
                AddSometimes(owner, 0.95, "kind", Str(Choose(s_ownerKinds)));
                AddSometimes(owner, 0.95, "name", Str(Choose(s_ownerNames)));
                AddSometimes(owner, 0.6, "controller", random.NextDouble() switch
                {
                    < 0.45 => "true",
                    < 0.9 => "false",
                    < 0.97 => "null",
                    _ => "\"true\"",
                });
                AddSometimes(owner, 0.7, "apiVersion", Str("apps/v1"));
                AddSometimes(owner, 0.7, "uid", Str("0f1e2d3c"));
                AddSometimes(owner, 0.4, "blockOwnerDeletion", "true");
                owners.Add(Object(owner));
            }

            return $"[{string.Join(",", owners)}]";
        }

        private void AddSometimes(List<string> members, double probability, string key, string value)
        {
            if (random.NextDouble() < probability)
            {
                members.Add(Member(key, value));
            }
        }

        private string Pick(double firstProbability, string first, params string[] others) =>
            random.NextDouble() < firstProbability ? first : others[random.Next(others.Length)];

        private string Choose(string[] values) => values[random.Next(values.Length)];

        private string Object(List<string> members, bool shuffle = true) =>
            $"{{{string.Join(random.NextDouble() < 0.5 ? "," : ", ", shuffle ? members.OrderBy(_ => random.Next()) : members)}}}";

        private static string Member(string key, string value) => $"\"{key}\":{value}";

        private static string Str(string value) => $"\"{value}\"";
    }
}
