using System.Collections.Concurrent;
using Grpc.Core;
using NetPolGovernance.Testing.Functions.Rpc;
using GrpcException = Grpc.Core.RpcException;

namespace NetPolGovernance.Testing.Functions;

/// <summary>
/// The host's side of one worker's event stream: requests go out one at a time (writes on a gRPC stream must not
/// overlap), answers are matched to their request by kind and key (function id, invocation id), logs are kept.
/// </summary>
internal sealed class WorkerChannel : IDisposable
{
    private readonly TaskCompletionSource<StartStream> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<(StreamingMessage.ContentOneofCase Kind, string Key), TaskCompletionSource<StreamingMessage>> _pending = new();
    private readonly ConcurrentQueue<string> _logs = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private IServerStreamWriter<StreamingMessage>? _writer;

    /// <summary>Completes with the worker's StartStream.</summary>
    public Task<StartStream> Connected => _connected.Task;

    public IEnumerable<string> Logs => _logs;

    /// <summary>Sends a request and waits for the answer of the given kind and key (null key: the next answer of that kind).</summary>
    public async Task<StreamingMessage> RequestAsync(StreamingMessage request, StreamingMessage.ContentOneofCase answerKind, string? key, CancellationToken cancellationToken)
    {
        var pending = new TaskCompletionSource<StreamingMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var slot = (answerKind, key ?? string.Empty);
        if (!_pending.TryAdd(slot, pending))
        {
            throw new InvalidOperationException($"A {answerKind} for '{key}' is already awaited.");
        }

        try
        {
            await SendAsync(request, cancellationToken).ConfigureAwait(false);
            return await pending.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pending.TryRemove(slot, out _);
        }
    }

    /// <summary>Sends without waiting for an answer; false when the stream is gone.</summary>
    public async Task<bool> TrySendAsync(StreamingMessage message)
    {
        try
        {
            await SendAsync(message, CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or GrpcException)
        {
            return false;
        }
    }

    public void Close() => _closed.TrySetResult();

    public void Dispose() => _writeLock.Dispose();

    /// <summary>Serves the stream the worker opened until the host closes it.</summary>
    public async Task RunAsync(IAsyncStreamReader<StreamingMessage> requests, IServerStreamWriter<StreamingMessage> responses, CancellationToken cancellationToken)
    {
        if (!await requests.MoveNext(cancellationToken).ConfigureAwait(false) || requests.Current.ContentCase != StreamingMessage.ContentOneofCase.StartStream)
        {
            throw new GrpcException(new Status(StatusCode.FailedPrecondition, "The first message of the event stream must be StartStream."));
        }

        _writer = responses;
        _connected.TrySetResult(requests.Current.StartStream);
        var reading = ReadAsync(requests, cancellationToken);
        await Task.WhenAny(reading, _closed.Task).ConfigureAwait(false);
    }

    private async Task ReadAsync(IAsyncStreamReader<StreamingMessage> requests, CancellationToken cancellationToken)
    {
        try
        {
            while (await requests.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                Dispatch(requests.Current);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or GrpcException)
        {
            // The worker went away.
        }

        foreach (var pending in _pending.Values)
        {
            pending.TrySetException(new InvalidOperationException("The worker closed the event stream."));
        }
    }

    private void Dispatch(StreamingMessage message)
    {
        var key = message.ContentCase switch
        {
            StreamingMessage.ContentOneofCase.FunctionLoadResponse => message.FunctionLoadResponse.FunctionId,
            StreamingMessage.ContentOneofCase.InvocationResponse => message.InvocationResponse.InvocationId,
            _ => string.Empty,
        };
        switch (message.ContentCase)
        {
            case StreamingMessage.ContentOneofCase.RpcLog:
                var log = message.RpcLog;
                if (_logs.Count < 5000)
                {
                    _logs.Enqueue($"[{log.Level}] {log.Category}: {log.Message} {log.Exception?.Message}".TrimEnd());
                }

                break;
            default:
                if (_pending.TryGetValue((message.ContentCase, key), out var pending))
                {
                    pending.TrySetResult(message);
                }

                break;
        }
    }

    private async Task SendAsync(StreamingMessage message, CancellationToken cancellationToken)
    {
        var writer = _writer ?? throw new InvalidOperationException("The worker has not opened the event stream.");
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await writer.WriteAsync(message, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }
}

/// <summary>The gRPC service the worker connects to: <c>AzureFunctionsRpcMessages.FunctionRpc/EventStream</c>.</summary>
internal sealed class FunctionRpcService(WorkerChannel channel) : FunctionRpc.FunctionRpcBase
{
    public override Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return channel.RunAsync(requestStream, responseStream, context.CancellationToken);
    }
}
