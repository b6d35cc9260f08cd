using Platform.Contracts.Networks;

namespace Platform.Client;

/// <summary>Bridge networks of a namespace on the node: create, get, list, remove and prune. Calls without a namespace use the client's.</summary>
public sealed class NetworksClient(PlatformClient client)
{
    public async Task<Network> CreateAsync(CreateNetwork request, CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<CreateNetwork, NetworkResult>(NetworkQueues.Create, request with { Namespace = client.Namespace(request.Namespace) }, cancellationToken)).Network;

    public async Task<Network> GetAsync(string name, string? @namespace = null, CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<GetNetwork, NetworkResult>(NetworkQueues.Get, new GetNetwork { Namespace = client.Namespace(@namespace), Name = name }, cancellationToken)).Network;

    public async Task<IReadOnlyList<Network>> ListAsync(IReadOnlyList<string>? filters = null, string? @namespace = null, CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<ListNetworks, ListNetworksResult>(NetworkQueues.List, new ListNetworks { Namespace = client.Namespace(@namespace), Filters = filters }, cancellationToken)).Networks;

    public async Task<Network> RemoveAsync(string name, string? @namespace = null, CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<RemoveNetwork, NetworkResult>(NetworkQueues.Remove, new RemoveNetwork { Namespace = client.Namespace(@namespace), Name = name }, cancellationToken)).Network;

    public Task<PruneNetworksResult> PruneAsync(IReadOnlyList<string>? filters = null, string? @namespace = null, CancellationToken cancellationToken = default) =>
        client.RequestAsync<PruneNetworks, PruneNetworksResult>(NetworkQueues.Prune, new PruneNetworks { Namespace = client.Namespace(@namespace), Filters = filters }, cancellationToken);
}
