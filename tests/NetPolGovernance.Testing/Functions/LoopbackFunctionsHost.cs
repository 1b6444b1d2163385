using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NetPolGovernance.Testing.Functions.Rpc;

namespace NetPolGovernance.Testing.Functions;

/// <summary>
/// A Functions host for tests, on loopback: it starts the built isolated worker the way the Functions host does (the
/// command from the app's <c>worker.config.json</c>, the host's arguments, the app settings as environment), serves the
/// host–worker gRPC stream (HTTP/2 cleartext on 127.0.0.1:0), runs the start-up handshake (StartStream,
/// WorkerInitRequest, FunctionsMetadataRequest, FunctionLoadRequest) and then plays the triggers: timer invocations,
/// queue deliveries from a real queue (delete on success, retry, poison after <c>maxDequeueCount</c> from host.json) and
/// HTTP requests on its own HTTP port (<c>/api/{route}</c>, function keys), each with the binding data shapes the real
/// host sends (docs/azure.md, "Host–worker protocol"). It also serves the App Service managed identity endpoint the
/// worker's <c>ManagedIdentityCredential</c> calls.
/// </summary>
public sealed class LoopbackFunctionsHost : IAsyncDisposable
{
    /// <summary>The gRPC message limit the host passes (<c>int.MaxValue</c>, as the Functions host does).</summary>
    public const int MaxMessageLength = int.MaxValue;

    private static readonly TimeSpan s_startupTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan s_invocationTimeout = TimeSpan.FromMinutes(3);

    private readonly LoopbackFunctionsHostOptions _options;
    private readonly WebApplication _app;
    private readonly WorkerChannel _channel;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly Dictionary<string, LoadedFunction> _functions = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _identityRequests = new();
    private readonly string _identityHeader = Guid.NewGuid().ToString("N");
    private Process? _worker;
    private string? _bundle;

    private LoopbackFunctionsHost(LoopbackFunctionsHostOptions options, WebApplication app, WorkerChannel channel)
    {
        _options = options;
        _app = app;
        _channel = channel;
        FunctionKey = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
    }

    /// <summary>The base address of the host's HTTP front (<c>http://127.0.0.1:port/</c>); functions answer under <c>api/</c>.</summary>
    public Uri HttpAddress { get; private set; } = null!;

    /// <summary>The function key: <c>?code=</c> or <c>x-functions-key</c> for <c>authLevel: function</c> triggers.</summary>
    public string FunctionKey { get; }

    /// <summary>The functions the worker indexed and loaded, by name.</summary>
    public IReadOnlyDictionary<string, LoadedFunction> Functions => _functions;

    /// <summary>Every log line the worker sent over the stream (<c>RpcLog</c>) and wrote to stdout/stderr, for failure messages.</summary>
    public string WorkerOutput => string.Join(Environment.NewLine, _channel.Logs.Concat(_output));

    /// <summary>Every HTTP request the managed identity endpoint answered, as <c>resource</c> values, in order.</summary>
    public IReadOnlyList<string> IdentityRequests => [.. _identityRequests];

    /// <summary>Starts the host and the worker and completes the start-up handshake; throws with the worker's output when it fails.</summary>
    public static async Task<LoopbackFunctionsHost> StartAsync(LoopbackFunctionsHostOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1);
        });
        var channel = new WorkerChannel();
        builder.Services.AddSingleton(channel);
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = null;
            grpc.MaxSendMessageSize = null;
        });
        var app = builder.Build();
        var host = new LoopbackFunctionsHost(options, app, channel);
        app.MapGrpcService<FunctionRpcService>();
        app.Map("/api/{**path}", host.HandleHttpAsync);
        app.MapGet("/msi/token", host.HandleIdentityAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var addresses = app.Urls.Select(u => new Uri(u)).ToList();
        var grpcAddress = addresses[0];
        host.HttpAddress = new Uri($"http://127.0.0.1:{addresses[1].Port}/");
        try
        {
            await host.StartWorkerAsync(grpcAddress, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            var output = host.WorkerOutput;
            await host.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"The worker did not start under the loopback host ({ex.Message}). Worker output:{Environment.NewLine}{output}", ex);
        }

        return host;
    }

    /// <summary>Invokes a function with the given inputs and trigger metadata and returns the worker's answer.</summary>
    public async Task<InvocationResponse> InvokeAsync(
        string functionName,
        IEnumerable<ParameterBinding> inputs,
        IReadOnlyDictionary<string, TypedData> triggerMetadata,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(triggerMetadata);
        var function = Function(functionName);
        var request = new InvocationRequest
        {
            InvocationId = Guid.NewGuid().ToString(),
            FunctionId = function.FunctionId,
            TraceContext = new RpcTraceContext { TraceParent = $"00-{Guid.NewGuid():N}-{Guid.NewGuid().ToString("N")[..16]}-01" },
        };
        request.InputData.AddRange(inputs);
        foreach (var (key, value) in triggerMetadata)
        {
            request.TriggerMetadata[key] = value;
        }

        request.TriggerMetadata["sys"] = new TypedData
        {
            Json = JsonSerializer.Serialize(new { MethodName = functionName, UtcNow = DateTimeOffset.UtcNow, RandGuid = Guid.NewGuid() }),
        };

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_invocationTimeout);
        var answer = await _channel.RequestAsync(
            new StreamingMessage { RequestId = Guid.NewGuid().ToString(), InvocationRequest = request },
            StreamingMessage.ContentOneofCase.InvocationResponse,
            request.InvocationId,
            timeout.Token).ConfigureAwait(false);
        return answer.InvocationResponse;
    }

    /// <summary>Fires a timer trigger as the host does when the schedule comes due: a <c>TimerInfo</c> as JSON.</summary>
    public async Task<InvocationResponse> RunTimerAsync(string functionName, bool isPastDue, CancellationToken cancellationToken)
    {
        var function = Function(functionName);
        var trigger = function.Trigger("timerTrigger");
        var schedule = trigger["schedule"]?.GetValue<string>() ?? string.Empty;
        ResolveSetting(schedule);
        var now = DateTimeOffset.UtcNow;
        var timer = new JsonObject
        {
            ["Schedule"] = new JsonObject { ["AdjustForDST"] = true },
            ["ScheduleStatus"] = new JsonObject
            {
                ["Last"] = now.AddHours(-6).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
                ["Next"] = now.AddHours(6).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
                ["LastUpdated"] = now.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
            },
            ["IsPastDue"] = isPastDue,
        };
        var name = trigger["name"]!.GetValue<string>();
        return await InvokeAsync(
            functionName,
            [new ParameterBinding { Name = name, Data = new TypedData { Json = timer.ToJsonString() } }],
            new Dictionary<string, TypedData>(),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs a queue trigger over its queue until the queue is empty, as the host's queue listener does: each message is
    /// invoked with the queue message as model binding data and the trigger metadata; success deletes it; failure makes
    /// it visible again, and the delivery that reaches <c>maxDequeueCount</c> moves it to <c>{queue}-poison</c>.
    /// </summary>
    public async Task<QueueDeliveryLog> DrainQueueAsync(string functionName, CancellationToken cancellationToken)
    {
        var function = Function(functionName);
        var trigger = function.Trigger("queueTrigger");
        var queueName = ResolveSetting(trigger["queueName"]!.GetValue<string>());
        var connection = trigger["connection"]?.GetValue<string>() ?? "AzureWebJobsStorage";
        if (!_options.QueueConnections.TryGetValue(connection, out var service))
        {
            throw new InvalidOperationException($"The loopback host has no queue service for the connection '{connection}'.");
        }

        var queue = service.GetQueueClient(queueName);
        var poison = service.GetQueueClient(queueName + "-poison");
        var maxDequeueCount = HostJsonQueueSetting("maxDequeueCount", 5);
        var deferred = trigger["properties"]?["supportsDeferredBinding"]?.GetValue<string>() is { } d && bool.TryParse(d, out var b) && b;
        var name = trigger["name"]!.GetValue<string>();
        var log = new QueueDeliveryLog();
        for (var round = 0; round < 1000; round++)
        {
            var messages = (await queue.ReceiveMessagesAsync(maxMessages: 1, visibilityTimeout: TimeSpan.FromMinutes(5), cancellationToken).ConfigureAwait(false)).Value;
            if (messages.Length == 0)
            {
                return log;
            }

            var message = messages[0];
            if (message.DequeueCount > maxDequeueCount)
            {
                await MoveToPoisonAsync(queue, poison, message, cancellationToken).ConfigureAwait(false);
                log.Poisoned++;
                continue;
            }

            var input = deferred
                ? new TypedData
                {
                    ModelBindingData = new ModelBindingData
                    {
                        Version = "1.0",
                        Source = "AzureStorageQueues",
                        ContentType = "application/json",
                        Content = ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(message)),
                    },
                }
                : new TypedData { String = message.MessageText };
            var response = await InvokeAsync(functionName, [new ParameterBinding { Name = name, Data = input }], QueueTriggerMetadata(message), cancellationToken).ConfigureAwait(false);
            if (response.Result.Status == StatusResult.Types.Status.Success)
            {
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
                log.Succeeded++;
            }
            else if (message.DequeueCount >= maxDequeueCount)
            {
                log.Failures.Add(response.Result.Exception?.Message ?? response.Result.Result);
                await MoveToPoisonAsync(queue, poison, message, cancellationToken).ConfigureAwait(false);
                log.Poisoned++;
            }
            else
            {
                log.Failures.Add(response.Result.Exception?.Message ?? response.Result.Result);
                await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: _options.RetryVisibilityTimeout, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }

        throw new InvalidOperationException($"The queue '{queueName}' did not drain in 1000 deliveries.");
    }

    /// <summary>An HTTP client for the host's HTTP front (no key: add <see cref="FunctionKey"/> where the trigger needs one).</summary>
    public HttpClient CreateHttpClient() => new() { BaseAddress = HttpAddress, Timeout = s_invocationTimeout };

    public async ValueTask DisposeAsync()
    {
        if (_worker is { } worker)
        {
            if (!worker.HasExited)
            {
                await _channel.TrySendAsync(new StreamingMessage { WorkerTerminate = new WorkerTerminate { GracePeriod = new TerminateGracePeriod { Seconds = 5 } } }).ConfigureAwait(false);
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    await worker.WaitForExitAsync(grace.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    worker.Kill(entireProcessTree: true);
                    await worker.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }

            worker.Dispose();
        }

        _channel.Close();
        _channel.Dispose();
        if (_bundle is not null)
        {
            Directory.Delete(Path.GetDirectoryName(_bundle)!, recursive: true);
        }

        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The trigger metadata the host's queue extension binds (string and JSON values as the host converts them).</summary>
    private static Dictionary<string, TypedData> QueueTriggerMetadata(QueueMessage message) => new()
    {
        ["QueueTrigger"] = new TypedData { String = message.MessageText },
        ["DequeueCount"] = new TypedData { Json = message.DequeueCount.ToString(CultureInfo.InvariantCulture) },
        ["ExpirationTime"] = new TypedData { Json = JsonSerializer.Serialize(message.ExpiresOn ?? DateTimeOffset.MaxValue) },
        ["Id"] = new TypedData { String = message.MessageId },
        ["InsertionTime"] = new TypedData { Json = JsonSerializer.Serialize(message.InsertedOn ?? DateTimeOffset.UtcNow) },
        ["NextVisibleTime"] = new TypedData { Json = JsonSerializer.Serialize(message.NextVisibleOn ?? DateTimeOffset.MaxValue) },
        ["PopReceipt"] = new TypedData { String = message.PopReceipt },
    };

    private static async Task MoveToPoisonAsync(QueueClient queue, QueueClient poison, QueueMessage message, CancellationToken cancellationToken)
    {
        await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await poison.SendMessageAsync(message.Body, cancellationToken: cancellationToken).ConfigureAwait(false);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
    }

    private LoadedFunction Function(string functionName) =>
        _functions.TryGetValue(functionName, out var function)
            ? function
            : throw new InvalidOperationException($"The worker did not index a function named '{functionName}' (it has {string.Join(", ", _functions.Keys)}).");

    /// <summary>Resolves <c>%SETTING%</c> binding expressions from the app settings, as the host does; an unset one fails as it does.</summary>
    private string ResolveSetting(string value)
    {
        if (value.Length > 2 && value[0] == '%' && value[^1] == '%')
        {
            var key = value[1..^1];
            return _options.AppSettings.TryGetValue(key, out var resolved) && !string.IsNullOrEmpty(resolved)
                ? resolved
                : throw new InvalidOperationException($"'{key}' does not resolve to a value.");
        }

        return value;
    }

    private int HostJsonQueueSetting(string name, int fallback)
    {
        var path = Path.Combine(_options.AppDirectory, "host.json");
        if (!File.Exists(path))
        {
            return fallback;
        }

        var json = JsonNode.Parse(File.ReadAllText(path));
        return json?["extensions"]?["queues"]?[name]?.GetValue<int>() ?? fallback;
    }

    private async Task StartWorkerAsync(Uri grpcAddress, CancellationToken cancellationToken)
    {
        var appDirectory = Path.GetFullPath(_options.AppDirectory);
        var config = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(appDirectory, "worker.config.json"), cancellationToken).ConfigureAwait(false))!["description"]!;
        var executable = config["defaultExecutablePath"]!.GetValue<string>();
        var workerPath = config["defaultWorkerPath"]!.GetValue<string>();
        var workerId = Guid.NewGuid().ToString();
        var requestId = Guid.NewGuid().ToString();
        var length = MaxMessageLength.ToString(CultureInfo.InvariantCulture);

        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = appDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(appDirectory, workerPath));
        foreach (var argument in new[]
        {
            "--host", grpcAddress.Host, "--port", grpcAddress.Port.ToString(CultureInfo.InvariantCulture),
            "--workerId", workerId, "--requestId", requestId, "--grpcMaxMessageLength", length,
            "--functions-uri", grpcAddress.AbsoluteUri, "--functions-worker-id", workerId,
            "--functions-request-id", requestId, "--functions-grpc-max-message-length", length,
        })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var inherited in start.Environment.Keys.Where(IsRedirecting).ToList())
        {
            start.Environment.Remove(inherited);
        }

        start.Environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        start.Environment["FUNCTIONS_WORKER_DIRECTORY"] = appDirectory;
        start.Environment["FUNCTIONS_APPLICATION_DIRECTORY"] = appDirectory;
        start.Environment["AzureWebJobsScriptRoot"] = appDirectory;
        start.Environment["WEBSITE_HOSTNAME"] = HttpAddress.Authority;
        start.Environment["IDENTITY_ENDPOINT"] = new Uri(HttpAddress, "msi/token").AbsoluteUri;
        start.Environment["IDENTITY_HEADER"] = _identityHeader;
        start.Environment["NO_PROXY"] = "127.0.0.1,localhost";
        if (_options.HttpsProxy is { } proxy)
        {
            start.Environment["HTTPS_PROXY"] = proxy.AbsoluteUri;
        }

        if (_options.TrustedCaPems.Count > 0)
        {
            var bundle = Path.Combine(Directory.CreateTempSubdirectory("netpolgov-funchost-").FullName, "ca-bundle.pem");
            await File.WriteAllTextAsync(bundle, string.Join(Environment.NewLine, _options.TrustedCaPems), cancellationToken).ConfigureAwait(false);
            start.Environment["SSL_CERT_FILE"] = bundle;
            _bundle = bundle;
        }

        foreach (var (key, value) in _options.AppSettings)
        {
            start.Environment[key] = value;
        }

        _worker = Process.Start(start) ?? throw new InvalidOperationException($"{executable} could not be started.");
        _worker.OutputDataReceived += (_, e) => Record(e.Data);
        _worker.ErrorDataReceived += (_, e) => Record(e.Data);
        _worker.BeginOutputReadLine();
        _worker.BeginErrorReadLine();

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(s_startupTimeout);
        var exited = _worker.WaitForExitAsync(deadline.Token);
        var connected = await Task.WhenAny(_channel.Connected, exited).ConfigureAwait(false);
        if (connected != _channel.Connected)
        {
            throw new InvalidOperationException("The worker exited before opening the event stream.");
        }

        var started = await _channel.Connected.ConfigureAwait(false);
        if (started.WorkerId != workerId)
        {
            throw new InvalidOperationException($"The worker announced id '{started.WorkerId}', not '{workerId}'.");
        }

        var init = new WorkerInitRequest { HostVersion = "4.0.0-loopback", WorkerDirectory = appDirectory, FunctionAppDirectory = appDirectory };
        var initAnswer = (await _channel.RequestAsync(
            new StreamingMessage { RequestId = requestId, WorkerInitRequest = init },
            StreamingMessage.ContentOneofCase.WorkerInitResponse,
            key: null,
            deadline.Token).ConfigureAwait(false)).WorkerInitResponse;
        Require(initAnswer.Result, "WorkerInitRequest");

        var metadata = (await _channel.RequestAsync(
            new StreamingMessage { RequestId = requestId, FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = appDirectory } },
            StreamingMessage.ContentOneofCase.FunctionMetadataResponse,
            key: null,
            deadline.Token).ConfigureAwait(false)).FunctionMetadataResponse;
        Require(metadata.Result, "FunctionsMetadataRequest");

        foreach (var function in metadata.FunctionMetadataResults)
        {
            var loaded = LoadedFunction.From(function, appDirectory);
            var answer = (await _channel.RequestAsync(
                new StreamingMessage { RequestId = requestId, FunctionLoadRequest = new FunctionLoadRequest { FunctionId = loaded.FunctionId, Metadata = loaded.Metadata } },
                StreamingMessage.ContentOneofCase.FunctionLoadResponse,
                loaded.FunctionId,
                deadline.Token).ConfigureAwait(false)).FunctionLoadResponse;
            Require(answer.Result, $"FunctionLoadRequest {loaded.Name}");
            _functions[loaded.Name] = loaded;
        }
    }

    private static bool IsRedirecting(string name) =>
        name.StartsWith("AZURE_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("IDENTITY_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("MSI_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("SSL_CERT_", StringComparison.OrdinalIgnoreCase)
        || name.EndsWith("_PROXY", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("NETPOLGOV_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("APPLICATIONINSIGHTS_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("OTEL_", StringComparison.OrdinalIgnoreCase);

    private static void Require(StatusResult result, string step)
    {
        if (result.Status != StatusResult.Types.Status.Success)
        {
            throw new InvalidOperationException($"{step} failed: {result.Result} {result.Exception?.Message}");
        }
    }

    private void Record(string? line)
    {
        if (line is not null && _output.Count < 5000)
        {
            _output.Enqueue(line);
        }
    }

    /// <summary>The App Service managed identity protocol (<c>IDENTITY_ENDPOINT</c> + <c>X-IDENTITY-HEADER</c>), answered from the test's credential.</summary>
    private async Task HandleIdentityAsync(HttpContext context)
    {
        if (!string.Equals(context.Request.Headers["X-IDENTITY-HEADER"], _identityHeader, StringComparison.Ordinal))
        {
            context.Response.StatusCode = 401;
            return;
        }

        var resource = context.Request.Query["resource"].ToString();
        var clientId = context.Request.Query["client_id"].ToString();
        if (string.IsNullOrEmpty(resource)
            || (_options.ManagedIdentityClientId is { } expected && !string.Equals(clientId, expected, StringComparison.OrdinalIgnoreCase)))
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsJsonAsync(new { error = "invalid_request", error_description = $"Unknown identity '{clientId}' or no resource." }).ConfigureAwait(false);
            return;
        }

        _identityRequests.Enqueue(resource);
        var token = await _options.Credential.GetTokenAsync(new Azure.Core.TokenRequestContext([resource.TrimEnd('/') + "/.default"]), context.RequestAborted).ConfigureAwait(false);
        await context.Response.WriteAsJsonAsync(new Dictionary<string, string>
        {
            ["access_token"] = token.Token,
            ["expires_on"] = token.ExpiresOn.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            ["resource"] = resource,
            ["token_type"] = "Bearer",
            ["client_id"] = clientId,
        }).ConfigureAwait(false);
    }

    /// <summary>The host's HTTP front: <c>/api/{route}</c> to the HTTP trigger whose route and methods match, with function-key authorization.</summary>
    private async Task HandleHttpAsync(HttpContext context)
    {
        var path = context.Request.RouteValues["path"]?.ToString() ?? string.Empty;
        var match = _functions.Values
            .Select(f => (Function: f, Trigger: f.TriggerOrNull("httpTrigger")))
            .FirstOrDefault(p => p.Trigger is not null && string.Equals(p.Trigger["route"]?.GetValue<string>() ?? p.Function.Name, path, StringComparison.OrdinalIgnoreCase));
        if (match.Trigger is null)
        {
            context.Response.StatusCode = 404;
            return;
        }

        var methods = match.Trigger["methods"]?.AsArray().Select(m => m!.GetValue<string>()).ToList() ?? [];
        if (methods.Count > 0 && !methods.Contains(context.Request.Method, StringComparer.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = 404;
            return;
        }

        var authLevel = match.Trigger["authLevel"]?.GetValue<string>() ?? "Function";
        if (!string.Equals(authLevel, "Anonymous", StringComparison.OrdinalIgnoreCase))
        {
            var presented = context.Request.Query["code"].FirstOrDefault() ?? context.Request.Headers["x-functions-key"].FirstOrDefault();
            if (!string.Equals(presented, FunctionKey, StringComparison.Ordinal))
            {
                context.Response.StatusCode = 401;
                return;
            }
        }

        var request = context.Request;
        var http = new RpcHttp
        {
            Method = request.Method,
            Url = $"{request.Scheme}://{request.Host}{request.Path}{request.QueryString}",
        };
        foreach (var (key, value) in request.Headers)
        {
            http.NullableHeaders[key.ToLowerInvariant()] = new NullableString { Value = value.ToString() };
        }

        foreach (var (key, value) in request.Query)
        {
            http.NullableQuery[key] = new NullableString { Value = value.ToString() };
        }

        if (request.ContentLength > 0)
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
            http.Body = new TypedData { Bytes = ByteString.CopyFrom(body.ToArray()) };
        }

        var name = match.Trigger["name"]!.GetValue<string>();
        var response = await InvokeAsync(match.Function.Name, [new ParameterBinding { Name = name, Data = new TypedData { Http = http } }], new Dictionary<string, TypedData>(), context.RequestAborted).ConfigureAwait(false);
        if (response.Result.Status != StatusResult.Types.Status.Success || response.ReturnValue?.Http is not { } answer)
        {
            context.Response.StatusCode = 500;
            return;
        }

        context.Response.StatusCode = int.TryParse(answer.StatusCode, NumberStyles.None, CultureInfo.InvariantCulture, out var status) ? status : 200;
        foreach (var (key, value) in answer.Headers)
        {
            context.Response.Headers[key] = value;
        }

        var bytes = answer.Body?.DataCase switch
        {
            TypedData.DataOneofCase.Bytes => answer.Body.Bytes.ToByteArray(),
            TypedData.DataOneofCase.String => Encoding.UTF8.GetBytes(answer.Body.String),
            _ => [],
        };
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }
}

/// <summary>Where and how the loopback host runs the worker.</summary>
public sealed class LoopbackFunctionsHostOptions
{
    /// <summary>The built Functions app (its output directory: <c>worker.config.json</c>, <c>host.json</c>, the assembly).</summary>
    public required string AppDirectory { get; init; }

    /// <summary>App settings, passed to the worker as environment variables (as in Azure).</summary>
    public required IReadOnlyDictionary<string, string> AppSettings { get; init; }

    /// <summary>The credential behind the managed identity endpoint: asked for <c>{resource}/.default</c>.</summary>
    public required Azure.Core.TokenCredential Credential { get; init; }

    /// <summary>The client id the worker must ask for (its <c>AZURE_CLIENT_ID</c>); null accepts any.</summary>
    public string? ManagedIdentityClientId { get; init; }

    /// <summary>Queue services the host's queue listener reads, by connection name (<c>Connection = ...</c> on the trigger).</summary>
    public IReadOnlyDictionary<string, QueueServiceClient> QueueConnections { get; init; } = new Dictionary<string, QueueServiceClient>();

    /// <summary>CA certificates (PEM) the worker trusts, instead of the system store (<c>SSL_CERT_FILE</c>).</summary>
    public IReadOnlyList<string> TrustedCaPems { get; init; } = [];

    /// <summary>An <c>HTTPS_PROXY</c> for the worker (loopback hosts bypass it).</summary>
    public Uri? HttpsProxy { get; init; }

    /// <summary>
    /// How long a failed message stays invisible before its next delivery. The real host uses host.json
    /// <c>visibilityTimeout</c>; tests use zero so retries run at once.
    /// </summary>
    public TimeSpan RetryVisibilityTimeout { get; init; } = TimeSpan.Zero;
}

/// <summary>What one queue drain did.</summary>
public sealed class QueueDeliveryLog
{
    public int Succeeded { get; set; }

    public int Poisoned { get; set; }

    /// <summary>The failure message of every failed delivery, in order.</summary>
    public List<string> Failures { get; } = [];
}

/// <summary>A function the worker indexed and loaded: its id, its load metadata and its bindings as JSON.</summary>
public sealed class LoadedFunction
{
    private LoadedFunction(string name, string functionId, RpcFunctionMetadata metadata, IReadOnlyList<JsonObject> bindings)
    {
        Name = name;
        FunctionId = functionId;
        Metadata = metadata;
        Bindings = bindings;
    }

    public string Name { get; }

    public string FunctionId { get; }

    public RpcFunctionMetadata Metadata { get; }

    /// <summary>The raw bindings the worker reported (the <c>function.json</c> shape).</summary>
    public IReadOnlyList<JsonObject> Bindings { get; }

    /// <summary>The binding of the given trigger type; throws when the function has none.</summary>
    public JsonObject Trigger(string type) =>
        TriggerOrNull(type) ?? throw new InvalidOperationException($"The function '{Name}' has no {type} binding.");

    public JsonObject? TriggerOrNull(string type) =>
        Bindings.FirstOrDefault(b => string.Equals(b["type"]?.GetValue<string>(), type, StringComparison.OrdinalIgnoreCase));

    /// <summary>The load request's metadata as the host builds it: the worker's metadata with the bindings parsed from the raw ones.</summary>
    internal static LoadedFunction From(RpcFunctionMetadata indexed, string appDirectory)
    {
        var metadata = indexed.Clone();
        if (string.IsNullOrEmpty(metadata.FunctionId))
        {
            metadata.FunctionId = Guid.NewGuid().ToString();
        }

        metadata.Directory = appDirectory;
        var bindings = new List<JsonObject>();
        foreach (var raw in indexed.RawBindings)
        {
            var binding = JsonNode.Parse(raw)!.AsObject();
            bindings.Add(binding);
            var info = new BindingInfo
            {
                Type = binding["type"]!.GetValue<string>(),
                Direction = (binding["direction"]?.GetValue<string>() ?? "in").ToUpperInvariant() switch
                {
                    "OUT" => BindingInfo.Types.Direction.Out,
                    "INOUT" => BindingInfo.Types.Direction.Inout,
                    _ => BindingInfo.Types.Direction.In,
                },
                DataType = (binding["dataType"]?.GetValue<string>() ?? string.Empty).ToUpperInvariant() switch
                {
                    "STRING" => BindingInfo.Types.DataType.String,
                    "BINARY" => BindingInfo.Types.DataType.Binary,
                    "STREAM" => BindingInfo.Types.DataType.Stream,
                    _ => BindingInfo.Types.DataType.Undefined,
                },
            };
            if (binding["properties"] is JsonObject properties)
            {
                foreach (var (key, value) in properties)
                {
                    info.Properties[key] = value?.ToString() ?? string.Empty;
                }
            }

            metadata.Bindings[binding["name"]!.GetValue<string>()] = info;
        }

        return new LoadedFunction(metadata.Name, metadata.FunctionId, metadata, bindings);
    }
}
