using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Hosting.Options;
using Platform.Hosting.Storage;
using Platform.ResourceGc.Store;

namespace Platform.ResourceGc.Content;

/// <summary>
/// The blob files under <c>{DataRoot}/content/blobs/sha256/HEX</c>, shared by digest across namespaces. A file may go only
/// when no namespace has a record of its digest, and another namespace may commit the same digest at that moment, so the
/// two critical sections, "move the file in, insert the record" and "find no record, remove the file", run under one lock
/// per digest (in this process: the data root belongs to one service instance).
/// </summary>
public sealed class ContentBlobs(IResourceStore store, IOptions<StoreOptions> storeOptions, ILogger<ContentBlobs> logger)
{
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    // Striped: bounded memory whatever the number of digests; two digests sharing a stripe only wait for each other.
    private readonly SemaphoreSlim[] _locks = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public string Root => Path.Combine(storeOptions.Value.DataRoot, "content");

    public string BlobsFolder => Path.Combine(Root, "blobs", "sha256");

    public string IngestFolder => Path.Combine(Root, "ingest");

    /// <summary>Where the blob of <paramref name="digest"/> (<c>sha256:HEX</c>) is, whether or not it exists.</summary>
    public string PathOf(string digest) => Path.Combine(BlobsFolder, ContentRules.Hex(digest));

    /// <summary>Creates the content folders 0700, or tightens them to 0700 when something left them readable.</summary>
    public void EnsureFolders()
    {
        foreach (var folder in new[] { Root, Path.Combine(Root, "blobs"), BlobsFolder, IngestFolder })
            PrivateFiles.EnsureFolder(folder);
    }

    /// <summary>Runs <paramref name="action"/> holding the lock of <paramref name="digest"/>.</summary>
    public async Task<T> WithLockAsync<T>(string digest, Func<Task<T>> action, CancellationToken ct)
    {
        var gate = _locks[(StringComparer.Ordinal.GetHashCode(digest) & int.MaxValue) % _locks.Length];
        await gate.WaitAsync(ct);
        try
        {
            return await action();
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// After a record went: removes the blob file if no namespace has a record of the digest any more. A failure is logged
    /// and leaves an orphan file that a pass removes.
    /// </summary>
    public Task RemoveIfUnrecordedAsync(string digest, CancellationToken ct) =>
        WithLockAsync(digest, async () =>
        {
            try
            {
                if (!await store.ContentDigestRecordedAsync(digest, ct))
                    File.Delete(PathOf(digest));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Removing the blob of {Digest} failed; a later pass retries", digest);
            }
            return 0;
        }, ct);

    /// <summary>The blob files on disk, by digest, with their last write time.</summary>
    public IReadOnlyList<(string Digest, DateTime WrittenAt)> List()
    {
        if (!Directory.Exists(BlobsFolder))
            return [];
        return new DirectoryInfo(BlobsFolder).EnumerateFiles()
            .Where(f => f.Name.Length == 64 && !f.Name.AsSpan().ContainsAnyExcept("0123456789abcdef"))
            .Select(f => (ContentRules.DigestPrefix + f.Name, f.LastWriteTimeUtc))
            .ToList();
    }

    /// <summary>
    /// Removes blob files written before <paramref name="olderThan"/> that no record names. The list of recorded digests is
    /// read after listing the files, and each removal re-checks under the digest's lock, so a commit under way is never undone.
    /// </summary>
    public async Task RemoveOrphansAsync(DateTimeOffset olderThan, IReadOnlySet<string> recorded, CancellationToken ct)
    {
        foreach (var (digest, writtenAt) in List())
        {
            if (writtenAt >= olderThan.UtcDateTime || recorded.Contains(digest))
                continue;
            await WithLockAsync(digest, async () =>
            {
                try
                {
                    if (await store.ContentDigestRecordedAsync(digest, ct))
                        return 0;
                    File.Delete(PathOf(digest));
                    logger.LogInformation("Removed blob {Digest}: no content record refers to it", digest);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Removing orphan blob {Digest} failed; a later pass retries", digest);
                }
                return 0;
            }, ct);
        }
    }
}
