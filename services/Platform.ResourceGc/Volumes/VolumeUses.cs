using System.Text.Json;
using Microsoft.Extensions.Logging;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.ResourceGc.Store;

namespace Platform.ResourceGc.Volumes;

/// <summary>
/// Which containers use which volumes, read from the containers' own specs: a bind mount whose source is a volume's
/// data folder in the container's namespace. The resource GC service already consumes the container events for
/// snapshots; a volume is recorded as used when ContainerCreated arrives and released on ContainerDeleted, with the
/// container's creation time as its generation so a re-created id is not released by its predecessor's deletion.
/// </summary>
public sealed class VolumeUses(IVolumeStore store, VolumeFolders folders, ILogger<VolumeUses> logger)
{
    public async Task AddAsync(Container container, CancellationToken ct)
    {
        foreach (var name in VolumesOf(container))
        {
            try
            {
                await store.AddVolumeUserAsync(container.Namespace, name, container.Id, container.CreatedAt.UtcTicks, ct);
            }
            catch (PlatformException e) when (e.Kind == ErrorKind.NotFound)
            {
                // Removed before the event arrived: the task will fail to mount it, and there is nothing to protect.
                logger.LogWarning("Container {Namespace}/{ContainerId} mounts volume {Volume}, which no longer exists", container.Namespace, container.Id, name);
            }
        }
    }

    public Task ReleaseAsync(string ns, string containerId, long generation, CancellationToken ct) =>
        store.ReleaseVolumeUserAsync(ns, containerId, generation, ct);

    /// <summary>The names of the volumes of its namespace the container's spec bind-mounts.</summary>
    public IReadOnlyList<string> VolumesOf(Container container)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        try
        {
            using var spec = JsonDocument.Parse(container.Spec);
            if (spec.RootElement.ValueKind != JsonValueKind.Object || !spec.RootElement.TryGetProperty("mounts", out var mounts) || mounts.ValueKind != JsonValueKind.Array)
                return [];
            foreach (var mount in mounts.EnumerateArray())
                if (mount.ValueKind == JsonValueKind.Object && mount.TryGetProperty("source", out var source) && source.ValueKind == JsonValueKind.String
                    && folders.NameOf(container.Namespace, source.GetString()!) is { } name)
                    names.Add(name);
        }
        catch (JsonException)
        {
            // Not an OCI spec (a container's spec is opaque): it mounts nothing of ours.
        }
        return [.. names];
    }
}
