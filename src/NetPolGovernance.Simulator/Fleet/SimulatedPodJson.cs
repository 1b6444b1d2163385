using System.Buffers;
using System.Globalization;
using System.Text.Json;
using NetPolGovernance.Simulator.Kubernetes;

namespace NetPolGovernance.Simulator.Fleet;

/// <summary>
/// The wire JSON of the pods of one workload in one namespace, encoded once: pods of a workload differ only in their
/// name suffix, their two uids and (for full pods) the node digit, so writing a pod fills those fixed-width slots in
/// place and copies the bytes to the list. A 25,000-pod cluster is served from a handful of these per page instead of
/// formatting some twenty strings per pod. One instance serves one writer at a time (its bytes are reused).
/// </summary>
internal sealed class SimulatedPodJson
{
    public const int SuffixLength = 5;
    private const int UidLength = 36;
    private const char Slot = '#';

    private readonly byte[] _json;
    private readonly int _suffixAt;
    private readonly int _uidAt;
    private readonly int _ownerUidAt;
    private readonly int _nodeAt;

    /// <summary>
    /// Encodes the pods of <paramref name="workload"/> in <paramref name="ns"/>: with <paramref name="metadataOnly"/>
    /// as <c>PartialObjectMetadata</c> items, otherwise as pods without kind/apiVersion (as built-in lists carry them).
    /// </summary>
    public SimulatedPodJson(string ns, string workload, string templateHash, bool metadataOnly, long resourceVersion, bool cronJob = false)
    {
        // The pod is written as it always was, with the varying parts as runs of a character no Kubernetes name holds.
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, LoopbackJson.WriterOptions))
        {
            WriteTemplate(writer, ns, workload, templateHash, metadataOnly, resourceVersion, cronJob);
        }

        _json = buffer.WrittenSpan.ToArray();
        var slots = new List<int>(4);
        for (var i = 0; i < _json.Length; i++)
        {
            if (_json[i] == (byte)Slot && (i == 0 || _json[i - 1] != (byte)Slot))
            {
                slots.Add(i);
            }
        }

        // In the order the pod holds them: name suffix, uid, owner uid, then the node digit of a full pod.
        _suffixAt = slots[0];
        _uidAt = slots[1];
        _ownerUidAt = slots[2];
        _nodeAt = metadataOnly ? -1 : slots[3];
    }

    /// <summary>Writes one pod of the workload as the next list item.</summary>
    public void Write(Utf8JsonWriter writer, int replica, Guid uid, Guid ownerUid, int node)
    {
        SimulatedClusterObjects.WriteSuffix(replica, _json.AsSpan(_suffixAt, SuffixLength));
        uid.TryFormat(_json.AsSpan(_uidAt, UidLength), out _);
        ownerUid.TryFormat(_json.AsSpan(_ownerUidAt, UidLength), out _);
        if (_nodeAt >= 0)
        {
            _json[_nodeAt] = (byte)('0' + node);
        }

        writer.WriteRawValue(_json, skipInputValidation: true);
    }

    /// <summary>The Job a CronJob's pods belong to: the CronJob's name and its scheduled time in minutes since the epoch.</summary>
    internal static string JobName(string cronJob) => cronJob + "-29449440";

    private static void WriteTemplate(Utf8JsonWriter writer, string ns, string workload, string templateHash, bool metadataOnly, long resourceVersion, bool cronJob)
    {
        var generateName = $"{workload}-{templateHash}-";
        writer.WriteStartObject();
        if (metadataOnly)
        {
            writer.WriteString("kind"u8, "PartialObjectMetadata");
            writer.WriteString("apiVersion"u8, "meta.k8s.io/v1");
        }

        writer.WritePropertyName("metadata"u8);

        writer.WriteStartObject();
        writer.WriteString("name"u8, generateName + Slots(SuffixLength));
        writer.WriteString("generateName"u8, generateName);
        writer.WriteString("namespace"u8, ns);
        writer.WriteString("uid"u8, Slots(UidLength));
        writer.WriteString("resourceVersion"u8, resourceVersion.ToString(CultureInfo.InvariantCulture));
        writer.WriteString("creationTimestamp"u8, "2026-01-01T00:00:00Z");
        writer.WriteStartObject("labels"u8);
        writer.WriteString(workload is "coredns" ? "k8s-app"u8 : "app"u8, workload is "coredns" ? "kube-dns" : workload);
        if (cronJob)
        {
            writer.WriteString("batch.kubernetes.io/job-name"u8, JobName(workload));
            writer.WriteString("job-name"u8, JobName(workload));
        }
        else
        {
            writer.WriteString("pod-template-hash"u8, templateHash);
        }

        writer.WriteEndObject();
        writer.WriteStartArray("ownerReferences"u8);
        writer.WriteStartObject();
        writer.WriteString("apiVersion"u8, cronJob ? "batch/v1" : "apps/v1");
        writer.WriteString("kind"u8, cronJob ? "Job" : workload == "calico-node" ? "DaemonSet" : "ReplicaSet");
        writer.WriteString("name"u8, cronJob ? JobName(workload) : workload == "calico-node" ? workload : $"{workload}-{templateHash}");
        writer.WriteString("uid"u8, Slots(UidLength));
        writer.WriteBoolean("controller"u8, true);
        writer.WriteBoolean("blockOwnerDeletion"u8, true);
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
        if (metadataOnly)
        {
            writer.WriteEndObject();
            return;
        }

        writer.WriteStartObject("spec"u8);
        writer.WriteStartArray("containers"u8);
        writer.WriteStartObject();
        writer.WriteString("name"u8, workload);
        writer.WriteString("image"u8, $"registry.example/{workload}:1.4.2");
        writer.WriteStartArray("ports"u8);
        writer.WriteStartObject();
        writer.WriteString("name"u8, "http");
        writer.WriteNumber("containerPort"u8, 8080);
        writer.WriteString("protocol"u8, "TCP");
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteString("nodeName"u8, "aks-nodepool1-12345678-vmss00000" + Slots(1));
        writer.WriteEndObject();
        writer.WriteStartObject("status"u8);
        writer.WriteString("phase"u8, "Running");
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static string Slots(int length) => new(Slot, length);
}
