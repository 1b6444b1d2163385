using System.Text;

namespace NetPolGovernance.Testing.Manifests;

/// <summary>
/// Hostile and large input files for the bounded-parsing tests and the manifest benchmark, generated where they are used
/// (nothing big is committed).
/// </summary>
public static class ManifestFiles
{
    /// <summary>
    /// The "billion laughs" alias bomb (about 460 bytes): nine levels of nine aliases each, 9^9 "lol"s once expanded,
    /// inside a ConfigMap, a kind the loader otherwise ignores.
    /// </summary>
    public static string AliasBomb()
    {
        var yaml = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol, namespace: default}\ndata:\n")
            .Append("  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        var previous = 'a';
        foreach (var name in "bcdefghi")
        {
            yaml.Append("  ").Append(name).Append(": &").Append(name).Append(" [")
                .AppendJoin(',', Enumerable.Repeat($"*{previous}", 9)).Append("]\n");
            previous = name;
        }

        return yaml.ToString();
    }

    /// <summary><paramref name="levels"/> nested flow sequences holding one scalar, in a ConfigMap's data.</summary>
    public static string DeepYaml(int levels) =>
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n  x: " + new string('[', levels) + "1" + new string(']', levels) + "\n";

    /// <summary>The same nesting in JSON.</summary>
    public static string DeepJson(int levels) =>
        "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"deep\"}, \"data\": {\"x\": "
        + new string('[', levels) + "1" + new string(']', levels) + "}}\n";

    /// <summary>A pod as <c>kubectl get -o yaml</c> prints it inside a List (indented by two), about 2.5 KB.</summary>
    public static void AppendPod(StringBuilder yaml, int i)
    {
        var ip = $"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}";
        yaml.Append(CultureInfoInvariant($$"""
            - apiVersion: v1
              kind: Pod
              metadata:
                creationTimestamp: "2026-01-01T00:00:00Z"
                generateName: web-{{i}}-
                labels:
                  app: web
                  pod-template-hash: 5d4f8c{{i}}
                  tier: frontend
                name: web-{{i}}
                namespace: ns-{{i % 50}}
                ownerReferences:
                - apiVersion: apps/v1
                  blockOwnerDeletion: true
                  controller: true
                  kind: ReplicaSet
                  name: web-5d4f8c
                  uid: 0f7b4a1e-1111-2222-3333-{{i:D12}}
                resourceVersion: "{{i}}"
                uid: 8a7b4a1e-1111-2222-3333-{{i:D12}}
              spec:
                containers:
                - image: nginx:1.27
                  imagePullPolicy: IfNotPresent
                  name: web
                  ports:
                  - containerPort: 8080
                    name: http
                    protocol: TCP
                  resources:
                    limits: {cpu: 500m, memory: 256Mi}
                    requests: {cpu: 100m, memory: 128Mi}
                  volumeMounts:
                  - mountPath: /var/run/secrets/kubernetes.io/serviceaccount
                    name: kube-api-access-x{{i}}
                    readOnly: true
                dnsPolicy: ClusterFirst
                nodeName: node-{{i % 100}}
                restartPolicy: Always
                serviceAccountName: default
                tolerations:
                - effect: NoExecute
                  key: node.kubernetes.io/not-ready
                  operator: Exists
                  tolerationSeconds: 300
              status:
                conditions:
                - lastProbeTime: null
                  lastTransitionTime: "2026-01-01T00:00:00Z"
                  status: "True"
                  type: Ready
                containerStatuses:
                - containerID: containerd://{{i:D64}}
                  image: docker.io/library/nginx:1.27
                  name: web
                  ready: true
                  restartCount: 0
                  state:
                    running:
                      startedAt: "2026-01-01T00:00:00Z"
                hostIP: 10.224.0.{{i % 100}}
                phase: Running
                podIP: {{ip}}
                podIPs:
                - ip: {{ip}}
                qosClass: Burstable

            """));
    }

    /// <summary><c>kubectl get pods -A -o yaml</c> for <paramref name="count"/> pods: one <c>kind: List</c> document, kind after items.</summary>
    public static void WritePodList(string path, int count)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        writer.Write("apiVersion: v1\nitems:\n");
        var yaml = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            yaml.Clear();
            AppendPod(yaml, i);
            writer.Write(yaml);
        }

        writer.Write("kind: List\nmetadata:\n  resourceVersion: \"\"\n");
    }

    /// <summary>A kubeconfig of <paramref name="count"/> contexts, each with its own cluster (all at a closed loopback port) and token user.</summary>
    public static void WriteKubeconfig(string path, int count)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        writer.Write("apiVersion: v1\nkind: Config\ncurrent-context: c0\nclusters:\n");
        for (var i = 0; i < count; i++)
        {
            writer.Write($"- name: k{i}\n  cluster:\n    server: https://127.0.0.1:9\n");
        }

        writer.Write("users:\n");
        for (var i = 0; i < count; i++)
        {
            writer.Write($"- name: u{i}\n  user:\n    token: t{i}\n");
        }

        writer.Write("contexts:\n");
        for (var i = 0; i < count; i++)
        {
            writer.Write($"- name: c{i}\n  context:\n    cluster: k{i}\n    user: u{i}\n    namespace: default\n");
        }
    }

    private static string CultureInfoInvariant(FormattableString text) => FormattableString.Invariant(text);
}
