namespace Platform.Client.Requests;

/// <summary>
/// How a <see cref="PlatformClient"/> sends a request and waits for its reply: over RabbitMQ.Client alone when it owns
/// its connection (<see cref="DirectRequests"/>), or over a MassTransit bus it was given (<see cref="BusRequests"/>).
/// Either returns the result or throws a <see cref="PlatformException"/>: the service's error reply with its kind, a
/// fault as Internal, no reply within <paramref name="timeout"/> as Unavailable.
/// </summary>
internal interface IRequestSender : IAsyncDisposable
{
    /// <param name="queue">The service queue, for messages.</param>
    /// <param name="destination">The queue with the services' prefix.</param>
    /// <param name="cancellationToken">Cancelled by the caller (an <see cref="OperationCanceledException"/>), not by the timeout.</param>
    Task<TResult> RequestAsync<TRequest, TResult>(string queue, string destination, TRequest request, TimeSpan timeout,
        CancellationToken cancellationToken)
        where TRequest : class
        where TResult : class;

    /// <summary>
    /// Sends <paramref name="binary"/>, a request's binary form (<see cref="BinaryRequest"/>), where the sender can; one that
    /// can't (a MassTransit bus) sends <paramref name="request"/>, the same request, as JSON.
    /// </summary>
    Task<TResult> RequestBinaryAsync<TRequest, TResult>(string queue, string destination, TRequest request, BinaryRequest binary, TimeSpan timeout,
        CancellationToken cancellationToken)
        where TRequest : class
        where TResult : class =>
        RequestAsync<TRequest, TResult>(queue, destination, request, timeout, cancellationToken);
}

/// <summary>A request's binary form: the AMQP content type, headers for its other fields, and the bytes as the body (see ContentIngestChunkBinary).</summary>
internal sealed record BinaryRequest(string ContentType, IReadOnlyDictionary<string, object?> Headers, ReadOnlyMemory<byte> Body)
{
    /// <summary>A content chunk's binary form (<see cref="Contracts.Resources.ContentIngestChunkBinary"/>): its bytes as the body, its other fields as headers.</summary>
    public static BinaryRequest Of(Contracts.Resources.ContentIngestChunk chunk) =>
        new(Contracts.Resources.ContentIngestChunkBinary.ContentType, new Dictionary<string, object?>
        {
            [Contracts.Resources.ContentIngestChunkBinary.NamespaceHeader] = chunk.Namespace,
            [Contracts.Resources.ContentIngestChunkBinary.RefHeader] = chunk.Ref,
            [Contracts.Resources.ContentIngestChunkBinary.OffsetHeader] = chunk.Offset,
        }, chunk.Data);
}
