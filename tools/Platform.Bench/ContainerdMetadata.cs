using Containerd.Services.Containers.V1;
using Google.Protobuf.WellKnownTypes;

namespace Platform.Bench;

/// <summary>The metadata benchmark's operations through containerd's containers service, as its own Go client makes them.</summary>
public sealed class ContainerdMetadata(ContainerdApi api) : IContainerMetadata
{
    private static readonly Any Spec = ContainerdApi.Spec(MetadataWorkload.Spec);

    public async Task CreateAsync(string id, int i)
    {
        var container = new Container
        {
            Id = id,
            Runtime = new Container.Types.Runtime { Name = MetadataWorkload.Runtime },
            Spec = Spec,
            Image = MetadataWorkload.Image,
        };
        container.Labels.Add(MetadataWorkload.Labels(i));
        await api.Containers.CreateAsync(new CreateContainerRequest { Container = container });
    }

    public async Task GetAsync(string id) => await api.Containers.GetAsync(new GetContainerRequest { Id = id });

    public async Task<int> CountAsync(string filter)
    {
        var n = 0;
        await foreach (var _ in api.ListAsync(filter))
            n++;
        return n;
    }

    public async Task LabelAsync(string id, int i)
    {
        var container = new Container { Id = id };
        container.Labels.Add("touched", i.ToString());
        var request = new UpdateContainerRequest { Container = container, UpdateMask = new FieldMask() };
        request.UpdateMask.Paths.Add("labels.touched");
        await api.Containers.UpdateAsync(request);
    }

    public async Task DeleteAsync(string id) => await api.Containers.DeleteAsync(new DeleteContainerRequest { Id = id });

    public Task<ICachedReads> CachedReadsAsync() => Task.FromResult<ICachedReads>(new ConsistentReads(this));
}
