using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace NetPolGovernance.Simulator.Kubernetes;

/// <summary>
/// Serves one request to one virtual cluster: latency, bearer-token check, injected faults, then discovery,
/// list (paging, selectors, metadata-only), get, create (with <c>dryRun=All</c>), delete and deletecollection.
/// </summary>
internal static class KubeApiHandler
{
    /// <summary>A large list is handed to the connection in parts of about this size, so it is sent while the rest is copied.</summary>
    private const int FlushBytes = 256 * 1024;

    private static readonly HashSet<string> s_podFields = new(StringComparer.Ordinal)
    {
        "metadata.name", "metadata.namespace", "spec.hostNetwork", "spec.nodeName", "status.phase",
    };

    private static readonly HashSet<string> s_objectFields = new(StringComparer.Ordinal) { "metadata.name", "metadata.namespace" };

    private enum RouteKind
    {
        NotFound,
        Version,
        CoreVersions,
        GroupList,
        Group,
        ResourceList,
        Collection,
        Item,
    }

    public static async Task HandleAsync(VirtualCluster cluster, HttpContext context, string path)
    {
        var cancellationToken = context.RequestAborted;
        var (request, route, routeGroup, routeVersion) = Parse(cluster, context, path);
        try
        {
            if (cluster.Latency > TimeSpan.Zero)
            {
                await Task.Delay(cluster.Latency, cancellationToken).ConfigureAwait(false);
            }

            if (!HasToken(context, cluster.Token))
            {
                await RespondStatusAsync(cluster, request, context, 401, "Unauthorized", "Unauthorized").ConfigureAwait(false);
                return;
            }

            var fault = cluster.Faults.Take(request);
            if (fault is not null)
            {
                if (fault.Delay > TimeSpan.Zero)
                {
                    await Task.Delay(fault.Delay, cancellationToken).ConfigureAwait(false);
                }

                if (fault.Behaviour is { } behaviour)
                {
                    cluster.Traffic.Record(request, 200, 0);
                    await HostileResponses.RespondAsync(behaviour, context, request).ConfigureAwait(false);
                    return;
                }

                if (fault.BodyBytes is not null)
                {
                    // Served normally below; RespondAsync cuts the body.
                    context.Items[typeof(KubeFault)] = fault;
                }
                else if (fault.Abort)
                {
                    cluster.Traffic.Record(request, 0, 0);
                    context.Abort();
                    return;
                }

                if (fault.RawBody is { } raw)
                {
                    var bytes = System.Text.Encoding.UTF8.GetBytes(raw);
                    context.Response.StatusCode = 200;
                    context.Response.ContentType = KubeApiResponses.JsonContentType;
                    context.Response.ContentLength = bytes.Length;
                    cluster.Traffic.Record(request, 200, bytes.Length);
                    await context.Response.Body.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                    return;
                }

                if (fault.StatusCode is { } code)
                {
                    if (fault.RetryAfter is { } retryAfter)
                    {
                        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                    }

                    await RespondStatusAsync(cluster, request, context, code, fault.Reason, fault.Message(request)).ConfigureAwait(false);
                    return;
                }
            }

            await DispatchAsync(cluster, context, request, route, routeGroup, routeVersion).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
    }

    private static async Task DispatchAsync(VirtualCluster cluster, HttpContext context, KubeRequest request, RouteKind route, string? group, string? version)
    {
        var (shape, discoveryVersion) = AcceptHeader.Negotiate(context.Request.Headers.Accept.ToString());
        if (shape == ResponseShape.NotAcceptable)
        {
            await RespondStatusAsync(cluster, request, context, 406, "NotAcceptable", "only the following media types are accepted: application/json").ConfigureAwait(false);
            return;
        }

        switch (route)
        {
            case RouteKind.Version:
                await RespondAsync(cluster, request, context, 200, KubeApiResponses.JsonContentType, w => KubeApiResponses.WriteVersion(w, cluster.KubernetesVersion)).ConfigureAwait(false);
                return;
            case RouteKind.CoreVersions when shape == ResponseShape.AggregatedDiscovery:
            case RouteKind.GroupList when shape == ResponseShape.AggregatedDiscovery:
                var served = cluster.ServedGroups;
                await RespondAsync(
                    cluster,
                    request,
                    context,
                    200,
                    $"application/json;g=apidiscovery.k8s.io;v={discoveryVersion};as=APIGroupDiscoveryList",
                    w => KubeApiResponses.WriteAggregatedDiscovery(w, served, core: route == RouteKind.CoreVersions, discoveryVersion!)).ConfigureAwait(false);
                return;
            case RouteKind.CoreVersions:
                var address = $"{context.Connection.LocalIpAddress}:{context.Connection.LocalPort}";
                await RespondAsync(cluster, request, context, 200, KubeApiResponses.JsonContentType, w => KubeApiResponses.WriteApiVersions(w, address)).ConfigureAwait(false);
                return;
            case RouteKind.GroupList:
                var groups = cluster.ServedGroups;
                await RespondAsync(cluster, request, context, 200, KubeApiResponses.JsonContentType, w => KubeApiResponses.WriteGroupList(w, groups)).ConfigureAwait(false);
                return;
            case RouteKind.Group:
                await RespondAsync(cluster, request, context, 200, KubeApiResponses.JsonContentType, w => KubeApiResponses.WriteGroup(w, group!, typed: true)).ConfigureAwait(false);
                return;
            case RouteKind.ResourceList:
                await RespondAsync(cluster, request, context, 200, KubeApiResponses.JsonContentType, w => KubeApiResponses.WriteResourceList(w, group!, version!)).ConfigureAwait(false);
                return;
            case RouteKind.Collection when request.Verb == KubeVerb.List:
                await ListAsync(cluster, context, request, shape == ResponseShape.Metadata).ConfigureAwait(false);
                return;
            case RouteKind.Collection when request.Verb == KubeVerb.Create:
                await CreateAsync(cluster, context, request).ConfigureAwait(false);
                return;
            case RouteKind.Collection when request.Verb == KubeVerb.DeleteCollection:
                await DeleteCollectionAsync(cluster, context, request).ConfigureAwait(false);
                return;
            case RouteKind.Item when request.Verb == KubeVerb.Get:
                await GetAsync(cluster, context, request, shape == ResponseShape.Metadata).ConfigureAwait(false);
                return;
            case RouteKind.Item when request.Verb == KubeVerb.Delete:
                await DeleteAsync(cluster, context, request).ConfigureAwait(false);
                return;
            case RouteKind.Collection or RouteKind.Item:
                await RespondStatusAsync(cluster, request, context, 405, "MethodNotAllowed", $"the server does not allow this method on the requested resource").ConfigureAwait(false);
                return;
            default:
                await RespondStatusAsync(cluster, request, context, 404, "NotFound", "the server could not find the requested resource").ConfigureAwait(false);
                return;
        }
    }

    private static async Task ListAsync(VirtualCluster cluster, HttpContext context, KubeRequest request, bool metadataOnly)
    {
        var resource = request.Resource!;
        if (!ListSelectors.TryParse(request.LabelSelector, request.FieldSelector, out var selectors, out var error))
        {
            await RespondStatusAsync(cluster, request, context, 400, "BadRequest", error).ConfigureAwait(false);
            return;
        }

        var supportedFields = resource == ApiResources.Pods ? s_podFields : s_objectFields;
        var unsupported = selectors.FieldNames.FirstOrDefault(f => !supportedFields.Contains(f));
        if (unsupported is not null)
        {
            await RespondStatusAsync(cluster, request, context, 400, "BadRequest", $"field label not supported: {unsupported}").ConfigureAwait(false);
            return;
        }

        // A generated list (the fleet simulator) is paged straight from its generator unless it must be filtered.
        var generated = cluster.Generated?.List(resource);
        var unfiltered = request.Namespace is null && selectors.IsEmpty;
        var direct = unfiltered ? generated : null;
        var all = direct is not null ? [] : generated?.Materialize() ?? cluster.Objects.List(resource);
        var items = unfiltered
            ? all
            : [.. all.Where(o => (request.Namespace is null || o.Namespace == request.Namespace) && selectors.Matches(o))];
        var total = direct?.Count ?? items.Length;
        var listKey = $"{resource.GroupVersion}/{resource.Plural}|{request.Namespace}|{request.LabelSelector}|{request.FieldSelector}";
        var offset = 0;
        var resourceVersion = cluster.Objects.ResourceVersion;
        if (request.Continue is not null)
        {
            var token = ContinueToken.TryDecode(request.Continue);
            if (token is null || token.ListKey != listKey || token.Offset > total)
            {
                await RespondStatusAsync(cluster, request, context, 400, "BadRequest", "continue key is not valid: the token does not belong to this list").ConfigureAwait(false);
                return;
            }

            offset = token.Offset;
            resourceVersion = token.ResourceVersion;
        }

        var count = total - offset;
        string? next = null;
        long remaining = 0;
        if (request.Limit is > 0 and var limit && limit < count)
        {
            count = limit;
            next = new ContinueToken(listKey, resourceVersion, offset + limit).Encode();
            remaining = total - offset - limit;
        }

        var page = items.AsMemory(direct is null ? offset : 0, direct is null ? count : 0);
        await RespondAsync(
            cluster,
            request,
            context,
            200,
            metadataOnly ? KubeApiResponses.MetadataListContentType : KubeApiResponses.JsonContentType,
            w =>
            {
                if (direct is null)
                {
                    KubeApiResponses.WriteList(w, resource, page.Span, metadataOnly, resourceVersion, next, remaining);
                }
                else
                {
                    KubeApiResponses.WriteList(w, resource, metadataOnly, resourceVersion, next, remaining, items => direct.WriteItems(items, offset, count, metadataOnly));
                }
            }).ConfigureAwait(false);
    }

    private static async Task GetAsync(VirtualCluster cluster, HttpContext context, KubeRequest request, bool metadataOnly)
    {
        var found = cluster.Objects.Find(request.Resource!, request.Namespace, request.Name!);
        if (found is null)
        {
            await RespondNotFoundAsync(cluster, context, request).ConfigureAwait(false);
            return;
        }

        if (metadataOnly)
        {
            await RespondAsync(cluster, request, context, 200, KubeApiResponses.MetadataContentType, w => KubeApiResponses.WriteMetadataObject(w, found)).ConfigureAwait(false);
            return;
        }

        var typed = KubeApiResponses.Typed(found);
        await RespondAsync(cluster, request, context, 200, KubeApiResponses.JsonContentType, w => w.WriteRawValue(typed, skipInputValidation: true)).ConfigureAwait(false);
    }

    private static async Task CreateAsync(VirtualCluster cluster, HttpContext context, KubeRequest request)
    {
        var resource = request.Resource!;
        if (resource.Namespaced && request.Namespace is null)
        {
            await RespondStatusAsync(cluster, request, context, 405, "MethodNotAllowed", "create a namespaced object through its namespace path").ConfigureAwait(false);
            return;
        }

        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false) as JsonObject;
        }
        catch (JsonException ex)
        {
            await RespondStatusAsync(cluster, request, context, 400, "BadRequest", $"the request body is not valid JSON: {ex.Message}").ConfigureAwait(false);
            return;
        }

        if (body is null)
        {
            await RespondStatusAsync(cluster, request, context, 400, "BadRequest", "the request body must be a JSON object").ConfigureAwait(false);
            return;
        }

        var kind = body["kind"]?.GetValue<string>();
        var apiVersion = body["apiVersion"]?.GetValue<string>();
        if ((kind is not null && kind != resource.Kind) || (apiVersion is not null && apiVersion != resource.GroupVersion))
        {
            await RespondStatusAsync(cluster, request, context, 400, "BadRequest", $"the object kind {apiVersion} {kind} does not match the resource {resource.GroupVersion} {resource.Plural}").ConfigureAwait(false);
            return;
        }

        var metadata = body["metadata"] as JsonObject ?? [];
        body["metadata"] = metadata;
        var bodyNamespace = metadata["namespace"]?.GetValue<string>();
        if (resource.Namespaced)
        {
            if (bodyNamespace is not null && bodyNamespace != request.Namespace)
            {
                await RespondStatusAsync(cluster, request, context, 400, "BadRequest", "the namespace of the provided object does not match the namespace sent on the request").ConfigureAwait(false);
                return;
            }

            metadata["namespace"] = request.Namespace;
            if (cluster.Objects.Find(ApiResources.Namespaces, null, request.Namespace!) is null)
            {
                await RespondStatusAsync(cluster, request, context, 404, "NotFound", $"namespaces \"{request.Namespace}\" not found", ApiResources.Namespaces, request.Namespace).ConfigureAwait(false);
                return;
            }
        }

        if (string.IsNullOrEmpty(metadata["name"]?.GetValue<string>()))
        {
            var generateName = metadata["generateName"]?.GetValue<string>();
            if (string.IsNullOrEmpty(generateName))
            {
                await RespondStatusAsync(cluster, request, context, 422, "Invalid", $"{resource.Kind} is invalid: metadata.name: Required value: name or generateName is required").ConfigureAwait(false);
                return;
            }

            metadata["name"] = generateName + Guid.NewGuid().ToString("N")[..5];
        }

        if (!cluster.Objects.TryCreate(resource, body, request.DryRun, out var stored))
        {
            await RespondStatusAsync(cluster, request, context, 409, "AlreadyExists", $"{QualifiedPlural(resource)} \"{stored.Name}\" already exists", resource, stored.Name).ConfigureAwait(false);
            return;
        }

        var typed = KubeApiResponses.Typed(stored);
        await RespondAsync(cluster, request, context, 201, KubeApiResponses.JsonContentType, w => w.WriteRawValue(typed, skipInputValidation: true)).ConfigureAwait(false);
    }

    private static async Task DeleteAsync(VirtualCluster cluster, HttpContext context, KubeRequest request)
    {
        if (!cluster.Objects.Remove(request.Resource!, request.Namespace, request.Name!, request.DryRun))
        {
            await RespondNotFoundAsync(cluster, context, request).ConfigureAwait(false);
            return;
        }

        await RespondStatusAsync(cluster, request, context, 200, string.Empty, string.Empty, request.Resource, request.Name).ConfigureAwait(false);
    }

    private static async Task DeleteCollectionAsync(VirtualCluster cluster, HttpContext context, KubeRequest request)
    {
        var resource = request.Resource!;
        if (!ListSelectors.TryParse(request.LabelSelector, request.FieldSelector, out var selectors, out var error))
        {
            await RespondStatusAsync(cluster, request, context, 400, "BadRequest", error).ConfigureAwait(false);
            return;
        }

        var deleted = cluster.Objects.List(resource)
            .Where(o => (request.Namespace is null || o.Namespace == request.Namespace) && selectors.Matches(o))
            .Where(o => cluster.Objects.Remove(resource, o.Namespace, o.Name, request.DryRun))
            .ToArray();
        var resourceVersion = cluster.Objects.ResourceVersion;
        await RespondAsync(
            cluster,
            request,
            context,
            200,
            KubeApiResponses.JsonContentType,
            w => KubeApiResponses.WriteList(w, resource, deleted, metadataOnly: false, resourceVersion, null, 0)).ConfigureAwait(false);
    }

    private static Task RespondNotFoundAsync(VirtualCluster cluster, HttpContext context, KubeRequest request) =>
        RespondStatusAsync(cluster, request, context, 404, "NotFound", $"{QualifiedPlural(request.Resource!)} \"{request.Name}\" not found", request.Resource, request.Name);

    private static string QualifiedPlural(ApiResource resource) =>
        resource.Group.Length == 0 ? resource.Plural : $"{resource.Plural}.{resource.Group}";

    private static Task RespondStatusAsync(
        VirtualCluster cluster,
        KubeRequest request,
        HttpContext context,
        int code,
        string reason,
        string message,
        ApiResource? resource = null,
        string? name = null) =>
        RespondAsync(cluster, request, context, code, KubeApiResponses.JsonContentType, w => KubeApiResponses.WriteStatus(w, code, reason, message, resource, name));

    private static async Task RespondAsync(VirtualCluster cluster, KubeRequest request, HttpContext context, int status, string contentType, Action<Utf8JsonWriter> write)
    {
        using var buffer = KubeApiResponses.Render(write);
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        if (context.Items[typeof(KubeFault)] is KubeFault { BodyBytes: { } cut } fault)
        {
            await RespondCutAsync(cluster, request, context, status, buffer.ToArray(), cut, fault.Abort).ConfigureAwait(false);
            return;
        }

        context.Response.ContentLength = buffer.WrittenCount;
        cluster.Traffic.Record(request, status, buffer.WrittenCount);
        await buffer.CopyToAsync(context.Response.BodyWriter, buffer.WrittenCount, FlushBytes, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends only the first <paramref name="cut"/> bytes of <paramref name="body"/>. To drop mid-body, the headers announce
    /// the whole body, the part is flushed and left a moment to reach the client, then the connection is aborted.
    /// </summary>
    private static async Task RespondCutAsync(VirtualCluster cluster, KubeRequest request, HttpContext context, int status, ReadOnlyMemory<byte> body, int cut, bool drop)
    {
        var part = body[..Math.Min(cut, body.Length)];
        context.Response.ContentLength = drop ? body.Length : part.Length;
        cluster.Traffic.Record(request, status, part.Length);
        await context.Response.Body.WriteAsync(part, context.RequestAborted).ConfigureAwait(false);
        if (drop)
        {
            await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromMilliseconds(50), context.RequestAborted).ConfigureAwait(false);
            context.Abort();
        }
    }

    private static bool HasToken(HttpContext context, string token)
    {
        var header = context.Request.Headers.Authorization.ToString();
        const string Bearer = "Bearer ";
        return header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase)
               && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                   System.Text.Encoding.UTF8.GetBytes(header[Bearer.Length..].Trim()),
                   System.Text.Encoding.UTF8.GetBytes(token));
    }

    private static (KubeRequest Request, RouteKind Route, string? Group, string? Version) Parse(VirtualCluster cluster, HttpContext context, string path)
    {
        var query = context.Request.Query;
        var method = context.Request.Method;
        var limit = int.TryParse(query["limit"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsedLimit) ? parsedLimit : (int?)null;
        var (shape, _) = AcceptHeader.Negotiate(context.Request.Headers.Accept.ToString());
        var request = new KubeRequest
        {
            ClusterId = cluster.Id,
            Method = method,
            Path = path,
            Query = context.Request.QueryString.Value ?? string.Empty,
            Verb = KubeVerb.Other,
            Continue = NullIfEmpty(query["continue"].ToString()),
            Limit = limit,
            LabelSelector = NullIfEmpty(query["labelSelector"].ToString()),
            FieldSelector = NullIfEmpty(query["fieldSelector"].ToString()),
            DryRun = string.Equals(query["dryRun"].ToString(), "All", StringComparison.Ordinal),
            MetadataOnly = shape == ResponseShape.Metadata,
            AggregatedDiscovery = shape == ResponseShape.AggregatedDiscovery,
            Protocol = context.Request.Protocol,
        };

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var isGet = HttpMethods.IsGet(method);
        switch (segments)
        {
            case ["version"] when isGet:
                return (request with { Verb = KubeVerb.Discovery }, RouteKind.Version, null, null);
            case ["api"] when isGet:
                return (request with { Verb = KubeVerb.Discovery }, RouteKind.CoreVersions, null, null);
            case ["apis"] when isGet:
                return (request with { Verb = KubeVerb.Discovery }, RouteKind.GroupList, null, null);
            case ["api", "v1"] when isGet:
                return (request with { Verb = KubeVerb.Discovery }, RouteKind.ResourceList, string.Empty, "v1");
            case ["apis", var g] when isGet && IsServedGroup(cluster, g):
                return (request with { Verb = KubeVerb.Discovery }, RouteKind.Group, g, null);
            case ["apis", var g, var v] when isGet && IsServedVersion(cluster, g, v):
                return (request with { Verb = KubeVerb.Discovery }, RouteKind.ResourceList, g, v);
            case ["api", "v1", .. var tail]:
                return ParseResource(cluster, request, string.Empty, "v1", tail);
            case ["apis", var g, var v, .. var tail]:
                return ParseResource(cluster, request, g, v, tail);
            default:
                return (request, RouteKind.NotFound, null, null);
        }
    }

    private static (KubeRequest, RouteKind, string?, string?) ParseResource(VirtualCluster cluster, KubeRequest request, string group, string version, string[] tail)
    {
        if (!cluster.ServedGroups.Contains(group))
        {
            return (request, RouteKind.NotFound, null, null);
        }

        (string? ns, string plural, string? name) target = tail switch
        {
            ["namespaces", var ns, var plural] => (ns, plural, null),
            ["namespaces", var ns, var plural, var name] => (ns, plural, name),
            [var plural] => (null, plural, null),
            [var plural, var name] => (null, plural, name),
            _ => (null, string.Empty, null),
        };
        var resource = ApiResources.Find(group, version, target.plural);
        if (resource is null || (target.ns is not null && !resource.Namespaced) || (target.name is not null && target.ns is null && resource.Namespaced))
        {
            return (request, RouteKind.NotFound, null, null);
        }

        var isItem = target.name is not null;
        var verb = request.Method switch
        {
            "GET" => isItem ? KubeVerb.Get : KubeVerb.List,
            "POST" when !isItem => KubeVerb.Create,
            "DELETE" => isItem ? KubeVerb.Delete : KubeVerb.DeleteCollection,
            _ => KubeVerb.Other,
        };
        var parsed = request with { Resource = resource, Namespace = target.ns, Name = target.name, Verb = verb };
        return (parsed, isItem ? RouteKind.Item : RouteKind.Collection, group, version);
    }

    private static bool IsServedGroup(VirtualCluster cluster, string group) => cluster.ServedGroups.Contains(group);

    private static bool IsServedVersion(VirtualCluster cluster, string group, string version) =>
        cluster.ServedGroups.Contains(group) && ApiResources.All.Any(r => r.Group == group && r.Version == version);

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
