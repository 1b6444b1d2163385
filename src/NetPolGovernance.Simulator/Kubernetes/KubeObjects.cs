using System.Text.Json.Nodes;

namespace NetPolGovernance.Simulator.Kubernetes;

/// <summary>Builders for wire objects that tests and simulators load into a <see cref="KubeObjectStore"/>.</summary>
internal static class KubeObjects
{
    public static JsonObject Namespace(string name, IReadOnlyDictionary<string, string>? labels = null) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Namespace",
        ["metadata"] = Metadata(name, null, labels),
    };

    /// <summary>A pod with one container; <paramref name="ports"/> are (name, port) pairs, TCP.</summary>
    public static JsonObject Pod(
        string ns,
        string name,
        IReadOnlyDictionary<string, string>? labels = null,
        IEnumerable<(string? Name, int Port)>? ports = null,
        bool hostNetwork = false)
    {
        var container = new JsonObject { ["name"] = "app", ["image"] = "registry.example/app:1.0" };
        if (ports is not null)
        {
            container["ports"] = new JsonArray([.. ports.Select(p => (JsonNode)Port(p.Name, p.Port))]);
        }

        var spec = new JsonObject { ["containers"] = new JsonArray(container) };
        if (hostNetwork)
        {
            spec["hostNetwork"] = true;
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = Metadata(name, ns, labels),
            ["spec"] = spec,
            ["status"] = new JsonObject { ["phase"] = "Running" },
        };
    }

    /// <summary>
    /// A pod shaped like one a Deployment creates on a real cluster: owner reference, annotations and managedFields in
    /// its metadata (about 1 KB), and a spec and status with probes, resources, env, volumes and conditions (about
    /// 5 KB in all). Benchmarks use it so metadata-only and full lists differ as they do in production.
    /// </summary>
    public static JsonObject RealisticPod(string ns, string name, IReadOnlyDictionary<string, string> labels, IEnumerable<(string? Name, int Port)> ports, string owner)
    {
        var pod = Pod(ns, name, labels, ports);
        var metadata = pod["metadata"]!.AsObject();
        metadata["generateName"] = owner + "-";
        metadata["annotations"] = new JsonObject
        {
            ["kubectl.kubernetes.io/restartedAt"] = "2026-01-01T00:00:00Z",
            ["prometheus.io/scrape"] = "true",
            ["prometheus.io/port"] = "9090",
        };
        metadata["ownerReferences"] = new JsonArray(new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "ReplicaSet",
            ["name"] = owner,
            ["uid"] = "8a3b9c1e-2f4d-4e6a-9b7c-0d1e2f3a4b5c",
            ["controller"] = true,
            ["blockOwnerDeletion"] = true,
        });
        metadata["managedFields"] = new JsonArray(new JsonObject
        {
            ["manager"] = "kube-controller-manager",
            ["operation"] = "Update",
            ["apiVersion"] = "v1",
            ["time"] = "2026-01-01T00:00:00Z",
            ["fieldsType"] = "FieldsV1",
            ["fieldsV1"] = new JsonObject
            {
                ["f:metadata"] = new JsonObject { ["f:generateName"] = new JsonObject(), ["f:labels"] = new JsonObject { ["."] = new JsonObject(), ["f:app"] = new JsonObject() } },
                ["f:spec"] = new JsonObject { ["f:containers"] = new JsonObject { ["k:{\"name\":\"app\"}"] = new JsonObject { ["."] = new JsonObject(), ["f:image"] = new JsonObject() } } },
            },
        });
        var container = pod["spec"]!["containers"]![0]!.AsObject();
        container["imagePullPolicy"] = "IfNotPresent";
        container["env"] = new JsonArray(
            new JsonObject { ["name"] = "ASPNETCORE_URLS", ["value"] = "http://+:8080" },
            new JsonObject { ["name"] = "OTEL_EXPORTER_OTLP_ENDPOINT", ["value"] = "http://otel-collector.observability:4317" },
            new JsonObject { ["name"] = "POD_NAME", ["valueFrom"] = new JsonObject { ["fieldRef"] = new JsonObject { ["apiVersion"] = "v1", ["fieldPath"] = "metadata.name" } } });
        container["resources"] = new JsonObject
        {
            ["requests"] = new JsonObject { ["cpu"] = "100m", ["memory"] = "128Mi" },
            ["limits"] = new JsonObject { ["cpu"] = "500m", ["memory"] = "512Mi" },
        };
        container["livenessProbe"] = Probe("/healthz/live");
        container["readinessProbe"] = Probe("/healthz/ready");
        container["volumeMounts"] = new JsonArray(new JsonObject
        {
            ["name"] = "kube-api-access",
            ["readOnly"] = true,
            ["mountPath"] = "/var/run/secrets/kubernetes.io/serviceaccount",
        });
        container["terminationMessagePath"] = "/dev/termination-log";
        container["terminationMessagePolicy"] = "File";
        var spec = pod["spec"]!.AsObject();
        spec["restartPolicy"] = "Always";
        spec["terminationGracePeriodSeconds"] = 30;
        spec["dnsPolicy"] = "ClusterFirst";
        spec["serviceAccountName"] = "default";
        spec["nodeName"] = "aks-nodepool1-12345678-vmss000001";
        spec["schedulerName"] = "default-scheduler";
        spec["securityContext"] = new JsonObject { ["runAsNonRoot"] = true, ["seccompProfile"] = new JsonObject { ["type"] = "RuntimeDefault" } };
        spec["tolerations"] = new JsonArray(
            new JsonObject { ["key"] = "node.kubernetes.io/not-ready", ["operator"] = "Exists", ["effect"] = "NoExecute", ["tolerationSeconds"] = 300 },
            new JsonObject { ["key"] = "node.kubernetes.io/unreachable", ["operator"] = "Exists", ["effect"] = "NoExecute", ["tolerationSeconds"] = 300 });
        spec["volumes"] = new JsonArray(new JsonObject
        {
            ["name"] = "kube-api-access",
            ["projected"] = new JsonObject
            {
                ["defaultMode"] = 420,
                ["sources"] = new JsonArray(
                    new JsonObject { ["serviceAccountToken"] = new JsonObject { ["expirationSeconds"] = 3607, ["path"] = "token" } },
                    new JsonObject { ["configMap"] = new JsonObject { ["name"] = "kube-root-ca.crt", ["items"] = new JsonArray(new JsonObject { ["key"] = "ca.crt", ["path"] = "ca.crt" }) } }),
            },
        });
        pod["status"] = new JsonObject
        {
            ["phase"] = "Running",
            ["hostIP"] = "10.224.0.5",
            ["podIP"] = "10.244.1.23",
            ["podIPs"] = new JsonArray(new JsonObject { ["ip"] = "10.244.1.23" }),
            ["qosClass"] = "Burstable",
            ["startTime"] = "2026-01-01T00:00:00Z",
            ["conditions"] = new JsonArray(
                Condition("PodReadyToStartContainers"), Condition("Initialized"), Condition("Ready"), Condition("ContainersReady"), Condition("PodScheduled")),
            ["containerStatuses"] = new JsonArray(new JsonObject
            {
                ["name"] = "app",
                ["ready"] = true,
                ["started"] = true,
                ["restartCount"] = 0,
                ["image"] = "registry.example/app:1.0",
                ["imageID"] = "registry.example/app@sha256:4f5e6d7c8b9a0f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0",
                ["containerID"] = "containerd://0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
                ["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = "2026-01-01T00:00:05Z" } },
                ["lastState"] = new JsonObject(),
            }),
        };
        return pod;

        static JsonObject Probe(string path) => new()
        {
            ["httpGet"] = new JsonObject { ["path"] = path, ["port"] = 8080, ["scheme"] = "HTTP" },
            ["initialDelaySeconds"] = 5,
            ["periodSeconds"] = 10,
            ["timeoutSeconds"] = 1,
            ["successThreshold"] = 1,
            ["failureThreshold"] = 3,
        };

        static JsonObject Condition(string type) => new()
        {
            ["type"] = type,
            ["status"] = "True",
            ["lastProbeTime"] = null,
            ["lastTransitionTime"] = "2026-01-01T00:00:05Z",
        };
    }

    /// <summary>A NetworkPolicy with the given spec (a JSON object as written in a manifest).</summary>
    public static JsonObject NetworkPolicy(string ns, string name, JsonObject spec, IReadOnlyDictionary<string, string>? labels = null) => new()
    {
        ["apiVersion"] = "networking.k8s.io/v1",
        ["kind"] = "NetworkPolicy",
        ["metadata"] = Metadata(name, ns, labels),
        ["spec"] = spec,
    };

    /// <summary>A default-deny policy for ingress and egress in a namespace.</summary>
    public static JsonObject DefaultDeny(string ns, string name = "default-deny") =>
        NetworkPolicy(ns, name, new JsonObject { ["podSelector"] = new JsonObject(), ["policyTypes"] = new JsonArray("Ingress", "Egress") });

    /// <summary>A policy engine DaemonSet with desired and ready counts in its status.</summary>
    public static JsonObject DaemonSet(string ns, string name, int desired, int ready) => new()
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "DaemonSet",
        ["metadata"] = Metadata(name, ns, new Dictionary<string, string> { ["k8s-app"] = name }),
        ["spec"] = new JsonObject
        {
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["k8s-app"] = name } },
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["k8s-app"] = name } },
                ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = name, ["image"] = $"registry.example/{name}:1.0" }) },
            },
        },
        ["status"] = new JsonObject
        {
            ["desiredNumberScheduled"] = desired,
            ["currentNumberScheduled"] = desired,
            ["numberReady"] = ready,
            ["numberAvailable"] = ready,
            ["updatedNumberScheduled"] = desired,
            ["numberMisscheduled"] = 0,
            ["observedGeneration"] = 1,
        },
    };

    public static JsonObject ConfigMap(string ns, string name, IReadOnlyDictionary<string, string> data) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = Metadata(name, ns, null),
        ["data"] = StringMap(data),
    };

    /// <summary>Any other kind (CRD policies): apiVersion, kind, metadata and the given spec.</summary>
    public static JsonObject Custom(string apiVersion, string kind, string? ns, string name, JsonObject spec) => new()
    {
        ["apiVersion"] = apiVersion,
        ["kind"] = kind,
        ["metadata"] = Metadata(name, ns, null),
        ["spec"] = spec,
    };

    private static JsonObject Port(string? name, int port)
    {
        var result = new JsonObject { ["containerPort"] = port, ["protocol"] = "TCP" };
        if (name is not null)
        {
            result["name"] = name;
        }

        return result;
    }

    private static JsonObject Metadata(string name, string? ns, IReadOnlyDictionary<string, string>? labels)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (ns is not null)
        {
            metadata["namespace"] = ns;
        }

        if (labels is { Count: > 0 })
        {
            metadata["labels"] = StringMap(labels);
        }

        return metadata;
    }

    private static JsonObject StringMap(IReadOnlyDictionary<string, string> values)
    {
        var map = new JsonObject();
        foreach (var (key, value) in values)
        {
            map[key] = value;
        }

        return map;
    }
}
