using System.Runtime.CompilerServices;
using Platform.Client.Requests;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Resources;

namespace Platform.Client;

/// <summary>Content: immutable blobs by digest. Write through a resumable ingest, read in chunks, label, list and delete.</summary>
public sealed class ContentClient(PlatformClient client)
{
    /// <summary>How many chunks of one blob are sent before the first reply is awaited.</summary>
    public const int ChunksInFlight = 4;

    /// <summary>The record of <paramref name="digest"/>; NotFound when the namespace has none.</summary>
    public async Task<Content> InfoAsync(string digest, string? @namespace = null, CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<GetContentInfo, ContentResult>(QueueNames.Of<GetContentInfo>(),
            new GetContentInfo { Namespace = client.Namespace(@namespace), Digest = digest }, cancellationToken)).Content;

    /// <summary>Every matching record (filters on <c>digest</c>, <c>size</c>, <c>labels.KEY</c>), in digest order, page by page.</summary>
    public async IAsyncEnumerable<Content> ListAsync(IReadOnlyList<string>? filters = null, string? @namespace = null, int pageSize = 0,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? token = null;
        do
        {
            var page = await ListPageAsync(new ListContent { Namespace = @namespace, Filters = filters, Limit = pageSize, ContinuationToken = token }, cancellationToken);
            foreach (var content in page.Contents)
                yield return content;
            token = page.ContinuationToken;
        }
        while (token is not null);
    }

    /// <summary>One page of records; pass its <see cref="ListContentResult.ContinuationToken"/> back for the next.</summary>
    public Task<ListContentResult> ListPageAsync(ListContent request, CancellationToken cancellationToken = default) =>
        client.RequestAsync<ListContent, ListContentResult>(QueueNames.Of<ListContent>(), request with { Namespace = client.Namespace(request.Namespace) }, cancellationToken);

    /// <summary>One range of a blob (at most 1 MiB per call; <paramref name="length"/> 0 asks for that much).</summary>
    public Task<ContentData> ReadChunkAsync(string digest, long offset, int length = 0, string? @namespace = null, CancellationToken cancellationToken = default) =>
        client.RequestAsync<ReadContent, ContentData>(QueueNames.Of<ReadContent>(),
            new ReadContent { Namespace = client.Namespace(@namespace), Digest = digest, Offset = offset, Length = length }, cancellationToken);

    /// <summary>
    /// A manifest, index or config, whole: InvalidArgument when the blob is larger than such a document may be
    /// (<see cref="Images.OciJson.MaxDocumentBytes"/>), so a layer named by mistake is never read into memory.
    /// </summary>
    public async Task<byte[]> ReadDocumentAsync(string digest, string? @namespace = null, CancellationToken cancellationToken = default)
    {
        var info = await InfoAsync(digest, @namespace, cancellationToken);
        if (info.Size > Images.OciJson.MaxDocumentBytes)
            throw PlatformException.InvalidArgument($"{digest}: {info.Size} bytes, more than a JSON document may have");
        await using var stream = OpenRead(digest, info.Size, client.Namespace(@namespace));
        var bytes = new byte[info.Size];
        await stream.ReadExactlyAsync(bytes, cancellationToken);
        return bytes;
    }

    /// <summary>A stream over the blob that fetches it chunk by chunk as it is read (memory stays at one chunk).</summary>
    public async Task<Stream> ReadAsync(string digest, string? @namespace = null, CancellationToken cancellationToken = default)
    {
        var info = await InfoAsync(digest, @namespace, cancellationToken);
        return new ContentReadStream(this, digest, info.Size, client.Namespace(@namespace));
    }

    /// <summary>
    /// As <see cref="ReadAsync"/> for a blob whose size is known already (from <see cref="InfoAsync"/> or a descriptor): no
    /// request is made until the stream is read, so it can be opened where only a synchronous factory fits (an HTTP body).
    /// </summary>
    public Stream OpenRead(string digest, long size, string? @namespace = null) => new ContentReadStream(this, digest, size, client.Namespace(@namespace));

    /// <summary>Copies the whole blob to <paramref name="destination"/>.</summary>
    public async Task CopyToAsync(string digest, Stream destination, string? @namespace = null, CancellationToken cancellationToken = default)
    {
        await using var source = await ReadAsync(digest, @namespace, cancellationToken);
        await source.CopyToAsync(destination, cancellationToken);
    }

    /// <summary>Deletes a record; FailedPrecondition (naming the holders) while it is referenced, held or labelled to.</summary>
    public async Task<Content> DeleteAsync(string digest, string? @namespace = null, CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<DeleteContent, ContentResult>(QueueNames.Of<DeleteContent>(),
            new DeleteContent { Namespace = client.Namespace(@namespace), Digest = digest }, cancellationToken)).Content;

    /// <summary>Sets the given labels, leaving the others; an empty or null value removes that label.</summary>
    public async Task<Content> SetLabelsAsync(string digest, IReadOnlyDictionary<string, string?> labels, string? @namespace = null,
        CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<UpdateContent, ContentResult>(QueueNames.Of<UpdateContent>(), new UpdateContent
        {
            Namespace = client.Namespace(@namespace), Digest = digest,
            UpdateMask = labels.Keys.Select(k => "labels." + k).ToList(),
            Labels = labels.Where(kv => !string.IsNullOrEmpty(kv.Value)).ToDictionary(kv => kv.Key, kv => kv.Value!),
        }, cancellationToken)).Content;

    /// <summary>
    /// Writes <paramref name="size"/> bytes of <paramref name="source"/> as content <paramref name="digest"/> under ingest reference
    /// <paramref name="ref"/>, and commits it. An interrupted write resumes: beginning the same ref again says how much the
    /// service has, and the source is positioned there (by seeking, or by reading and discarding when it can't seek). When the
    /// namespace already has the digest nothing is sent. The service verifies size and digest; a mismatch is InvalidArgument.
    /// </summary>
    public Task<Content> WriteAsync(Stream source, long size, string digest, string @ref, IReadOnlyDictionary<string, string>? labels = null,
        string? leaseId = null, IProgress<(long Sent, long Total)>? progress = null, string? @namespace = null, CancellationToken cancellationToken = default) =>
        WriteAsync(async (offset, ct) =>
        {
            await SkipAsync(source, offset, ct);
            return new KeepOpenStream(source);
        }, size, digest, @ref, labels, leaseId, progress, @namespace, cancellationToken);

    /// <summary>
    /// As <see cref="WriteAsync(Stream, long, string, string, IReadOnlyDictionary{string, string}?, string?, IProgress{ValueTuple{long, long}}?, string?, CancellationToken)"/>,
    /// opening the source only when there is something to send, at the offset the service already has (a registry blob
    /// fetched with a range, say). The opened stream is disposed here.
    /// </summary>
    public async Task<Content> WriteAsync(Func<long, CancellationToken, Task<Stream>> openAt, long size, string digest, string @ref,
        IReadOnlyDictionary<string, string>? labels = null, string? leaseId = null, IProgress<(long Sent, long Total)>? progress = null,
        string? @namespace = null, CancellationToken cancellationToken = default)
    {
        var ns = client.Namespace(@namespace);
        var status = await client.RequestAsync<BeginContentIngest, ContentIngestStatus>(QueueNames.Of<BeginContentIngest>(), new BeginContentIngest
        {
            Namespace = ns, Ref = @ref, Size = size, Digest = digest, Labels = labels, LeaseId = leaseId,
        }, cancellationToken);
        if (status.Exists)
        {
            progress?.Report((size, size));
            return await InfoAsync(digest, ns, cancellationToken);
        }
        var sent = status.Offset;
        progress?.Report((sent, size));
        if (sent < size)
        {
            await using var source = await openAt(sent, cancellationToken);
            var chunkSize = Math.Max(1, status.ChunkSize);
            // A few chunks in flight: the service appends them in order (a chunk ahead waits for its turn), and the round
            // trips overlap instead of adding up.
            var inFlight = new Queue<Task<ContentIngestStatus>>();
            var offset = sent;
            try
            {
                while (offset < size || inFlight.Count > 0)
                {
                    while (offset < size && inFlight.Count < ChunksInFlight)
                    {
                        var data = new byte[(int)Math.Min(chunkSize, size - offset)];
                        await source.ReadExactlyAsync(data, cancellationToken);
                        // The bytes as they are, not base64 in JSON (ContentIngestChunkBinary): a third less through the broker, nothing to parse.
                        var chunk = new ContentIngestChunk { Namespace = ns, Ref = @ref, Offset = offset, Data = data };
                        inFlight.Enqueue(client.RequestBinaryAsync<ContentIngestChunk, ContentIngestStatus>(QueueNames.Of<ContentIngestChunk>(), chunk,
                            BinaryRequest.Of(chunk), cancellationToken));
                        offset += data.Length;
                    }
                    sent = (await inFlight.Dequeue()).Offset;
                    progress?.Report((sent, size));
                }
            }
            catch
            {
                // Let the others finish (or fail) before the caller retries: a retry begins where the service stopped.
                await Task.WhenAll(inFlight).ContinueWith(_ => { }, TaskScheduler.Default);
                throw;
            }
        }
        return (await client.RequestAsync<CommitContentIngest, ContentResult>(QueueNames.Of<CommitContentIngest>(),
            new CommitContentIngest { Namespace = ns, Ref = @ref, Labels = labels }, cancellationToken)).Content;
    }

    /// <summary>Discards an ingest and what it received.</summary>
    public Task<ContentIngestStatus> AbortAsync(string @ref, string? @namespace = null, CancellationToken cancellationToken = default) =>
        client.RequestAsync<AbortContentIngest, ContentIngestStatus>(QueueNames.Of<AbortContentIngest>(),
            new AbortContentIngest { Namespace = client.Namespace(@namespace), Ref = @ref }, cancellationToken);

    private static async Task SkipAsync(Stream source, long offset, CancellationToken ct)
    {
        if (offset == 0)
            return;
        if (source.CanSeek)
        {
            source.Seek(offset, SeekOrigin.Current);
            return;
        }
        var buffer = new byte[81920];
        for (var left = offset; left > 0;)
            left -= await source.ReadAtLeastAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), (int)Math.Min(buffer.Length, left), throwOnEndOfStream: true, ct);
    }

    /// <summary>A read-only stream that asks the service for the next chunk when its buffer runs out.</summary>
    private sealed class ContentReadStream(ContentClient content, string digest, long size, string ns) : Stream
    {
        private byte[] _chunk = [];
        private int _used;
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => size;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_used == _chunk.Length)
            {
                if (_position >= size || buffer.Length == 0)
                    return 0;
                _chunk = (await content.ReadChunkAsync(digest, _position, 0, ns, cancellationToken)).Data;
                _used = 0;
                if (_chunk.Length == 0)
                    return 0;
            }
            var n = Math.Min(buffer.Length, _chunk.Length - _used);
            _chunk.AsMemory(_used, n).CopyTo(buffer);
            _used += n;
            _position += n;
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
