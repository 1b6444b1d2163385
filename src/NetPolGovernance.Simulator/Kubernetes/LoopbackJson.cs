using System.Text.Encodings.Web;
using System.Text.Json;

namespace NetPolGovernance.Simulator.Kubernetes;

/// <summary>JSON settings of the loopback server's wire format (compact, no HTML escaping, like the real API server).</summary>
internal static class LoopbackJson
{
    public static JsonSerializerOptions NodeOptions { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
}
