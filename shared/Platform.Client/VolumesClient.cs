using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Resources;

namespace Platform.Client;

/// <summary>Named volumes: folders of user data that outlive containers and are removed only by rm or prune.</summary>
public sealed class VolumesClient(PlatformClient client)
{
    public async Task<Volume> CreateAsync(CreateVolume request, CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<CreateVolume, VolumeResult>(QueueNames.Of<CreateVolume>(), request with { Namespace = client.Namespace(request.Namespace) }, cancellationToken)).Volume;

    public async Task<Volume> GetAsync(string name, string? @namespace = null, CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<GetVolume, VolumeResult>(QueueNames.Of<GetVolume>(), new GetVolume { Namespace = client.Namespace(@namespace), Name = name }, cancellationToken)).Volume;

    public async Task<IReadOnlyList<Volume>> ListAsync(IReadOnlyList<string>? filters = null, string? @namespace = null, CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<ListVolumes, ListVolumesResult>(QueueNames.Of<ListVolumes>(), new ListVolumes { Namespace = client.Namespace(@namespace), Filters = filters }, cancellationToken)).Volumes;

    public async Task<Volume> RemoveAsync(string name, string? @namespace = null, CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<RemoveVolume, VolumeResult>(QueueNames.Of<RemoveVolume>(), new RemoveVolume { Namespace = client.Namespace(@namespace), Name = name }, cancellationToken)).Volume;

    public Task<PruneVolumesResult> PruneAsync(IReadOnlyList<string>? filters = null, string? @namespace = null, CancellationToken cancellationToken = default) =>
        client.RequestAsync<PruneVolumes, PruneVolumesResult>(QueueNames.Of<PruneVolumes>(), new PruneVolumes { Namespace = client.Namespace(@namespace), Filters = filters }, cancellationToken);

    /// <summary>The volume, created (without labels) when it does not exist yet: docker's <c>-v NAME:/path</c>.</summary>
    public async Task<Volume> EnsureAsync(string name, string? @namespace = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await GetAsync(name, @namespace, cancellationToken);
        }
        catch (PlatformException e) when (e.Kind == ErrorKind.NotFound)
        {
            try
            {
                return await CreateAsync(new CreateVolume { Namespace = @namespace, Name = name }, cancellationToken);
            }
            catch (PlatformException again) when (again.Kind == ErrorKind.AlreadyExists)
            {
                return await GetAsync(name, @namespace, cancellationToken); // created meanwhile by another run
            }
        }
    }
}
