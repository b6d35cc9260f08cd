using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Common.Errors;
using Platform.Contracts.Resources;
using Platform.Hosting.Options;
using Platform.Hosting.Security;
using Platform.Hosting.Storage;
using Platform.ResourceGc.Snapshots;
using Platform.ResourceGc.Store;

namespace Platform.ResourceGc.Import;

/// <summary>
/// Imports of archives as committed snapshots. The archive arrives in ordered chunks (large data never
/// travels in one message), is appended to a file under <c>{DataRoot}/imports</c> and hashed as it comes, so
/// memory stays bounded whatever its size. Nothing becomes a snapshot until the digest matched and the whole
/// archive unpacked; any failure removes the partial folder and file. An import a restart forgot is left as a
/// file the next pass removes.
/// </summary>
public sealed class ImportSessions(
    IResourceStore records,
    SnapshotService snapshots,
    Snapshotters snapshotters,
    IOptions<StoreOptions> store,
    IOptions<ResourceGcOptions> options,
    ILogger<ImportSessions> logger)
{
    private readonly ConcurrentDictionary<string, Session> _sessions = new();

    public static string FolderUnder(string dataRoot) => Path.Combine(dataRoot, "imports");

    /// <summary>
    /// Starts an import for <paramref name="caller"/>, whose privilege in the namespace decides what the archive may
    /// hold (device nodes). It is the one who begins who counts: the announced digest pins the archive's bytes then.
    /// </summary>
    public async Task<SnapshotImportStarted> BeginAsync(BeginSnapshotImport request, Caller caller, CancellationToken ct)
    {
        var ns = SnapshotRules.Namespace(request.Namespace);
        var driver = snapshotters.Get(request.Snapshotter);
        var name = SnapshotRules.Key(request.Name, "snapshot name");
        var parent = string.IsNullOrEmpty(request.Parent) ? null : SnapshotRules.Key(request.Parent, "parent");
        var labels = KeptUnlessLeased(SnapshotRules.Labels(request.Labels), request.LeaseId);
        if (request.Size < 0)
            throw PlatformException.InvalidArgument($"size must not be negative (got {request.Size})");
        var digest = ParseDigest(request.Digest);
        // Refuse now what would be refused at the end, before the client uploads the whole archive for nothing.
        if (await records.GetSnapshotAsync(ns, driver.Name, name, ct) is not null)
            throw ResourceErrors.SnapshotExists(ns, driver.Name, name);
        if (parent is not null)
        {
            var stored = await records.GetSnapshotAsync(ns, driver.Name, parent, ct)
                ?? throw ResourceErrors.ParentNotFound(ns, driver.Name, parent);
            if (stored.Kind != SnapshotKind.Committed)
                throw ResourceErrors.ParentNotCommitted(driver.Name, parent, stored.Kind);
        }
        if (!string.IsNullOrEmpty(request.LeaseId))
            _ = await records.ListLeaseResourcesAsync(ns, request.LeaseId, ct);
        var id = Guid.NewGuid().ToString("N");
        var folder = FolderUnder(store.Value.DataRoot);
        PrivateFiles.EnsureFolder(folder); // the archive is a container's files: 0700, and tightened if an older version made it 0755
        var rules = ArchiveRules.For(options.Value, caller.IsPrivilegedIn(ns));
        var session = new Session(id, ns, driver.Name, name, parent, labels, request.LeaseId, request.Size, digest, rules, Path.Combine(folder, id + ".part"))
        {
            Owner = caller.User,
        };
        _sessions[id] = session;
        logger.LogInformation("Import {ImportId} of {Snapshotter}/{Name} ({Size} bytes) started", id, driver.Name, name, request.Size);
        return new SnapshotImportStarted { ImportId = id, ChunkSize = options.Value.ImportChunkSize };
    }

    public async Task<SnapshotImportProgress> AppendAsync(SnapshotImportChunk chunk, Caller caller, CancellationToken ct)
    {
        var session = Find(chunk.ImportId, caller);
        var data = chunk.Data ?? throw PlatformException.InvalidArgument("data must be set");
        if (data.Length > options.Value.ImportChunkSize)
            throw PlatformException.InvalidArgument($"chunk of {data.Length} bytes is larger than the announced {options.Value.ImportChunkSize}");
        await session.Lock.WaitAsync(ct);
        try
        {
            if (chunk.Offset != session.Received)
                throw PlatformException.FailedPrecondition($"import {session.Id}: chunk at offset {chunk.Offset}, but {session.Received} bytes were received; send the next chunk in order");
            if (session.Received + data.Length > session.Size)
                throw PlatformException.InvalidArgument($"import {session.Id}: more data than the announced {session.Size} bytes");
            await using (var file = PrivateFiles.Open(session.Path, FileMode.Append, FileShare.None))
                await file.WriteAsync(data, ct);
            session.Hash.AppendData(data);
            session.Received += data.Length;
            return new SnapshotImportProgress { Received = session.Received };
        }
        finally
        {
            session.Lock.Release();
        }
    }

    public async Task<Snapshot> CompleteAsync(CompleteSnapshotImport request, Caller caller, CancellationToken ct)
    {
        var session = Find(request.ImportId, caller);
        _sessions.TryRemove(session.Id, out _);
        try
        {
            if (session.Received != session.Size)
                throw PlatformException.InvalidArgument($"import {session.Id}: received {session.Received} of {session.Size} bytes; the archive is truncated");
            var actual = Convert.ToHexStringLower(session.Hash.GetHashAndReset());
            if (actual != session.Digest)
                throw PlatformException.InvalidArgument($"import {session.Id}: digest mismatch: the archive is sha256:{actual}, not the announced sha256:{session.Digest}");

            var driver = snapshotters.Get(session.Snapshotter);
            var record = await snapshots.CreateFilledAsync(session.Namespace, driver, session.Name, session.Parent, session.Labels, session.LeaseId,
                SnapshotKind.Committed, dirId => TarUnpacker.UnpackAsync(session.Path, driver.FilesPath(dirId), TarUnpacker.WhiteoutsFor(driver, session.Parent), session.Rules, ct), ct);
            logger.LogInformation("Import {ImportId} committed as {Snapshotter}/{Name}", session.Id, session.Snapshotter, session.Name);
            return record.ToContract();
        }
        catch (Exception e) when (e is not (PlatformException or OperationCanceledException))
        {
            // The session and its file are gone, so the pipeline's retry could only answer "import unknown"
            // (NotFound), hiding the real failure: answer Internal with it instead.
            logger.LogError(e, "Import {ImportId} of {Snapshotter}/{Name} failed", session.Id, session.Snapshotter, session.Name);
            throw PlatformException.Internal($"import {session.Id} of {session.Snapshotter}/{session.Name} failed: {e.Message}; start the import again", e);
        }
        finally
        {
            File.Delete(session.Path);
            session.Hash.Dispose();
        }
    }

    /// <summary>
    /// A named import is what a user runs from, so it must outlive the containers made from it: without a lease it
    /// is labelled a root (removed only by a user's <c>snapshots rm</c>); with one it lives as long as the lease.
    /// </summary>
    private static IReadOnlyDictionary<string, string> KeptUnlessLeased(IReadOnlyDictionary<string, string> labels, string? leaseId)
    {
        if (!string.IsNullOrEmpty(leaseId) || labels.ContainsKey(GcLabels.Root))
            return labels;
        return new Dictionary<string, string>(labels) { [GcLabels.Root] = ImportedRoot };
    }

    /// <summary>The value of <see cref="GcLabels.Root"/> on a snapshot imported without a lease.</summary>
    public const string ImportedRoot = "import";

    // An import belongs to whoever began it: chunks and the commit carry no namespace for the authorisation filter to
    // check, so the session does (the same NotFound as for an unknown id, so ids can't be probed).
    private Session Find(string? id, Caller caller) =>
        id is not null && _sessions.TryGetValue(id, out var session) && (session.Owner == caller.User || caller.IsService || caller.IsAdmin)
            ? session
            : throw PlatformException.NotFound($"import {id} is unknown (finished, failed, the service restarted, or begun by another user); start the import again");

    private static string ParseDigest(string? digest)
    {
        if (!Common.References.Digests.IsValid(digest))
            throw PlatformException.InvalidArgument($"digest \"{digest}\" must be sha256: followed by 64 lower-case hex digits");
        return digest![Common.References.Digests.Sha256Prefix.Length..];
    }

    private sealed class Session(string id, string ns, string snapshotter, string name, string? parent,
        IReadOnlyDictionary<string, string> labels, string? leaseId, long size, string digest, ArchiveRules rules, string path)
    {
        public string Id { get; } = id;
        public string Namespace { get; } = ns;
        public string Snapshotter { get; } = snapshotter;
        public string Name { get; } = name;
        public string? Parent { get; } = parent;
        public IReadOnlyDictionary<string, string> Labels { get; } = labels;
        public string? LeaseId { get; } = leaseId;
        public long Size { get; } = size;
        public string Digest { get; } = digest;
        public ArchiveRules Rules { get; } = rules;
        public string Path { get; } = path;
        public required string Owner { get; init; }
        public long Received { get; set; }
        public IncrementalHash Hash { get; } = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        public SemaphoreSlim Lock { get; } = new(1, 1);
    }
}
