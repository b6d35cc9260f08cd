using Microsoft.Extensions.Logging;
using Platform.Common.Errors;
using Platform.Contracts.Resources;
using Platform.ResourceGc.Collection;
using Platform.ResourceGc.Content;
using Platform.ResourceGc.Leases;
using Platform.ResourceGc.Snapshots;
using Platform.ResourceGc.Store;

namespace Platform.ResourceGc.References;

/// <summary>
/// Owners' references on snapshots and content (the parameters called snapshotter are the resource's space: see
/// <see cref="ResourceSpaces"/>). Owners register theirs before they commit (so a collection can't remove
/// the snapshot in between) and release them when they go; a release collects what is now unused at once.
/// </summary>
public sealed class ReferenceService(IResourceStore store, LeaseService leases, Collector collector, TimeProvider clock, ILogger<ReferenceService> logger)
{
    /// <summary>Adds one hold; <paramref name="operationId"/> (the request's message id) makes a redelivery count once.</summary>
    public async Task<ResourceRef> AddAsync(AddReference request, Guid? operationId, CancellationToken ct)
    {
        var (ns, snapshotter, key, kind, owner) = Parse(request.Namespace, request.Resource, request.OwnerKind, request.OwnerId);
        await store.AddReferenceAsync(ns, snapshotter, key, kind, owner, request.OwnerGeneration, clock.GetUtcNow(), operationId, ct);
        logger.LogDebug("{OwnerKind} {Namespace}/{OwnerId} references {Space}/{Key}", kind, ns, owner, snapshotter, key);
        return request.Resource!;
    }

    /// <summary>Gives back the hold of one <see cref="AddAsync"/> (an owner compensating a commit that failed).</summary>
    public async Task<ResourceRef> RemoveAsync(RemoveReference request, Guid? operationId, CancellationToken ct)
    {
        var (ns, snapshotter, key, kind, owner) = Parse(request.Namespace, request.Resource, request.OwnerKind, request.OwnerId);
        await ReleaseOnceAsync(ns, snapshotter, key, kind, owner, request.OwnerGeneration, operationId, ct);
        return request.Resource!;
    }

    /// <summary>
    /// Gives back one hold (the owner moved away from the snapshot, or a commit failed) and collects the snapshot if
    /// nothing else keeps it. Other holds of the same owner stay: they belong to commits that point it there again.
    /// </summary>
    public async Task ReleaseOnceAsync(string ns, string snapshotter, string key, string ownerKind, string ownerId, long generation, Guid? operationId, CancellationToken ct)
    {
        if (await store.ReleaseReferenceAsync(ns, snapshotter, key, ownerKind, ownerId, generation, operationId, clock.GetUtcNow(), ct))
            await collector.CollectAsync([(ns, snapshotter, key)], ct);
    }

    /// <summary>The owner is gone: drops its reference with every hold (no error if it is already gone) and collects the snapshot if nothing else keeps it.</summary>
    public async Task ReleaseAllAsync(string ns, string snapshotter, string key, string ownerKind, string ownerId, long generation, CancellationToken ct)
    {
        await store.RemoveReferenceAsync(ns, snapshotter, key, ownerKind, ownerId, generation, ct);
        await collector.CollectAsync([(ns, snapshotter, key)], ct);
    }

    private (string Ns, string Snapshotter, string Key, string Kind, string Owner) Parse(string? @namespace, ResourceRef? resource, string? ownerKind, string? ownerId)
    {
        var ns = SnapshotRules.Namespace(@namespace);
        var (space, key) = leases.ResourceOf(resource);
        if (!OwnerKinds.IsKnown(ownerKind))
            throw PlatformException.InvalidArgument($"ownerKind \"{ownerKind}\" is unknown; use {OwnerKinds.Container}, {OwnerKinds.Task} or {OwnerKinds.Image}");
        return (ns, space, key, ownerKind!, ContentRules.OwnerId(ownerKind!, ownerId));
    }
}
