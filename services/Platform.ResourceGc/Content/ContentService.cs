using Microsoft.Extensions.Logging;
using Platform.Common.Errors;
using Platform.Common.Filters;
using Platform.Common.Paging;
using Platform.Contracts.Resources;
using Platform.ResourceGc.Snapshots;
using Platform.ResourceGc.Store;

namespace Platform.ResourceGc.Content;

/// <summary>
/// Content records and their blobs: info, list, read, label updates and deletion, for the bus and for other code of this
/// service (an image unpacker reads blobs through <see cref="OpenReadAsync"/> and labels them through
/// <see cref="UpdateLabelsAsync"/>). A removed record's blob goes after it, and only when no namespace has the digest.
/// </summary>
public sealed class ContentService(IResourceStore store, ContentBlobs blobs, TimeProvider clock, ILogger<ContentService> logger)
{
    /// <summary>The record of <paramref name="digest"/> in <paramref name="ns"/>, or null.</summary>
    public Task<ContentRecord?> InfoAsync(string ns, string digest, CancellationToken ct) => store.GetContentAsync(ns, digest, ct);

    /// <summary>Opens the blob for reading; NotFound when the namespace has no record of the digest.</summary>
    public async Task<Stream> OpenReadAsync(string ns, string digest, CancellationToken ct)
    {
        _ = await store.GetContentAsync(ns, digest, ct) ?? throw ResourceErrors.ContentNotFound(ns, digest);
        try
        {
            // FileShare.Delete: a collection may unlink the file while a reader has it open; the reader keeps its bytes.
            return new FileStream(blobs.PathOf(digest), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, useAsync: true);
        }
        catch (FileNotFoundException e)
        {
            throw PlatformException.Internal($"content {digest} of namespace {ns} has a record but its blob file is missing", e);
        }
    }

    /// <summary>Where the blob of <paramref name="digest"/> is on disk (whether or not it exists).</summary>
    public string BlobPath(string digest) => blobs.PathOf(ContentRules.Digest(digest));

    /// <summary>Sets the given labels and leaves the others; an empty or null value removes that label. NotFound when missing.</summary>
    public Task<ContentRecord> UpdateLabelsAsync(string ns, string digest, IReadOnlyDictionary<string, string?> changes, CancellationToken ct) =>
        store.UpdateContentLabelsAsync(ns, digest, stored =>
        {
            var labels = new Dictionary<string, string>(stored.Labels);
            foreach (var (key, value) in changes)
                Common.Labels.Labels.Set(labels, key, value);
            Common.Labels.Labels.Validate(labels);
            return labels;
        }, clock.GetUtcNow(), ct);

    public async Task<Contracts.Resources.Content> GetAsync(GetContentInfo request, CancellationToken ct)
    {
        var ns = SnapshotRules.Namespace(request.Namespace);
        var digest = ContentRules.Digest(request.Digest);
        return (await store.GetContentAsync(ns, digest, ct) ?? throw ResourceErrors.ContentNotFound(ns, digest)).ToContract();
    }

    public async Task<ListContentResult> ListAsync(ListContent request, CancellationToken ct)
    {
        var ns = SnapshotRules.Namespace(request.Namespace);
        var filters = FilterSet.Parse(request.Filters);
        var (page, after) = await store.ListContentAsync(ns, filters, PageLimits.Of(request.Limit), PageTokens.Decode(request.ContinuationToken), ct);
        return new ListContentResult { Contents = page.Select(r => r.ToContract()).ToList(), ContinuationToken = PageTokens.Encode(after) };
    }

    public async Task<ContentData> ReadAsync(ReadContent request, CancellationToken ct)
    {
        var ns = SnapshotRules.Namespace(request.Namespace);
        var digest = ContentRules.Digest(request.Digest);
        if (request.Length < 0)
            throw PlatformException.InvalidArgument($"length must not be negative (got {request.Length})");
        var record = await store.GetContentAsync(ns, digest, ct) ?? throw ResourceErrors.ContentNotFound(ns, digest);
        if (request.Offset < 0 || request.Offset > record.Size)
            throw PlatformException.InvalidArgument($"offset {request.Offset} is outside content {digest} of {record.Size} bytes");
        var length = (int)Math.Min(request.Length is 0 ? ContentRules.MaxReadChunk : Math.Min(request.Length, ContentRules.MaxReadChunk), record.Size - request.Offset);
        var data = new byte[length];
        await using (var stream = await OpenReadAsync(ns, digest, ct))
        {
            stream.Position = request.Offset;
            await stream.ReadExactlyAsync(data, ct);
        }
        return new ContentData { Digest = digest, Offset = request.Offset, Data = data, Size = record.Size };
    }

    public async Task<Contracts.Resources.Content> UpdateAsync(UpdateContent request, CancellationToken ct)
    {
        var ns = SnapshotRules.Namespace(request.Namespace);
        var digest = ContentRules.Digest(request.Digest);
        var record = await store.UpdateContentLabelsAsync(ns, digest, stored => ApplyLabelMask(stored, request), clock.GetUtcNow(), ct);
        return record.ToContract();
    }

    /// <summary>A user's deletion: refused while anything holds the content; the blob follows the record when no namespace has it.</summary>
    public async Task<Contracts.Resources.Content> DeleteAsync(DeleteContent request, CancellationToken ct)
    {
        var ns = SnapshotRules.Namespace(request.Namespace);
        var digest = ContentRules.Digest(request.Digest);
        var now = clock.GetUtcNow();
        var removed = await store.RemoveContentAsync(ns, digest, now, r => Events.ContentRemoved(r, now, collected: false), ct);
        await blobs.RemoveIfUnrecordedAsync(digest, CancellationToken.None);
        logger.LogInformation("Content {Digest} deleted from namespace {Namespace}", digest, ns);
        return removed.ToContract();
    }

    private static IReadOnlyDictionary<string, string> ApplyLabelMask(ContentRecord stored, UpdateContent request) =>
        SnapshotRules.ApplyLabelMask(stored.Labels, request.UpdateMask, request.Labels, $"content {stored.Digest}");
}
