using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace NetPolGovernance.Connectors.Azure;

/// <summary>
/// The one place ARM requests are sent: an Azure.Core pipeline with the bearer policy for the cloud's ARM scope and
/// the options' retry policy. Non-success responses become <see cref="RequestFailedException"/> (status and ARM error
/// code preserved). Absolute URLs handed back by the service (nextLink, Location) must stay on the ARM host, so a
/// token is never sent elsewhere.
/// </summary>
internal sealed class ArmRequestSender
{
    private readonly HttpPipeline _pipeline;
    private int _calls;

    public ArmRequestSender(TokenCredential credential, AzureManagementClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Cloud = options.Cloud;

        // Azure.Core takes the retry policy from the options only; it is the standard Retry settings as they are now
        // (with the throttle-aware delays), built for this client and not left behind on the caller's options.
        lock (options)
        {
            var callerPolicy = options.RetryPolicy;
            options.RetryPolicy = options.CreateRetryPolicy();
            try
            {
                _pipeline = HttpPipelineBuilder.Build(
                    options,
                    perCallPolicies: [],
                    perRetryPolicies: [new CallCounterPolicy(this), new BearerTokenAuthenticationPolicy(credential, options.Cloud.ArmScope)],
                    responseClassifier: null);
            }
            finally
            {
                options.RetryPolicy = callerPolicy;
            }
        }
    }

    public AzureCloudEnvironment Cloud { get; }

    /// <summary>Requests sent through this sender (each retry counts: it is a call the service saw).</summary>
    public int Calls => Volatile.Read(ref _calls);

    public Uri Resolve(string pathAndQuery) => new(Cloud.ArmEndpoint, pathAndQuery.TrimStart('/'));

    /// <summary>Accepts a service-provided absolute URL only when it points at the ARM host.</summary>
    public Uri ResolveServiceLink(string link)
    {
        var uri = new Uri(Cloud.ArmEndpoint, link);
        if (!string.Equals(uri.Scheme, Uri.UriSchemeHttps, StringComparison.Ordinal)
            || !string.Equals(uri.Authority, Cloud.ArmEndpoint.Authority, StringComparison.OrdinalIgnoreCase))
        {
            throw new RequestFailedException(
                0,
                $"The service returned a link to '{uri.GetLeftPart(UriPartial.Authority)}', which is not the ARM endpoint '{Cloud.ArmEndpoint}'; refusing to follow it.");
        }

        return uri;
    }

    public async Task<ArmResult> SendAsync(RequestMethod method, Uri uri, BinaryData? body, CancellationToken cancellationToken)
    {
        using var message = _pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(uri);
        message.Request.Headers.Add(HttpHeader.Common.JsonAccept);
        if (body is not null)
        {
            message.Request.Headers.Add(HttpHeader.Common.JsonContentType);
            message.Request.Content = RequestContent.Create(body);
        }
        else if (method == RequestMethod.Post)
        {
            message.Request.Content = RequestContent.Create(BinaryData.Empty);
        }

        // The body is read here, to a bound, not buffered whole by the pipeline: a server (or a proxy) that sends
        // gigabytes is refused at MaxResponseBytes. runCommand results (their logs at most 512 kB) come through here too.
        message.BufferResponse = false;
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var response = message.Response;
        await BufferCappedAsync(response, uri, cancellationToken).ConfigureAwait(false);
        if (response.IsError)
        {
            throw new RequestFailedException(response);
        }

        return new ArmResult(response, response.Content);
    }

    /// <summary>The most of one ARM or Resource Graph response body that is read (a page of 1,000 Resource Graph rows is about 2 MB).</summary>
    public const int MaxResponseBytes = 32 * 1024 * 1024;

    /// <summary>The error code of the <see cref="RequestFailedException"/> for a body over <see cref="MaxResponseBytes"/> (a bound, not a server error).</summary>
    public const string ResponseTooLargeErrorCode = "ResponseTooLarge";

    private static async Task BufferCappedAsync(Response response, Uri uri, CancellationToken cancellationToken)
    {
        if (response.ContentStream is not { } stream)
        {
            return;
        }

        var buffer = new MemoryStream();
        await using (stream.ConfigureAwait(false))
        {
            var chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > MaxResponseBytes)
                {
                    await buffer.DisposeAsync().ConfigureAwait(false);
                    throw new RequestFailedException(
                        response.Status,
                        $"the response of {uri.GetLeftPart(UriPartial.Path)} is larger than {MaxResponseBytes / (1024 * 1024)} MiB; refusing it (a hostile or broken server or proxy)",
                        ResponseTooLargeErrorCode,
                        null);
                }

                buffer.Write(chunk, 0, read);
            }
        }

        buffer.Position = 0;
        response.ContentStream = buffer;
    }

    private void CountCall() => Interlocked.Increment(ref _calls);

    private sealed class CallCounterPolicy(ArmRequestSender owner) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message) => owner.CountCall();
    }
}

/// <summary>A successful ARM response: status and headers, and the body buffered.</summary>
internal sealed record ArmResult(Response Response, BinaryData Content)
{
    public int Status => Response.Status;

    public JsonDocument ParseJson() => JsonDocument.Parse(Content);
}
