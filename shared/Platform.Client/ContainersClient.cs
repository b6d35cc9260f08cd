using System.Runtime.CompilerServices;
using Platform.Contracts.Containers;

namespace Platform.Client;

/// <summary>Containers: create, get, list, update, label and delete. Calls without a namespace use the client's.</summary>
public sealed class ContainersClient(PlatformClient client)
{
    public async Task<Container> CreateAsync(CreateContainer request, CancellationToken cancellationToken = default)
    {
        var result = await client.RequestAsync<CreateContainer, CreateContainerResult>(ContainerQueues.Create,
            request with { Namespace = client.Namespace(request.Namespace) }, cancellationToken);
        return result.Container;
    }

    public async Task<Container> GetAsync(string id, string? @namespace = null, CancellationToken cancellationToken = default)
    {
        var result = await client.RequestAsync<GetContainer, GetContainerResult>(ContainerQueues.Get,
            new GetContainer { Namespace = client.Namespace(@namespace), Id = id }, cancellationToken);
        return result.Container;
    }

    /// <summary>One page; pass the returned token back to get the next.</summary>
    public Task<ListContainersResult> ListPageAsync(ListContainers request, CancellationToken cancellationToken = default) =>
        client.RequestAsync<ListContainers, ListContainersResult>(ContainerQueues.List,
            request with { Namespace = client.Namespace(request.Namespace) }, cancellationToken);

    /// <summary>Every matching container, fetched page by page so no single message grows with the namespace.</summary>
    public async IAsyncEnumerable<Container> ListAsync(IReadOnlyList<string>? filters = null, string? @namespace = null,
        int pageSize = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? token = null;
        do
        {
            var page = await ListPageAsync(new ListContainers
            {
                Namespace = @namespace, Filters = filters, Limit = pageSize, ContinuationToken = token,
            }, cancellationToken);
            foreach (var container in page.Containers)
                yield return container;
            token = page.ContinuationToken;
        }
        while (token is not null);
    }

    public async Task<Container> UpdateAsync(UpdateContainer request, CancellationToken cancellationToken = default)
    {
        var result = await client.RequestAsync<UpdateContainer, UpdateContainerResult>(ContainerQueues.Update,
            request with { Namespace = client.Namespace(request.Namespace) }, cancellationToken);
        return result.Container;
    }

    /// <summary>Sets the given labels and leaves the others alone; an empty or null value removes that label.</summary>
    public Task<Container> SetLabelsAsync(string id, IReadOnlyDictionary<string, string?> labels, string? @namespace = null,
        CancellationToken cancellationToken = default) =>
        UpdateAsync(new UpdateContainer
        {
            Namespace = @namespace,
            Id = id,
            UpdateMask = labels.Keys.Select(k => "labels." + k).ToList(),
            Labels = labels.Where(kv => !string.IsNullOrEmpty(kv.Value)).ToDictionary(kv => kv.Key, kv => kv.Value!),
        }, cancellationToken);

    /// <summary>Deletes a container; refused while its task lives unless <paramref name="force"/>. Returns it as it was.</summary>
    public async Task<Container> DeleteAsync(string id, bool force = false, long? expectedVersion = null, string? @namespace = null,
        CancellationToken cancellationToken = default)
    {
        var result = await client.RequestAsync<DeleteContainer, DeleteContainerResult>(ContainerQueues.Delete,
            new DeleteContainer { Namespace = client.Namespace(@namespace), Id = id, Force = force, ExpectedVersion = expectedVersion },
            cancellationToken);
        return result.Container;
    }
}
