using Platform.Contracts;
using Platform.Contracts.Resources;

namespace Platform.Client;

/// <summary>Leases: protect resources while a client works with them.</summary>
public sealed class LeasesClient(PlatformClient client)
{
    public async Task<Lease> CreateAsync(CreateLease request, CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<CreateLease, LeaseResult>(QueueNames.Of<CreateLease>(), request with { Namespace = client.Namespace(request.Namespace) }, cancellationToken)).Lease;

    public async Task<Lease> DeleteAsync(string id, string? @namespace = null, CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<DeleteLease, LeaseResult>(QueueNames.Of<DeleteLease>(), new DeleteLease { Namespace = client.Namespace(@namespace), Id = id }, cancellationToken)).Lease;

    /// <summary>Every matching lease, in id order, gathered page by page.</summary>
    public async Task<IReadOnlyList<Lease>> ListAsync(IReadOnlyList<string>? filters = null, string? @namespace = null, CancellationToken cancellationToken = default)
    {
        var leases = new List<Lease>();
        string? token = null;
        do
        {
            var page = await ListPageAsync(new ListLeases { Namespace = @namespace, Filters = filters, ContinuationToken = token }, cancellationToken);
            leases.AddRange(page.Leases);
            token = page.ContinuationToken;
        }
        while (token is not null);
        return leases;
    }

    /// <summary>One page of leases; pass its <see cref="ListLeasesResult.ContinuationToken"/> back for the next.</summary>
    public Task<ListLeasesResult> ListPageAsync(ListLeases request, CancellationToken cancellationToken = default) =>
        client.RequestAsync<ListLeases, ListLeasesResult>(QueueNames.Of<ListLeases>(), request with { Namespace = client.Namespace(request.Namespace) }, cancellationToken);

    public async Task<IReadOnlyList<ResourceRef>> AddResourceAsync(string leaseId, ResourceRef resource, string? @namespace = null, CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<AddLeaseResource, LeaseResourcesResult>(QueueNames.Of<AddLeaseResource>(),
            new AddLeaseResource { Namespace = client.Namespace(@namespace), LeaseId = leaseId, Resource = resource }, cancellationToken)).Resources;

    public async Task<IReadOnlyList<ResourceRef>> RemoveResourceAsync(string leaseId, ResourceRef resource, string? @namespace = null, CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<RemoveLeaseResource, LeaseResourcesResult>(QueueNames.Of<RemoveLeaseResource>(),
            new RemoveLeaseResource { Namespace = client.Namespace(@namespace), LeaseId = leaseId, Resource = resource }, cancellationToken)).Resources;

    public async Task<IReadOnlyList<ResourceRef>> ListResourcesAsync(string leaseId, string? @namespace = null, CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<ListLeaseResources, LeaseResourcesResult>(QueueNames.Of<ListLeaseResources>(),
            new ListLeaseResources { Namespace = client.Namespace(@namespace), LeaseId = leaseId }, cancellationToken)).Resources;
}
