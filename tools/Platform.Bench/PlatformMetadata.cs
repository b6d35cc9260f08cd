using Platform.Client;
using Platform.Client.Cache;
using Platform.Contracts;
using Platform.Contracts.Containers;

namespace Platform.Bench;

/// <summary>The metadata benchmark's operations through Platform's client library (request/reply over the broker).</summary>
public sealed class PlatformMetadata(PlatformClient client) : IContainerMetadata
{
    public Task CreateAsync(string id, int i) => client.Containers.CreateAsync(new CreateContainer
    {
        Id = id,
        Runtime = new RuntimeInfo { Name = MetadataWorkload.Runtime },
        Spec = MetadataWorkload.Spec,
        Image = MetadataWorkload.Image,
        Labels = MetadataWorkload.Labels(i),
    });

    public Task GetAsync(string id) => client.Containers.GetAsync(id);

    public async Task<int> CountAsync(string filter)
    {
        var n = 0;
        await foreach (var _ in client.Containers.ListAsync([filter]))
            n++;
        return n;
    }

    public Task LabelAsync(string id, int i) =>
        client.Containers.SetLabelsAsync(id, new Dictionary<string, string?> { ["touched"] = i.ToString() });

    public Task DeleteAsync(string id) => client.Containers.DeleteAsync(id);

    public async Task<ICachedReads> CachedReadsAsync() => new CachedReads(await ContainerCache.StartAsync(client));

    private sealed class CachedReads(ContainerCache cache) : ICachedReads
    {
        public Task GetAsync(string id) => cache.GetAsync(id);

        public Task<int> CountAsync(string filter) => Task.FromResult(cache.List([filter]).Count);

        public ValueTask DisposeAsync() => cache.DisposeAsync();
    }
}
