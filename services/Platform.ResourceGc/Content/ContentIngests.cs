using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Platform.Hosting;
using Platform.ResourceGc.Drivers;
using Platform.Common.Errors;

namespace Platform.ResourceGc.Content;

/// <summary>What an ingest expects, kept beside its data so a restarted service can resume it.</summary>
public sealed record IngestMeta(
    string Namespace,
    string Ref,
    long Size,
    string Digest,
    IReadOnlyDictionary<string, string> Labels,
    string? LeaseId,
    DateTimeOffset StartedAt);

/// <summary>
/// Ingests in progress, on disk only: <c>{DataRoot}/content/ingest/KEY/</c> holds <c>meta.json</c> (what is expected) and
/// <c>data</c> (the bytes so far), where KEY is the sha256 of namespace and ref. The offset is the data file's length, so
/// nothing lives only in memory: after a restart, beginning the same ref again resumes it. One lock per ingest serialises
/// its chunks, commit and abort.
/// </summary>
/// <remarks>
/// Chunks are written without a flush each (as containerd's content writer does): the data file is flushed to disk once,
/// at commit, before it moves into place. A machine crash may lose the last chunks acknowledged before it; the offset a
/// resumed ingest reports is the file's length, so the client sends them again, and the digest check at commit refuses
/// anything else that went wrong. The process keeps each ingest's metadata and a running sha256 of what it appended
/// (<see cref="Progress"/>), so a chunk reads no file and a commit reads the data again only for an ingest resumed after
/// a restart.
/// </remarks>
public sealed class ContentIngests(ContentBlobs blobs, ILogger<ContentIngests> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // Per ingest: a server-side fetch holds its ingest's lock for the whole download, which must not hold up others.
    private readonly KeyedLocks<string> _locks = new();

    // Per ingest folder, what this process knows of it; read and changed only under the ingest's lock.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Progress> _progress = new(StringComparer.Ordinal);

    /// <summary>An ingest's metadata and the sha256 of its first <see cref="Hashed"/> bytes, as this process appended them.</summary>
    private sealed class Progress(IngestMeta meta, long hashed)
    {
        public IngestMeta Meta { get; } = meta;

        public IncrementalHash Hash { get; } = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        /// <summary>How many bytes <see cref="Hash"/> covers; -1 when the data file holds bytes it never saw (resumed after a restart, or a failed write).</summary>
        public long Hashed { get; set; } = hashed;
    }

    /// <summary>An ingest's folder, data and metadata files.</summary>
    public sealed record Files(string Folder)
    {
        public string Data => Path.Combine(Folder, "data");
        public string Meta => Path.Combine(Folder, "meta.json");
    }

    public Files FilesOf(string ns, string reference) =>
        new(Path.Combine(blobs.IngestFolder, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ns + "\n" + reference)))));

    /// <summary>Runs <paramref name="action"/> holding the ingest's lock.</summary>
    public async Task<T> WithLockAsync<T>(string ns, string reference, Func<Files, Task<T>> action, CancellationToken ct)
    {
        var files = FilesOf(ns, reference);
        using (await _locks.LockAsync(files.Folder, ct))
            return await action(files);
    }

    /// <summary>The ingest's metadata, or null when there is none (never begun, committed, aborted or swept).</summary>
    public static async Task<IngestMeta?> ReadMetaAsync(Files files, CancellationToken ct)
    {
        if (!File.Exists(files.Meta))
            return null;
        await using var stream = File.OpenRead(files.Meta);
        return await JsonSerializer.DeserializeAsync<IngestMeta>(stream, Json, ct);
    }

    /// <summary>
    /// The ingest's metadata as this process knows it, read from <c>meta.json</c> the first time (a resume after a restart);
    /// null when there is none. Under the ingest's lock.
    /// </summary>
    public async Task<IngestMeta?> MetaAsync(Files files, CancellationToken ct)
    {
        if (_progress.TryGetValue(files.Folder, out var known))
            return known.Meta;
        if (await ReadMetaAsync(files, ct) is not { } meta)
            return null;
        _progress[files.Folder] = new Progress(meta, Offset(files) == 0 ? 0 : -1);
        return meta;
    }

    /// <summary>Bytes received so far.</summary>
    public static long Offset(Files files) => File.Exists(files.Data) ? new FileInfo(files.Data).Length : 0;

    /// <summary>Starts an ingest (<see cref="WriteNewAsync"/>) and remembers it, with nothing hashed yet. Under the ingest's lock.</summary>
    public async Task CreateAsync(Files files, IngestMeta meta, CancellationToken ct)
    {
        await WriteNewAsync(files, meta, ct);
        _progress[files.Folder] = new Progress(meta, 0);
    }

    /// <summary>Starts an ingest: the folder, an empty data file, then the metadata (written whole, then renamed into place).</summary>
    private static async Task WriteNewAsync(Files files, IngestMeta meta, CancellationToken ct)
    {
        DriverFolders.CreateFolder(files.Folder, ContentBlobs.FolderMode);
        await using (File.Open(files.Data, Options(FileMode.Create)))
        {
        }
        LinuxCalls.SetMode(files.Data, ContentBlobs.FileMode);
        var temporary = files.Meta + ".tmp";
        await using (var stream = File.Open(temporary, Options(FileMode.Create)))
            await JsonSerializer.SerializeAsync(stream, meta, Json, ct);
        LinuxCalls.SetMode(temporary, ContentBlobs.FileMode);
        File.Move(temporary, files.Meta, overwrite: true);
    }

    /// <summary>
    /// Appends a chunk at <paramref name="offset"/> (the data file's length) and adds it to the running sha256. Not flushed
    /// to disk (see the remarks above). Under the ingest's lock.
    /// </summary>
    public async Task AppendAsync(Files files, long offset, byte[] data, CancellationToken ct)
    {
        var progress = _progress.GetValueOrDefault(files.Folder);
        var hashing = progress is not null && progress.Hashed == offset;
        if (progress is not null)
            progress.Hashed = -1; // until the write is known to be whole
        await using (var stream = File.Open(files.Data, Options(FileMode.Append)))
            await stream.WriteAsync(data, ct);
        if (hashing)
        {
            progress!.Hash.AppendData(data);
            progress.Hashed = offset + data.Length;
        }
    }

    /// <summary>
    /// The sha256 of the data file (<c>sha256:HEX</c>): the running one when it covers the whole file, else read from disk.
    /// Under the ingest's lock.
    /// </summary>
    public async Task<string> DigestAsync(Files files, long size, CancellationToken ct)
    {
        if (_progress.TryGetValue(files.Folder, out var progress) && progress.Hashed == size)
            return ContentRules.DigestPrefix + Convert.ToHexStringLower(progress.Hash.GetCurrentHash());
        return await HashAsync(files, ct);
    }

    /// <summary>Flushes the data file to disk: before it moves into place as a blob.</summary>
    public static void FlushToDisk(Files files)
    {
        using var stream = new FileStream(files.Data, FileMode.Open, FileAccess.Write, FileShare.Read);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Fills the data file from its current length to the expected size with what <paramref name="open"/> gives from that
    /// offset, hashing the bytes already there first and the new ones as they are written; flushed to disk once at the end
    /// (a crash before then loses at worst bytes the digest check at commit would refuse). InvalidArgument when the source
    /// ends early or runs past the size. Returns the bytes written and the whole file's sha256.
    /// </summary>
    public static async Task<(long Written, string Digest)> FillAsync(Files files, IngestMeta meta, Func<long, CancellationToken, Task<Stream>> open,
        CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1024 * 1024);
        try
        {
            var offset = Offset(files);
            if (offset > meta.Size)
                throw PlatformException.InvalidArgument($"ingest {meta.Ref}: holds {offset} bytes, more than the expected size of {meta.Size} bytes");
            await using (var prefix = File.OpenRead(files.Data))
            {
                for (int read; (read = await prefix.ReadAsync(buffer, ct)) > 0;)
                    hash.AppendData(buffer, 0, read);
            }
            long written = 0;
            if (offset < meta.Size)
            {
                await using var source = await open(offset, ct);
                await using var data = new FileStream(files.Data, Options(FileMode.Append));
                for (int read; (read = await source.ReadAsync(buffer, ct)) > 0;)
                {
                    if (offset + written + read > meta.Size)
                        throw PlatformException.InvalidArgument($"ingest {meta.Ref}: the source sent more than the expected size of {meta.Size} bytes");
                    await data.WriteAsync(buffer.AsMemory(0, read), ct);
                    hash.AppendData(buffer, 0, read);
                    written += read;
                }
                await data.FlushAsync(ct);
                data.Flush(flushToDisk: true);
            }
            if (offset + written != meta.Size)
                throw PlatformException.InvalidArgument($"ingest {meta.Ref}: size mismatch: expected {meta.Size} bytes, the source ended at {offset + written}");
            return (written, ContentRules.DigestPrefix + Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The sha256 of the data file, as <c>sha256:HEX</c>.</summary>
    public static async Task<string> HashAsync(Files files, CancellationToken ct)
    {
        await using var stream = File.OpenRead(files.Data);
        return ContentRules.DigestPrefix + Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
    }

    /// <summary>Removes an ingest's folder; a failure is logged and left to the sweep.</summary>
    public void Remove(Files files)
    {
        if (_progress.TryRemove(files.Folder, out var progress))
            progress.Hash.Dispose();
        try
        {
            if (Directory.Exists(files.Folder))
                Directory.Delete(files.Folder, recursive: true);
        }
        catch (IOException e)
        {
            logger.LogWarning(e, "Removing ingest folder {Folder} failed; a later pass retries", files.Folder);
        }
    }

    /// <summary>Removes ingests whose last write (a chunk or the start) is older than <paramref name="olderThan"/>.</summary>
    public async Task RemoveStaleAsync(DateTimeOffset olderThan, CancellationToken ct)
    {
        if (!Directory.Exists(blobs.IngestFolder))
            return;
        foreach (var folder in new DirectoryInfo(blobs.IngestFolder).EnumerateDirectories())
        {
            var files = new Files(folder.FullName);
            var lastWrite = new[] { files.Data, files.Meta, files.Folder }.Where(Path.Exists).Select(File.GetLastWriteTimeUtc).DefaultIfEmpty(DateTime.MinValue).Max();
            if (lastWrite >= olderThan.UtcDateTime)
                continue;
            var meta = await ReadMetaQuietlyAsync(files, ct);
            // Under the ingest's lock when it can be named, so a chunk arriving now is not cut off mid-write.
            if (meta is not null)
                await WithLockAsync(meta.Namespace, meta.Ref, f => { Remove(f); return Task.FromResult(0); }, ct);
            else
                Remove(files);
            logger.LogInformation("Removed abandoned ingest {Ref} of namespace {Namespace} (last written {LastWrite:O})", meta?.Ref, meta?.Namespace, lastWrite);
        }
    }

    private static async Task<IngestMeta?> ReadMetaQuietlyAsync(Files files, CancellationToken ct)
    {
        try
        {
            return await ReadMetaAsync(files, ct);
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return null;
        }
    }

    private static FileStreamOptions Options(FileMode mode) => new()
    {
        Mode = mode, Access = FileAccess.Write, Share = FileShare.Read,
    };

    /// <summary>Refused when a chunk is not the next one or would go past the expected size.</summary>
    public static void CheckChunk(IngestMeta meta, long offset, long received, int length)
    {
        if (offset != received)
            throw PlatformException.FailedPrecondition(
                $"ingest {meta.Ref}: chunk at offset {offset}, but {received} bytes were received; send the chunk at offset {received}");
        if (received + length > meta.Size)
            throw PlatformException.InvalidArgument(
                $"ingest {meta.Ref}: {received + length} bytes is more than the expected size of {meta.Size} bytes");
    }
}
