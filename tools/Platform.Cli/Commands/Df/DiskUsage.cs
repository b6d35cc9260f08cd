using Platform.Cli.Commands.Images;
using Platform.Client;
using Platform.Client.Images;
using Platform.Common.Errors;
using Platform.Contracts.Resources;
using Platform.Contracts.Tasks;
using ContentRecord = Platform.Contracts.Resources.Content;

namespace Platform.Cli.Commands.Df;

/// <summary>One row of <c>df</c>: how many, how many in use, bytes, and bytes that could go.</summary>
internal sealed record DiskUsageRow(string Type, int Total, int Active, long Size, long Reclaimable);

/// <summary>
/// Gathers docker system df's four rows for one namespace from what the services list: images and content from the
/// content store's records and their GC labels, containers and snapshots from the snapshot usage the resource GC
/// service measures, what is reclaimable from the collector's own dry run where it has one.
/// </summary>
internal static class DiskUsage
{
    public static async Task<IReadOnlyList<DiskUsageRow>> MeasureAsync(PlatformClient client, string ns, string? snapshotter, CancellationToken ct)
    {
        var contents = await client.Content.ListAsync(null, ns, cancellationToken: ct).ToListAsync(ct);
        var images = await client.Images.ListAsync(null, ns, cancellationToken: ct).ToListAsync(ct);
        var containers = await client.Containers.ListAsync(null, ns, cancellationToken: ct).ToListAsync(ct);
        var tasks = await client.Tasks.ListAsync(null, ns, ct);
        var snapshots = await client.Snapshots.ListAsync(null, snapshotter, ns, ct).ToListAsync(ct);
        var users = await ImagesCommand.ContainersByImageAsync(client, ns, ct);
        // One pass over every namespace, removing nothing: what a collection would free here now.
        var dryRun = await client.Gc.CollectAsync(dryRun: true, ct);
        var garbage = dryRun.Removed.Where(r => r.Namespace == ns).ToList();

        // Images and content: reachability over the GC labels manifests and indexes carry (every platform stored).
        var graph = new ContentGraph(contents);
        var imageBytes = graph.Size(graph.Reach(images.Select(i => i.Target.Digest)));
        var usedBytes = graph.Size(graph.Reach(images.Where(i => users.Contains(i.Name)).Select(i => i.Target.Digest)));
        var keptByImages = graph.Reach(images.Select(i => i.Target.Digest));

        // Containers: each one's own snapshot (its writable layer, without the image below it).
        var live = tasks.Where(t => t.Status is TaskState.Running or TaskState.Paused).Select(t => t.ContainerId).ToHashSet(StringComparer.Ordinal);
        long containerBytes = 0, stoppedBytes = 0;
        foreach (var container in containers.Where(c => !string.IsNullOrEmpty(c.SnapshotKey)))
        {
            var size = await UsageAsync(client, container.SnapshotKey!, container.Snapshotter, ns, ct);
            containerBytes += size;
            if (!live.Contains(container.Id))
                stoppedBytes += size;
        }

        // Snapshots: each one's own files; active when a container's rootfs is it or is built on it.
        var byKey = snapshots.ToDictionary(s => s.Key, StringComparer.Ordinal);
        var inUse = new HashSet<string>(StringComparer.Ordinal);
        foreach (var container in containers.Where(c => c.SnapshotKey is not null && (snapshotter is null || c.Snapshotter == snapshotter)))
        {
            for (var key = container.SnapshotKey; key is not null && byKey.TryGetValue(key, out var snapshot) && inUse.Add(key);)
                key = snapshot.Parent;
        }
        long snapshotBytes = 0;
        foreach (var snapshot in snapshots)
            snapshotBytes += await UsageAsync(client, snapshot.Key, snapshot.Snapshotter, ns, ct);
        var snapshotGarbage = garbage.Where(r => r.Resource.Kind == "snapshot" && (snapshots.Count == 0 || snapshots.Any(s => s.Snapshotter == r.Resource.Snapshotter)));

        return
        [
            new("Images", images.Count, images.Count(i => users.Contains(i.Name)), imageBytes, imageBytes - usedBytes),
            new("Containers", containers.Count, containers.Count(c => live.Contains(c.Id)), containerBytes, stoppedBytes),
            new("Snapshots", snapshots.Count, inUse.Count, snapshotBytes, snapshotGarbage.Sum(r => r.Size)),
            new("Content", contents.Count, keptByImages.Count, contents.Sum(c => c.Size), garbage.Where(r => r.Resource.Kind == "content").Sum(r => r.Size)),
        ];
    }

    /// <summary>A snapshot's own bytes; 0 when it went meanwhile.</summary>
    private static async Task<long> UsageAsync(PlatformClient client, string key, string? snapshotter, string ns, CancellationToken ct)
    {
        try
        {
            return (await client.Snapshots.UsageAsync(key, snapshotter, ns, ct)).Size;
        }
        catch (PlatformException e) when (e.Kind == Contracts.ErrorKind.NotFound)
        {
            return 0;
        }
    }

    /// <summary>The namespace's content as a graph: edges are the <c>platform.io/gc.ref.content.*</c> labels.</summary>
    private sealed class ContentGraph(IReadOnlyList<ContentRecord> contents)
    {
        private readonly Dictionary<string, ContentRecord> _byDigest = contents.ToDictionary(c => c.Digest, StringComparer.Ordinal);

        public HashSet<string> Reach(IEnumerable<string> roots)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var queue = new Queue<string>(roots);
            while (queue.TryDequeue(out var digest))
            {
                if (!_byDigest.TryGetValue(digest, out var content) || !seen.Add(digest))
                    continue;
                foreach (var (key, value) in content.Labels)
                {
                    if (key.StartsWith(ImageGcLabels.ContentRef + ".", StringComparison.Ordinal))
                        queue.Enqueue(value);
                }
            }
            return seen;
        }

        public long Size(IEnumerable<string> digests) => digests.Sum(d => _byDigest[d].Size);
    }
}
