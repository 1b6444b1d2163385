using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace NetPolGovernance.Infra.Tests;

/// <summary>
/// <c>infra/main.bicep</c> compiled to ARM JSON by the real Bicep CLI, once per test run, with a tiny evaluator for
/// the only expression shapes our templates use where the tests look: <c>[variables('x')]</c>,
/// <c>[variables('x')[copyIndex()].y]</c> and <c>[parameters('x')]</c> literals are left alone.
/// </summary>
internal sealed partial class CompiledTemplate
{
    private static readonly Lazy<Task<CompiledTemplate>> s_main = new(() => CompileAsync("main.bicep"));

    private CompiledTemplate(JsonObject root, string buildOutput)
    {
        Root = root;
        BuildOutput = buildOutput;
    }

    public JsonObject Root { get; }

    /// <summary>What <c>bicep build</c> printed (diagnostics).</summary>
    public string BuildOutput { get; }

    public static Task<CompiledTemplate> MainAsync() => s_main.Value;

    /// <summary>Every resource of a type, across nested deployments, each expanded over its copy loop and evaluated.</summary>
    public IReadOnlyList<JsonObject> Resources(string type)
    {
        var found = new List<JsonObject>();
        Collect(Root, type, found);
        return found;
    }

    private static void Collect(JsonObject template, string type, List<JsonObject> found)
    {
        var variables = template["variables"] as JsonObject ?? [];
        foreach (var resource in ResourcesOf(template))
        {
            if (resource["type"]?.GetValue<string>() == "Microsoft.Resources/deployments"
                && resource["properties"]?["template"] is JsonObject nested)
            {
                Collect(nested, type, found);
                continue;
            }

            if (!string.Equals(resource["type"]?.GetValue<string>(), type, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (resource["copy"]?["count"]?.GetValue<string>() is { } count && LengthOfVariable().Match(count) is { Success: true } m)
            {
                if (variables[m.Groups[1].Value] is not JsonArray items)
                {
                    // A loop over a computed variable (the owner alert copies): only a real evaluation can expand it,
                    // which DeploymentSnapshot (bicep snapshot) does.
                    continue;
                }

                var length = items.Count;
                for (var i = 0; i < length; i++)
                {
                    found.Add((JsonObject)Evaluate(resource, variables, i)!);
                }
            }
            else
            {
                found.Add((JsonObject)Evaluate(resource, variables, null)!);
            }
        }
    }

    private static IEnumerable<JsonObject> ResourcesOf(JsonObject template) => template["resources"] switch
    {
        JsonArray array => array.OfType<JsonObject>(),
        JsonObject map => map.Select(p => p.Value).OfType<JsonObject>(),
        _ => [],
    };

    private static JsonNode? Evaluate(JsonNode? node, JsonObject variables, int? copyIndex)
    {
        switch (node)
        {
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    copy[key] = Evaluate(value, variables, copyIndex);
                }

                return copy;
            case JsonArray array:
                return new JsonArray(array.Select(item => Evaluate(item, variables, copyIndex)).ToArray());
            case JsonValue value when value.TryGetValue<string>(out var text) && VariableReference().Match(text) is { Success: true } m:
                var resolved = variables[m.Groups[1].Value]?.DeepClone();
                if (m.Groups[2].Success)
                {
                    resolved = copyIndex is { } i ? resolved?[i] : throw new InvalidOperationException($"copyIndex() outside a loop in {text}");
                }

                foreach (var property in m.Groups[3].Value.Split('.', StringSplitOptions.RemoveEmptyEntries))
                {
                    resolved = resolved?[property];
                }

                return Evaluate(resolved?.DeepClone(), variables, copyIndex);
            default:
                return node?.DeepClone();
        }
    }

    private static async Task<CompiledTemplate> CompileAsync(string file)
    {
        var output = Path.Combine(Path.GetTempPath(), "netpolgov-infra-" + Guid.NewGuid().ToString("N"), "main.json");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        var result = await Tooling.RunAsync(Tooling.Bicep, ["build", Path.Combine(Tooling.Infra, file), "--outfile", output], CancellationToken.None);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"bicep build failed ({result.ExitCode}):\n{result.Output}");
        }

        var root = (JsonObject)JsonNode.Parse(await File.ReadAllTextAsync(output))!;
        Directory.Delete(Path.GetDirectoryName(output)!, recursive: true);
        return new CompiledTemplate(root, result.Output);
    }

    [GeneratedRegex(@"^\[variables\('([^']+)'\)(\[copyIndex\(\)\])?((?:\.\w+)*)\]$")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"^\[length\(variables\('([^']+)'\)\)\]$")]
    private static partial Regex LengthOfVariable();
}
