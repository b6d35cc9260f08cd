using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Common.Errors;
using Platform.Contracts.Resources;
using Platform.ResourceGc.Snapshots;
using Platform.ResourceGc.Store;

namespace Platform.ResourceGc.Content;

/// <summary>
/// Writing content: begin (or resume) an ingest, append chunks in order, commit or abort. A commit verifies size and
/// sha256 of the whole file; a mismatch removes the ingest, so a failed commit leaves nothing. Order matters for crash
/// safety: the blob file is in place before its record (a crash leaves an orphan file that a pass removes), and the
/// record, the lease hold and the ContentCommitted event are one store transaction.
/// </summary>
public sealed class ContentWriter(
    IResourceStore store,
    ContentBlobs blobs,
    ContentIngests ingests,
    TimeProvider clock,
    IOptions<ResourceGcOptions> options,
    ILogger<ContentWriter> logger)
{
    private int ChunkSize => options.Value.ImportChunkSize;

    /// <summary>
    /// Starts or resumes an ingest. Exists (nothing to upload) when the namespace already has the digest, and also when
    /// another namespace's commit left the blob file with the expected size: the record is then committed at once, since
    /// a blob file is only ever put in place after its digest was verified.
    /// </summary>
    public async Task<ContentIngestStatus> BeginAsync(BeginContentIngest request, CancellationToken ct)
    {
        var ns = SnapshotRules.Namespace(request.Namespace);
        var reference = ContentRules.Ref(request.Ref);
        var digest = ContentRules.Digest(request.Digest);
        if (request.Size < 0)
            throw PlatformException.InvalidArgument($"size must not be negative (got {request.Size})");
        var labels = SnapshotRules.Labels(request.Labels);
        var leaseId = string.IsNullOrEmpty(request.LeaseId) ? null : request.LeaseId;
        blobs.EnsureFolders();

        if (await store.GetContentAsync(ns, digest, ct) is not null || await CommitSharedBlobAsync(ns, digest, request.Size, labels, leaseId, ct))
        {
            if (leaseId is not null)
                await store.ChangeLeaseResourceAsync(ns, leaseId, ResourceSpaces.Content, digest, add: true, ct);
            return new ContentIngestStatus { Ref = reference, Offset = request.Size, Size = request.Size, ChunkSize = ChunkSize, Exists = true };
        }
        if (leaseId is not null)
            _ = await store.ListLeaseResourcesAsync(ns, leaseId, ct); // NotFound now rather than after the upload

        return await ingests.WithLockAsync(ns, reference, async files =>
        {
            if (await ingests.MetaAsync(files, ct) is { } existing)
            {
                if (existing.Digest != digest || existing.Size != request.Size)
                    throw PlatformException.FailedPrecondition(
                        $"ingest {reference} in namespace {ns} is already writing {existing.Digest} ({existing.Size} bytes); abort it or use another ref");
                return Status(existing, ContentIngests.Offset(files));
            }
            var meta = new IngestMeta(ns, reference, request.Size, digest, labels, leaseId, clock.GetUtcNow());
            await ingests.CreateAsync(files, meta, ct);
            logger.LogInformation("Ingest {Ref} of {Digest} ({Size} bytes) started in namespace {Namespace}", reference, digest, request.Size, ns);
            return Status(meta, 0);
        }, ct);
    }

    /// <summary>
    /// Appends a chunk. A client may keep several chunks of one ingest in flight (the bus delivers them to concurrent
    /// consumers in any order): a chunk ahead of what was received waits, up to <see cref="ChunkTurnTimeout"/>, for the
    /// chunks before it, then is appended in its turn. A chunk behind is FailedPrecondition, as before.
    /// </summary>
    public async Task<ContentIngestStatus> AppendAsync(ContentIngestChunk chunk, CancellationToken ct)
    {
        var ns = SnapshotRules.Namespace(chunk.Namespace);
        var reference = ContentRules.Ref(chunk.Ref);
        var data = chunk.Data ?? throw PlatformException.InvalidArgument("data must be set");
        if (chunk.Offset < 0)
            throw PlatformException.InvalidArgument($"offset must not be negative (got {chunk.Offset})");
        if (data.Length > ChunkSize)
            throw PlatformException.InvalidArgument($"chunk of {data.Length} bytes is larger than the chunk size of {ChunkSize} bytes");
        var deadline = clock.GetUtcNow() + ChunkTurnTimeout;
        while (true)
        {
            var turn = _appended.GetOrAdd((ns, reference), _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            var (status, ahead) = await ingests.WithLockAsync(ns, reference, async files =>
            {
                var meta = await ingests.MetaAsync(files, ct) ?? throw IngestNotFound(ns, reference);
                var received = ContentIngests.Offset(files);
                if (chunk.Offset > received && chunk.Offset + data.Length <= meta.Size && clock.GetUtcNow() < deadline)
                    return (Status(meta, received), true);
                ContentIngests.CheckChunk(meta, chunk.Offset, received, data.Length);
                await ingests.AppendAsync(files, received, data, ct);
                return (Status(meta, received + data.Length), false);
            }, ct);
            if (!ahead)
            {
                if (_appended.TryRemove((ns, reference), out var appended))
                    appended.TrySetResult();
                return status;
            }
            // Ahead of the chunks before it: wait for the next append of this ingest (or the deadline), then look again.
            try
            {
                var left = deadline - clock.GetUtcNow();
                await turn.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, clock, ct);
            }
            catch (TimeoutException)
            {
            }
        }
    }

    /// <summary>How long a chunk that arrived ahead of its turn waits for the chunks before it.</summary>
    public static readonly TimeSpan ChunkTurnTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Per ingest, completed (and replaced) after each append: what chunks ahead of their turn wait on.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string), TaskCompletionSource> _appended = new();

    public async Task<Contracts.Resources.Content> CommitAsync(CommitContentIngest request, CancellationToken ct)
    {
        var ns = SnapshotRules.Namespace(request.Namespace);
        var reference = ContentRules.Ref(request.Ref);
        var labelsOverride = request.Labels is null ? null : SnapshotRules.Labels(request.Labels);
        return await ingests.WithLockAsync(ns, reference, async files =>
        {
            var meta = await ingests.MetaAsync(files, ct) ?? throw IngestNotFound(ns, reference);
            var received = ContentIngests.Offset(files);
            if (received != meta.Size)
            {
                ingests.Remove(files);
                throw PlatformException.InvalidArgument($"ingest {reference}: size mismatch: expected {meta.Size} bytes, received {received}; the ingest was discarded");
            }
            var actual = await ingests.DigestAsync(files, received, ct);
            if (actual != meta.Digest)
            {
                ingests.Remove(files);
                throw PlatformException.InvalidArgument($"ingest {reference}: digest mismatch: expected {meta.Digest}, got {actual}; the ingest was discarded");
            }
            ContentIngests.FlushToDisk(files); // chunks were not flushed one by one
            return (await PlaceAsync(files, meta, labelsOverride ?? meta.Labels, ct)).ToContract();
        }, ct);
    }

    /// <summary>
    /// Writes a blob this service fetches itself (a registry pull), with no bus in the byte path: begins or resumes the
    /// ingest (Exists when the namespace, or another namespace's verified file, has the digest: nothing is read), streams
    /// what the ingest lacks from <paramref name="open"/> (given the offset to start at) straight into its data file,
    /// hashing as it goes, and commits exactly as <see cref="CommitAsync"/> does once size and sha256 match. A mismatch,
    /// or any failure <paramref name="resumable"/> does not accept, removes the ingest: nothing is left. A resumable one
    /// (a broken connection) keeps what arrived, so the next fetch continues from there. The ingest's lock is held while
    /// the bytes flow: two fetches of one ref take turns, and the second finds the blob committed.
    /// </summary>
    /// <returns>The record, and how many bytes came from <paramref name="open"/> now.</returns>
    public async Task<(ContentRecord Record, long Fetched)> WriteFromAsync(BeginContentIngest request, Func<long, CancellationToken, Task<Stream>> open,
        Func<Exception, bool> resumable, CancellationToken ct)
    {
        var begun = await BeginAsync(request, ct);
        var ns = SnapshotRules.Namespace(request.Namespace);
        var digest = ContentRules.Digest(request.Digest);
        var leaseId = string.IsNullOrEmpty(request.LeaseId) ? null : request.LeaseId;
        if (begun.Exists)
            return (await store.GetContentAsync(ns, digest, ct) ?? throw ResourceErrors.ContentNotFound(ns, digest), 0);
        return await ingests.WithLockAsync(ns, begun.Ref, async files =>
        {
            if (await ingests.MetaAsync(files, ct) is not { } meta)
            {
                // Another writer of this ref committed it while this one waited for the lock.
                var done = await store.GetContentAsync(ns, digest, ct) ?? throw IngestNotFound(ns, begun.Ref);
                if (leaseId is not null)
                    await store.ChangeLeaseResourceAsync(ns, leaseId, ResourceSpaces.Content, digest, add: true, ct);
                return (done, 0L);
            }
            long fetched;
            try
            {
                string actual;
                (fetched, actual) = await ContentIngests.FillAsync(files, meta, open, ct);
                if (actual != meta.Digest)
                    throw PlatformException.InvalidArgument($"ingest {meta.Ref}: digest mismatch: expected {meta.Digest}, got {actual}; the ingest was discarded");
            }
            catch (Exception e)
            {
                if (!resumable(e) || ContentIngests.Offset(files) == 0)
                    ingests.Remove(files);
                throw;
            }
            return (await PlaceAsync(files, meta, meta.Labels, ct), fetched);
        }, ct);
    }

    /// <summary>Moves a verified ingest's data into place as the blob and records it; the ingest is gone afterwards (caller holds its lock).</summary>
    private async Task<ContentRecord> PlaceAsync(ContentIngests.Files files, IngestMeta meta, IReadOnlyDictionary<string, string> labels, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var record = new ContentRecord(meta.Namespace, meta.Digest, meta.Size, labels, now, now);
        try
        {
            var (stored, created) = await blobs.WithLockAsync(meta.Digest, async () =>
            {
                var path = blobs.PathOf(meta.Digest);
                if (File.Exists(path))
                    File.Delete(files.Data); // the same verified bytes are already there
                else
                    File.Move(files.Data, path);
                return await InsertOrForgetAsync(record, meta.LeaseId, ct);
            }, ct);
            if (created)
                logger.LogInformation("Content {Digest} ({Size} bytes) committed in namespace {Namespace}", meta.Digest, meta.Size, meta.Namespace);
            return stored;
        }
        finally
        {
            ingests.Remove(files);
        }
    }

    public async Task<ContentIngestStatus> AbortAsync(AbortContentIngest request, CancellationToken ct)
    {
        var ns = SnapshotRules.Namespace(request.Namespace);
        var reference = ContentRules.Ref(request.Ref);
        return await ingests.WithLockAsync(ns, reference, async files =>
        {
            var meta = await ingests.MetaAsync(files, ct) ?? throw IngestNotFound(ns, reference);
            var status = Status(meta, ContentIngests.Offset(files));
            ingests.Remove(files);
            logger.LogInformation("Ingest {Ref} of namespace {Namespace} aborted at {Offset} bytes", reference, ns, status.Offset);
            return status;
        }, ct);
    }

    /// <summary>Commits a record over a blob file another namespace left, if it has the expected size; false otherwise.</summary>
    private Task<bool> CommitSharedBlobAsync(string ns, string digest, long size, IReadOnlyDictionary<string, string> labels, string? leaseId,
        CancellationToken ct) =>
        blobs.WithLockAsync(digest, async () =>
        {
            var file = new FileInfo(blobs.PathOf(digest));
            if (!file.Exists || file.Length != size)
                return false;
            var now = clock.GetUtcNow();
            await InsertOrForgetAsync(new ContentRecord(ns, digest, size, labels, now, now), leaseId, ct);
            logger.LogInformation("Content {Digest} committed in namespace {Namespace} over the blob another namespace has", digest, ns);
            return true;
        }, ct);

    /// <summary>Inserts the record; if that fails, removes the blob unless a record of it remains (caller holds the digest lock).</summary>
    private async Task<(ContentRecord, bool)> InsertOrForgetAsync(ContentRecord record, string? leaseId, CancellationToken ct)
    {
        try
        {
            return await store.InsertContentAsync(record, leaseId, Events.ContentCommitted(record, record.CreatedAt), ct);
        }
        catch
        {
            if (!await store.ContentDigestRecordedAsync(record.Digest, CancellationToken.None))
                File.Delete(blobs.PathOf(record.Digest));
            throw;
        }
    }

    private ContentIngestStatus Status(IngestMeta meta, long offset) =>
        new() { Ref = meta.Ref, Offset = offset, Size = meta.Size, ChunkSize = ChunkSize };

    private static PlatformException IngestNotFound(string ns, string reference) =>
        PlatformException.NotFound($"ingest {reference} not found in namespace {ns} (never begun, committed, aborted or abandoned); begin it again");
}
