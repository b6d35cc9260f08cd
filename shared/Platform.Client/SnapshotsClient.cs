using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Platform.Contracts;
using Platform.Contracts.Resources;

namespace Platform.Client;

/// <summary>Snapshots: prepare, view, mount, commit, remove, inspect and import. Calls without a snapshotter use the service's default.</summary>
public sealed class SnapshotsClient(PlatformClient client)
{
    public Task<SnapshotMountsResult> PrepareAsync(PrepareSnapshot request, CancellationToken cancellationToken = default) =>
        client.RequestAsync<PrepareSnapshot, SnapshotMountsResult>(QueueNames.Of<PrepareSnapshot>(), request with { Namespace = client.Namespace(request.Namespace) }, cancellationToken);

    public Task<SnapshotMountsResult> ViewAsync(ViewSnapshot request, CancellationToken cancellationToken = default) =>
        client.RequestAsync<ViewSnapshot, SnapshotMountsResult>(QueueNames.Of<ViewSnapshot>(), request with { Namespace = client.Namespace(request.Namespace) }, cancellationToken);

    public Task<SnapshotMountsResult> MountsAsync(string key, string? snapshotter = null, string? @namespace = null, CancellationToken cancellationToken = default) =>
        client.RequestAsync<GetSnapshotMounts, SnapshotMountsResult>(QueueNames.Of<GetSnapshotMounts>(),
            new GetSnapshotMounts { Namespace = client.Namespace(@namespace), Snapshotter = snapshotter, Key = key }, cancellationToken);

    public async Task<Snapshot> CommitAsync(CommitSnapshot request, CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<CommitSnapshot, SnapshotResult>(QueueNames.Of<CommitSnapshot>(), request with { Namespace = client.Namespace(request.Namespace) }, cancellationToken)).Snapshot;

    public async Task<Snapshot> RemoveAsync(string key, string? snapshotter = null, string? @namespace = null, CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<RemoveSnapshot, SnapshotResult>(QueueNames.Of<RemoveSnapshot>(),
            new RemoveSnapshot { Namespace = client.Namespace(@namespace), Snapshotter = snapshotter, Key = key }, cancellationToken)).Snapshot;

    public async Task<Snapshot> StatAsync(string key, string? snapshotter = null, string? @namespace = null, CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<StatSnapshot, SnapshotResult>(QueueNames.Of<StatSnapshot>(),
            new StatSnapshot { Namespace = client.Namespace(@namespace), Snapshotter = snapshotter, Key = key }, cancellationToken)).Snapshot;

    /// <summary>Sets the given labels, leaving the others; an empty or null value removes that label.</summary>
    public async Task<Snapshot> SetLabelsAsync(string key, IReadOnlyDictionary<string, string?> labels, string? snapshotter = null, string? @namespace = null,
        CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<UpdateSnapshot, SnapshotResult>(QueueNames.Of<UpdateSnapshot>(), new UpdateSnapshot
        {
            Namespace = client.Namespace(@namespace), Snapshotter = snapshotter, Key = key,
            UpdateMask = labels.Keys.Select(k => "labels." + k).ToList(),
            Labels = labels.Where(kv => !string.IsNullOrEmpty(kv.Value)).ToDictionary(kv => kv.Key, kv => kv.Value!),
        }, cancellationToken)).Snapshot;

    /// <summary>Every matching snapshot, page by page.</summary>
    public async IAsyncEnumerable<Snapshot> ListAsync(IReadOnlyList<string>? filters = null, string? snapshotter = null, string? @namespace = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? token = null;
        do
        {
            var page = await client.RequestAsync<ListSnapshots, ListSnapshotsResult>(QueueNames.Of<ListSnapshots>(), new ListSnapshots
            {
                Namespace = client.Namespace(@namespace), Snapshotter = snapshotter, Filters = filters, ContinuationToken = token,
            }, cancellationToken);
            foreach (var snapshot in page.Snapshots)
                yield return snapshot;
            token = page.ContinuationToken;
        }
        while (token is not null);
    }

    public Task<SnapshotUsageResult> UsageAsync(string key, string? snapshotter = null, string? @namespace = null, CancellationToken cancellationToken = default) =>
        client.RequestAsync<GetSnapshotUsage, SnapshotUsageResult>(QueueNames.Of<GetSnapshotUsage>(),
            new GetSnapshotUsage { Namespace = client.Namespace(@namespace), Snapshotter = snapshotter, Key = key }, cancellationToken);

    /// <summary>
    /// Imports a tar (or tar.gz) archive as committed snapshot <paramref name="name"/>: hashes it, then sends it
    /// in chunks the service announces, reporting bytes sent to <paramref name="progress"/>. The archive must be
    /// seekable (it is read twice: once to hash, once to send), so memory stays bounded whatever its size.
    /// </summary>
    public async Task<Snapshot> ImportAsync(Stream archive, string name, string? parent = null, IReadOnlyDictionary<string, string>? labels = null,
        string? leaseId = null, string? snapshotter = null, string? @namespace = null, IProgress<(long Sent, long Total)>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var start = archive.Position;
        var digest = "sha256:" + Convert.ToHexStringLower(await SHA256.HashDataAsync(archive, cancellationToken));
        var size = archive.Position - start;
        archive.Position = start;

        var started = await client.RequestAsync<BeginSnapshotImport, SnapshotImportStarted>(QueueNames.Of<BeginSnapshotImport>(), new BeginSnapshotImport
        {
            Namespace = client.Namespace(@namespace), Snapshotter = snapshotter, Name = name, Parent = parent, Labels = labels,
            LeaseId = leaseId, Size = size, Digest = digest,
        }, cancellationToken);
        var buffer = new byte[started.ChunkSize];
        long sent = 0;
        progress?.Report((0, size));
        while (sent < size)
        {
            var read = await archive.ReadAtLeastAsync(buffer, (int)Math.Min(buffer.Length, size - sent), throwOnEndOfStream: true, cancellationToken);
            await client.RequestAsync<SnapshotImportChunk, SnapshotImportProgress>(QueueNames.Of<SnapshotImportChunk>(), new SnapshotImportChunk
            {
                ImportId = started.ImportId, Offset = sent, Data = buffer.AsSpan(0, read).ToArray(),
            }, cancellationToken);
            sent += read;
            progress?.Report((sent, size));
        }
        var result = await client.RequestAsync<CompleteSnapshotImport, SnapshotResult>(QueueNames.Of<CompleteSnapshotImport>(),
            new CompleteSnapshotImport { ImportId = started.ImportId }, cancellationToken);
        return result.Snapshot;
    }
}
