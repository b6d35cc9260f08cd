using Microsoft.Extensions.Logging;
using Platform.Common.Errors;
using Platform.Contracts.Resources;
using Platform.ResourceGc.Collection;
using Platform.ResourceGc.Leases;
using Platform.ResourceGc.Snapshots;
using Platform.ResourceGc.Store;

namespace Platform.ResourceGc.References;

/// <summary>
/// Owners' references on snapshots. Owners register theirs before they commit (so a collection can't remove
/// the snapshot in between) and release them when they go; a release collects what is now unused at once.
/// </summary>
public sealed class ReferenceService(IResourceStore store, LeaseService leases, Collector collector, TimeProvider clock, ILogger<ReferenceService> logger)
{
    public async Task<ResourceRef> AddAsync(AddReference request, CancellationToken ct)
    {
        var (ns, snapshotter, key, kind, owner) = Parse(request.Namespace, request.Resource, request.OwnerKind, request.OwnerId);
        await store.AddReferenceAsync(ns, snapshotter, key, kind, owner, request.OwnerGeneration, clock.GetUtcNow(), ct);
        logger.LogDebug("{OwnerKind} {Namespace}/{OwnerId} references snapshot {Snapshotter}/{Key}", kind, ns, owner, snapshotter, key);
        return request.Resource!;
    }

    public async Task<ResourceRef> RemoveAsync(RemoveReference request, CancellationToken ct)
    {
        var (ns, snapshotter, key, kind, owner) = Parse(request.Namespace, request.Resource, request.OwnerKind, request.OwnerId);
        await ReleaseAsync(ns, snapshotter, key, kind, owner, request.OwnerGeneration, ct);
        return request.Resource!;
    }

    /// <summary>
    /// Drops a reference (no error if it is already gone; with <paramref name="registeredBefore"/>, only one last
    /// registered before then) and collects the snapshot if nothing else keeps it.
    /// </summary>
    public async Task ReleaseAsync(string ns, string snapshotter, string key, string ownerKind, string ownerId, long generation, CancellationToken ct,
        DateTimeOffset? registeredBefore = null)
    {
        await store.RemoveReferenceAsync(ns, snapshotter, key, ownerKind, ownerId, generation, ct, registeredBefore);
        await collector.CollectAsync([(ns, snapshotter, key)], ct);
    }

    private (string Ns, string Snapshotter, string Key, string Kind, string Owner) Parse(string? @namespace, ResourceRef? resource, string? ownerKind, string? ownerId)
    {
        var ns = SnapshotRules.Namespace(@namespace);
        var (snapshotter, key) = leases.SnapshotOf(resource);
        if (!OwnerKinds.IsKnown(ownerKind))
            throw PlatformException.InvalidArgument($"ownerKind \"{ownerKind}\" is unknown; use {OwnerKinds.Container} or {OwnerKinds.Task}");
        Common.Identifiers.Identifiers.Validate(ownerId, $"{ownerKind} id");
        return (ns, snapshotter, key, ownerKind!, ownerId!);
    }
}
