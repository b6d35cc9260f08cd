namespace Platform.Contracts.Resources;

/// <summary>
/// <see cref="ContentIngestChunk"/>'s binary form, for senders that move many bytes: the AMQP body is the chunk's bytes
/// as they are (no JSON envelope, no base64), with <see cref="ContentType"/> as the content type and the other fields in
/// AMQP headers. Everything else is as for any request: sent to the ContentIngestChunk queue with <c>user_id</c>,
/// <c>message_id</c>, <c>correlation_id</c> and <c>reply_to</c> set, the request id in the <see cref="RequestIdHeader"/>
/// header; the reply is the usual JSON <see cref="ContentIngestStatus"/> or error. The JSON form still works.
/// </summary>
public static class ContentIngestChunkBinary
{
    /// <summary>The AMQP content type that marks the binary form.</summary>
    public const string ContentType = "application/vnd.platform.content-chunk";

    /// <summary>Optional header (string): the namespace; <c>default</c> when absent.</summary>
    public const string NamespaceHeader = "platform-namespace";

    /// <summary>Required header (string): the ingest reference.</summary>
    public const string RefHeader = "platform-ref";

    /// <summary>Required header (a long, or its decimal string): the chunk's position in the blob.</summary>
    public const string OffsetHeader = "platform-offset";

    /// <summary>The request id, as MassTransit's own header names it (a GUID string).</summary>
    public const string RequestIdHeader = "RequestId";
}
