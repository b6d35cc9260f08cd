using System.Globalization;
using System.Net.Mime;
using System.Runtime.Serialization;
using MassTransit;
using MassTransit.Serialization;
using Platform.Contracts;
using Platform.Contracts.Resources;

namespace Platform.ResourceGc.Content;

/// <summary>
/// Reads <see cref="ContentIngestChunkBinary"/>'s form of a <see cref="ContentIngestChunk"/>: the body is the bytes, the
/// other fields are headers. The message then goes through the same pipeline as a JSON one (authorisation on its
/// namespace, error replies, the consumer), so the only difference is that nothing is base64-encoded or parsed. A body
/// without the required headers is a <see cref="SerializationException"/>, which the reply filter answers as
/// InvalidArgument naming the header.
/// </summary>
public sealed class BinaryChunkDeserializer : IMessageDeserializer, ISerializerFactory
{
    private static readonly string[] MessageTypes = [MessageUrn.ForTypeString<ContentIngestChunk>()];

    public ContentType ContentType { get; } = new(ContentIngestChunkBinary.ContentType);

    public IMessageSerializer CreateSerializer() =>
        throw new NotSupportedException($"{ContentIngestChunkBinary.ContentType} is only read: replies are JSON");

    public IMessageDeserializer CreateDeserializer() => this;

    public void Probe(ProbeContext context) => context.CreateScope("binaryContentChunk").Add("contentType", ContentType.MediaType);

    public ConsumeContext Deserialize(ReceiveContext receiveContext) =>
        new BodyConsumeContext(receiveContext, Deserialize(receiveContext.Body, receiveContext.TransportHeaders, receiveContext.InputAddress));

    public SerializerContext Deserialize(MessageBody body, Headers headers, Uri? destinationAddress = null)
    {
        var context = new RawMessageContext(headers, destinationAddress!, RawSerializerOptions.Default);
        try
        {
            var chunk = new ContentIngestChunk
            {
                Namespace = headers.Get<string>(ContentIngestChunkBinary.NamespaceHeader),
                Ref = headers.Get<string>(ContentIngestChunkBinary.RefHeader)
                    ?? throw new SerializationException($"the {ContentIngestChunkBinary.RefHeader} header must be set (the ingest reference)"),
                Offset = OffsetOf(headers),
                Data = body.GetBytes(),
            };
            return new ChunkContext(ContentType, context, chunk, null);
        }
        catch (SerializationException e)
        {
            // Thrown when the message is asked for, inside the receive pipeline, so the sender gets an error reply naming
            // the header; thrown from here, the delivery would fail before anything knew where replies go.
            return new ChunkContext(ContentType, context, new ContentIngestChunk(), e);
        }
    }

    public MessageBody GetMessageBody(string text) => new StringMessageBody(text);

    /// <summary>The chunk, or the reason it could not be read, given when the pipeline asks for the message.</summary>
    private sealed class ChunkContext(ContentType contentType, MessageContext context, ContentIngestChunk chunk, SerializationException? unreadable)
        : SystemTextJsonSerializerContext(SystemTextJsonMessageSerializer.Instance, SystemTextJsonMessageSerializer.Options, contentType, context,
            MessageTypes, message: chunk)
    {
        public override bool TryGetMessage<T>(out T? message) where T : class
        {
            if (unreadable is not null)
                throw unreadable;
            return base.TryGetMessage(out message);
        }

        public override bool TryGetMessage(Type messageType, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out object? message)
        {
            if (unreadable is not null)
                throw unreadable;
            return base.TryGetMessage(messageType, out message);
        }
    }

    private static long OffsetOf(Headers headers)
    {
        if (!headers.TryGetHeader(ContentIngestChunkBinary.OffsetHeader, out var value))
            throw new SerializationException($"the {ContentIngestChunkBinary.OffsetHeader} header must be set (the chunk's position in the blob)");
        return value switch
        {
            long l => l,
            int i => i,
            string s when long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => throw new SerializationException($"the {ContentIngestChunkBinary.OffsetHeader} header must be a non-negative integer (got {value})"),
        };
    }
}
