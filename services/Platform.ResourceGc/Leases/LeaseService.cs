using Platform.Common.Errors;
using Platform.Common.Filters;
using Platform.Common.Paging;
using Platform.Contracts.Resources;
using Platform.ResourceGc.Collection;
using Platform.ResourceGc.Content;
using Platform.ResourceGc.Snapshots;
using Platform.ResourceGc.Store;

namespace Platform.ResourceGc.Leases;

/// <summary>Leases: protect resources for a while (an import, a container about to be created); deleting one collects what only it held.</summary>
public sealed class LeaseService(IResourceStore store, Snapshotters snapshotters, Collector collector, TimeProvider clock)
{
    public async Task<Lease> CreateAsync(CreateLease request, CancellationToken ct)
    {
        var ns = SnapshotRules.Namespace(request.Namespace);
        var id = string.IsNullOrEmpty(request.Id) ? $"lease-{Guid.NewGuid():N}"[..22] : request.Id;
        Common.Identifiers.Identifiers.Validate(id, "lease id");
        var now = clock.GetUtcNow();
        if (request.ExpiresAt is { } expires && expires <= now)
            throw PlatformException.InvalidArgument($"lease {id}: expiresAt {expires:O} is not in the future");
        var lease = new LeaseRecord(ns, id, SnapshotRules.Labels(request.Labels), now, request.ExpiresAt);
        return (await store.CreateLeaseAsync(lease, Events.LeaseCreated(lease, now), ct)).ToContract();
    }

    public async Task<Lease> DeleteAsync(DeleteLease request, CancellationToken ct)
    {
        var ns = SnapshotRules.Namespace(request.Namespace);
        var id = LeaseId(request.Id);
        var (lease, held) = await store.DeleteLeaseAsync(ns, id, Events.LeaseDeleted(ns, id, clock.GetUtcNow()), ct);
        await collector.CollectAsync(held.Select(h => (h.Namespace, h.Snapshotter, h.Key)), ct);
        return lease.ToContract();
    }

    /// <summary>
    /// One page of a namespace's leases in id order. A namespace holds few leases (one per operation under way),
    /// so the page is cut from the namespace's list here rather than in the store; the reply stays bounded.
    /// </summary>
    public async Task<ListLeasesResult> ListAsync(ListLeases request, CancellationToken ct)
    {
        var ns = SnapshotRules.Namespace(request.Namespace);
        var filters = FilterSet.Parse(request.Filters);
        var limit = PageLimits.Of(request.Limit);
        var after = PageTokens.Decode(request.ContinuationToken);
        var page = (await store.ListLeasesAsync(ns, ct))
            .Where(l => after is null || string.CompareOrdinal(l.Id, after) > 0)
            .Where(l => filters.Match(new LeaseFields(l)))
            .OrderBy(l => l.Id, StringComparer.Ordinal)
            .Take(limit + 1)
            .ToList();
        var more = page.Count > limit;
        if (more)
            page.RemoveAt(limit);
        return new ListLeasesResult { Leases = page.Select(l => l.ToContract()).ToList(), ContinuationToken = more ? PageTokens.Encode(page[^1].Id) : null };
    }

    public async Task<IReadOnlyList<ResourceRef>> ChangeResourceAsync(string? @namespace, string? leaseId, ResourceRef? resource, bool add, CancellationToken ct)
    {
        var ns = SnapshotRules.Namespace(@namespace);
        var id = LeaseId(leaseId);
        var (snapshotter, key) = ResourceOf(resource);
        var held = await store.ChangeLeaseResourceAsync(ns, id, snapshotter, key, add, ct);
        if (!add)
            await collector.CollectAsync([(ns, snapshotter, key)], ct);
        return held.Select(ToRef).ToList();
    }

    public async Task<IReadOnlyList<ResourceRef>> ListResourcesAsync(ListLeaseResources request, CancellationToken ct)
    {
        var ns = SnapshotRules.Namespace(request.Namespace);
        return (await store.ListLeaseResourcesAsync(ns, LeaseId(request.LeaseId), ct)).Select(ToRef).ToList();
    }

    /// <summary>The snapshotter and key a resource names; InvalidArgument for anything but a snapshot.</summary>
    public (string Snapshotter, string Key) SnapshotOf(ResourceRef? resource)
    {
        if (resource is null)
            throw PlatformException.InvalidArgument("resource must be set");
        if (resource.Kind != ResourceKinds.Snapshot)
            throw PlatformException.InvalidArgument($"resource kind \"{resource.Kind}\" is not a snapshot");
        return (snapshotters.NameOf(resource.Snapshotter), SnapshotRules.Key(resource.Key));
    }

    /// <summary>
    /// The space and key a resource names, as references and lease holds store them: (snapshotter, key) for a snapshot,
    /// (<see cref="ResourceSpaces.Content"/>, digest) for content; InvalidArgument for another kind.
    /// </summary>
    public (string Space, string Key) ResourceOf(ResourceRef? resource) => resource?.Kind switch
    {
        ResourceKinds.Content => (ResourceSpaces.Content, ContentRules.Digest(resource.Key, "content digest")),
        ResourceKinds.Snapshot or null => SnapshotOf(resource),
        _ => throw PlatformException.InvalidArgument(
            $"resource kind \"{resource.Kind}\" is unknown; the kinds are {ResourceKinds.Snapshot} and {ResourceKinds.Content}"),
    };

    public static ResourceRef ToRef(string space, string key) => ResourceSpaces.IsContent(space)
        ? new ResourceRef { Kind = ResourceKinds.Content, Key = key }
        : new ResourceRef { Kind = ResourceKinds.Snapshot, Snapshotter = space, Key = key };

    private static ResourceRef ToRef(LeaseResourceRecord h) => ToRef(h.Snapshotter, h.Key);

    private static string LeaseId(string? id)
    {
        Common.Identifiers.Identifiers.Validate(id, "lease id");
        return id!;
    }

    private readonly struct LeaseFields(LeaseRecord lease) : IFieldSource
    {
        public bool TryGetField(IReadOnlyList<string> fieldPath, out string value)
        {
            value = "";
            switch (fieldPath)
            {
                case ["id"]:
                    value = lease.Id;
                    return true;
                case ["labels", _, ..]:
                    return FieldPaths.TryGetLabel(fieldPath, lease.Labels, out value);
                default:
                    return false;
            }
        }
    }
}
