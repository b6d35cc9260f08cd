using Microsoft.Extensions.Logging;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Common.Filters;
using Platform.Contracts.Resources;
using Platform.ResourceGc.Snapshots;
using Platform.ResourceGc.Store;

namespace Platform.ResourceGc.Volumes;

/// <summary>
/// Named volumes: created empty, removed with their data only by a user (rm, prune) and only while no container uses
/// them. The collector never sees them: they are user data, not something derived that can be made again.
/// </summary>
public sealed class VolumeService(IVolumeStore store, VolumeFolders folders, TimeProvider clock, ILogger<VolumeService> logger)
{
    public async Task<Volume> CreateAsync(CreateVolume request, CancellationToken ct)
    {
        var ns = SnapshotRules.Namespace(request.Namespace);
        var name = Name(request.Name);
        var labels = SnapshotRules.Labels(request.Labels);
        if (await store.GetVolumeAsync(ns, name, ct) is not null)
            throw VolumeErrors.Exists(ns, name);
        folders.Create(ns, name);
        var record = new VolumeRecord(ns, name, labels, clock.GetUtcNow());
        var volume = ToContract(record, []);
        await store.InsertVolumeAsync(record, Events.VolumeCreated(volume, record.CreatedAt), ct);
        logger.LogInformation("Volume {Namespace}/{Name} created", ns, name);
        return volume;
    }

    public async Task<Volume> GetAsync(GetVolume request, CancellationToken ct)
    {
        var ns = SnapshotRules.Namespace(request.Namespace);
        var name = Name(request.Name);
        var record = await store.GetVolumeAsync(ns, name, ct) ?? throw VolumeErrors.NotFound(ns, name);
        return ToContract(record, await store.VolumeUsersAsync(ns, name, ct));
    }

    public async Task<ListVolumesResult> ListAsync(ListVolumes request, CancellationToken ct)
    {
        var ns = SnapshotRules.Namespace(request.Namespace);
        var filters = FilterSet.Parse(request.Filters);
        var result = new List<Volume>();
        foreach (var record in await store.ListVolumesAsync(ns, ct))
            if (filters.Match(new VolumeFields(record)))
                result.Add(ToContract(record, await store.VolumeUsersAsync(ns, record.Name, ct)));
        return new ListVolumesResult { Volumes = result };
    }

    public async Task<Volume> RemoveAsync(RemoveVolume request, CancellationToken ct)
    {
        var ns = SnapshotRules.Namespace(request.Namespace);
        return await RemoveAsync(ns, Name(request.Name), pruned: false, ct);
    }

    /// <summary>Removes every unused volume matching the filters; one that a container starts using meanwhile stays.</summary>
    public async Task<PruneVolumesResult> PruneAsync(PruneVolumes request, CancellationToken ct)
    {
        var ns = SnapshotRules.Namespace(request.Namespace);
        var filters = FilterSet.Parse(request.Filters);
        var removed = new List<string>();
        foreach (var record in await store.ListVolumesAsync(ns, ct))
        {
            if (!filters.Match(new VolumeFields(record)))
                continue;
            try
            {
                await RemoveAsync(ns, record.Name, pruned: true, ct);
                removed.Add(record.Name);
            }
            catch (PlatformException e) when (e.Kind is ErrorKind.FailedPrecondition or ErrorKind.NotFound)
            {
                // In use (kept, which is the point of prune) or removed by someone else meanwhile.
            }
        }
        return new PruneVolumesResult { Removed = removed };
    }

    private async Task<Volume> RemoveAsync(string ns, string name, bool pruned, CancellationToken ct)
    {
        var record = await store.RemoveVolumeAsync(ns, name, Events.VolumeRemoved(ns, name, pruned, clock.GetUtcNow()), ct);
        // The data goes after its record (a crash in between leaves a folder that the next create of the name clears).
        folders.Delete(ns, name);
        logger.LogInformation("Volume {Namespace}/{Name} removed", ns, name);
        return ToContract(record, []);
    }

    private Volume ToContract(VolumeRecord record, IReadOnlyList<string> users) => new()
    {
        Namespace = record.Namespace, Name = record.Name, Labels = record.Labels, CreatedAt = record.CreatedAt,
        Mountpoint = folders.DataOf(record.Namespace, record.Name), UsedBy = users,
    };

    private static string Name(string? name)
    {
        Common.Identifiers.Identifiers.Validate(name, "volume name");
        return name!;
    }
}
