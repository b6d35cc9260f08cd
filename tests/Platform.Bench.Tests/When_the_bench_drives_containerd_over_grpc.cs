using Containerd.Services.Containers.V1;
using Grpc.Core;
using Platform.Testing;
using Xunit;

namespace Platform.Bench.Tests;

/// <summary>
/// The side-by-side figures are only worth something if the reference really did the work: our own .proto text must
/// match containerd 1.6's wire (field numbers, the namespace header, the filter and the field mask).
/// </summary>
public sealed class When_the_bench_drives_containerd_over_grpc : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("platform-bench-test-").FullName;
    private Containerd? _containerd;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_create_get_list_by_label_update_by_mask_and_delete()
    {
        Requirements.Containerd();
        var (containerd, why) = await Containerd.StartAsync(Path.Combine(_folder, "containerd"));
        _containerd = containerd ?? throw new InvalidOperationException($"containerd did not start: {why}");
        using var api = new ContainerdApi(containerd.Socket, "bench-test");
        var metadata = new ContainerdMetadata(api);

        Assert.StartsWith("1.", await api.VersionAsync());
        for (var i = 0; i < 3; i++)
            await metadata.CreateAsync($"c-{i}", i);
        await metadata.LabelAsync("c-0", 42);

        var stored = (await api.Containers.GetAsync(new GetContainerRequest { Id = "c-0" }, cancellationToken: Ct)).Container;
        Assert.Equal(MetadataWorkload.Runtime, stored.Runtime.Name);
        Assert.Equal(MetadataWorkload.Image, stored.Image);
        Assert.Equal(ContainerdApi.SpecTypeUrl, stored.Spec.TypeUrl);
        Assert.Equal(MetadataWorkload.Spec, stored.Spec.Value.ToStringUtf8());
        Assert.Equal(new Dictionary<string, string> { ["parity"] = "even", ["bench"] = "true", ["touched"] = "42" },
            new Dictionary<string, string>(stored.Labels));
        Assert.NotNull(stored.CreatedAt);
        Assert.Equal(2, await metadata.CountAsync(MetadataWorkload.Filter));

        await metadata.DeleteAsync("c-0");
        var gone = await Assert.ThrowsAsync<RpcException>(() => metadata.GetAsync("c-0"));
        Assert.Equal(StatusCode.NotFound, gone.StatusCode);
        Assert.Equal(new[] { "c-1", "c-2" }, await api.ListAsync().Select(c => c.Id).Order().ToListAsync(Ct));
        using var other = new ContainerdApi(containerd.Socket, "bench-test-other");
        Assert.Empty(await other.ListAsync().ToListAsync(Ct));
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_containerd is not null)
            await _containerd.DisposeAsync();
        Mounts.DeleteFolder(_folder);
    }
}
