using System.Text;
using System.Text.Json.Nodes;

namespace NetPolGovernance.Infra.Tests;

/// <summary>
/// <c>infra/main.bicep</c> evaluated by the real Bicep CLI's <c>bicep snapshot</c> (the deployment engine's template
/// evaluation, offline) for a given set of parameters: the resources a deployment would create, every expression
/// evaluated. Use it where a result depends on a parameter, which <see cref="CompiledTemplate"/> cannot evaluate.
/// </summary>
internal sealed class DeploymentSnapshot
{
    public const string SubscriptionId = "00000000-0000-0000-0000-0000000000aa";

    private DeploymentSnapshot(IReadOnlyList<JsonObject> resources) => Resources = resources;

    public IReadOnlyList<JsonObject> Resources { get; }

    public IEnumerable<JsonObject> OfType(string type) =>
        Resources.Where(r => string.Equals(r["type"]?.GetValue<string>(), type, StringComparison.OrdinalIgnoreCase));

    /// <summary>Evaluates main.bicep with the required parameters plus <paramref name="parameters"/> (Bicep literals).</summary>
    public static async Task<SnapshotResult> OfMainAsync(IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Path.GetTempPath(), "netpolgov-snapshot-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var main = Path.GetRelativePath(folder, Path.Combine(Tooling.Infra, "main.bicep")).Replace('\\', '/');
            var text = new StringBuilder()
                .Append("using '").Append(main).Append("'\n")
                .Append("param environmentName = 'snapshot'\n")
                .Append("param location = 'westeurope'\n");
            foreach (var (name, value) in parameters)
            {
                text.Append("param ").Append(name).Append(" = ").Append(value).Append('\n');
            }

            var file = Path.Combine(folder, "main.bicepparam");
            await File.WriteAllTextAsync(file, text.ToString(), cancellationToken);
            var result = await Tooling.RunAsync(
                Tooling.Bicep,
                ["snapshot", file, "--mode", "overwrite", "--subscription-id", SubscriptionId, "--location", "westeurope", "--tenant-id", "00000000-0000-0000-0000-0000000000bb"],
                cancellationToken);
            var output = Path.Combine(folder, "main.snapshot.json");
            if (result.ExitCode != 0 || !File.Exists(output))
            {
                return new SnapshotResult(null, result.Output);
            }

            var root = (JsonObject)JsonNode.Parse(await File.ReadAllTextAsync(output, cancellationToken))!;
            return new SnapshotResult(new DeploymentSnapshot([.. ((JsonArray)root["predictedResources"]!).OfType<JsonObject>()]), result.Output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

/// <summary>A snapshot, or null with what the Bicep CLI printed when the evaluation failed.</summary>
internal sealed record SnapshotResult(DeploymentSnapshot? Snapshot, string Output);
