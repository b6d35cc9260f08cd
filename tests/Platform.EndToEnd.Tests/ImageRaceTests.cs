using Platform.Client.Images;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Testing;
using Xunit;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// Images against the collector without a global lock: whatever the interleaving, a container made from an image has
/// its whole chain, an unpack's chain survives a pass that runs beside it, and two unpacks of one chain leave one.
/// </summary>
public sealed class When_images_race_the_collector(PlatformFixture fixture) : IClassFixture<PlatformFixture>, IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly TempDir _temp = new();

    private async Task<(string Ns, LoadedImage Image)> LoadAsync(int layers = 3, bool unpack = true)
    {
        Requirements.RabbitMq();
        var ns = "race-" + Guid.NewGuid().ToString("N")[..8];
        var archive = OciImages.Busybox(layers).WriteTar(_temp.File(ns + ".tar"));
        var loaded = await new ImageLoader(fixture.Client).LoadAsync(archive, new ImageLoadOptions { Namespace = ns, Unpack = unpack }, null, Ct);
        return (ns, Assert.Single(loaded));
    }

    [Fact]
    public async Task An_image_removed_while_containers_are_made_from_it_never_leaves_a_container_without_its_chain()
    {
        var (ns, loaded) = await LoadAsync();
        var name = loaded.Image.Name;
        var creates = Enumerable.Range(0, 6).Select(async i =>
        {
            try
            {
                return await new ImageContainers(fixture.Client).CreateAsync(new ContainerFromImage { Id = $"c{i}", Image = name, Namespace = ns }, Ct);
            }
            catch (PlatformException e) when (e.Kind == ErrorKind.NotFound)
            {
                return null; // the image was gone first: a clean refusal
            }
        }).ToList();
        await fixture.Client.Images.DeleteAsync(name, null, ns, Ct);
        await fixture.Client.Gc.CollectAsync(false, Ct);
        var made = (await Task.WhenAll(creates)).Where(c => c is not null).ToList();

        // Every container that exists can mount its rootfs: its snapshot and every parent up the chain are there.
        foreach (var container in made)
        {
            var mounts = await fixture.Client.Snapshots.MountsAsync(container!.SnapshotKey!, container.Snapshotter, ns, Ct);
            for (var key = mounts.Snapshot.Parent; key is not null;)
                key = (await fixture.Client.Snapshots.StatAsync(key, container.Snapshotter, ns, Ct)).Parent;
        }
        foreach (var container in made)
            await fixture.Client.Containers.DeleteAsync(container!.Id, @namespace: ns, cancellationToken: Ct);
        await Eventually.TrueAsync(async () => !await fixture.Client.Snapshots.ListAsync(@namespace: ns, cancellationToken: Ct).AnyAsync(Ct)
                && !await fixture.Client.Content.ListAsync(@namespace: ns, cancellationToken: Ct).AnyAsync(Ct),
            Ct, within: TimeSpan.FromSeconds(30), because: "with the image and its containers gone, nothing keeps the chain or the content");
    }

    [Fact]
    public async Task An_unpack_beside_collection_passes_keeps_its_whole_chain()
    {
        var (ns, loaded) = await LoadAsync(layers: 5, unpack: false);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var passes = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
                await fixture.Client.Gc.CollectAsync(false, stop.Token);
        }, stop.Token);

        var unpacked = await fixture.Client.Images.UnpackAsync(loaded.Image.Target.Digest, @namespace: ns, cancellationToken: Ct);
        await fixture.Client.Gc.CollectAsync(false, Ct);
        await stop.CancelAsync();
        await passes.ContinueWith(_ => { }, TaskScheduler.Default);

        var depth = 0;
        for (string? key = unpacked.ChainId; key is not null; depth++)
            key = (await fixture.Client.Snapshots.StatAsync(key, unpacked.Snapshotter, ns, Ct)).Parent;
        Assert.Equal(5, depth);
        Assert.Equal(5, unpacked.Layers);
    }

    [Fact]
    public async Task Two_unpacks_of_one_image_at_once_leave_one_chain()
    {
        var (ns, loaded) = await LoadAsync(layers: 4, unpack: false);

        var results = await Task.WhenAll(
            fixture.Client.Images.UnpackAsync(loaded.Image.Target.Digest, @namespace: ns, cancellationToken: Ct),
            fixture.Client.Images.UnpackAsync(loaded.Image.Target.Digest, @namespace: ns, cancellationToken: Ct));

        Assert.Equal(results[0].ChainId, results[1].ChainId);
        Assert.Equal(4, results.Sum(r => r.Unpacked)); // each layer unpacked once, by one or the other
        Assert.Equal(4, await fixture.Client.Snapshots.ListAsync(@namespace: ns, cancellationToken: Ct).CountAsync(Ct));
    }

    [Fact]
    public async Task A_layer_whose_diff_id_does_not_match_leaves_no_snapshot_and_no_image()
    {
        Requirements.RabbitMq();
        var ns = "race-" + Guid.NewGuid().ToString("N")[..8];
        var builder = new OciLayoutBuilder();
        var layers = OciImages.Layers(2);
        var image = builder.AddImage(layers);
        // Swap the config for one whose second diff id is wrong (the layer blobs stay as they are).
        var config = OciImages.Config([layers[0], OciImages.FileLayer("etc/other", "x")]);
        var bad = builder.AddBlob("application/vnd.oci.image.config.v1+json", System.Text.Encoding.UTF8.GetBytes(config.ToJsonString()));
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(builder.Blobs[image.ManifestDigest])!.AsObject();
        manifest["config"] = bad.DeepClone();
        var descriptor = builder.AddBlob(OciLayoutBuilder.ManifestType, System.Text.Encoding.UTF8.GetBytes(manifest.ToJsonString()));
        builder.Name(descriptor, "docker.io/library/broken:1");
        var archive = builder.WriteTar(_temp.File("broken.tar"));

        var error = await Assert.ThrowsAsync<PlatformException>(() =>
            new ImageLoader(fixture.Client).LoadAsync(archive, new ImageLoadOptions { Namespace = ns }, null, Ct));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("diff id", error.Message);
        await Assert.ThrowsAsync<PlatformException>(() => fixture.Client.Images.GetAsync("broken:1", ns, Ct));
        await fixture.Client.Gc.CollectAsync(false, Ct);
        Assert.False(await fixture.Client.Snapshots.ListAsync(@namespace: ns, cancellationToken: Ct).AnyAsync(Ct));
        Assert.False(await fixture.Client.Content.ListAsync(@namespace: ns, cancellationToken: Ct).AnyAsync(Ct));
    }

    public void Dispose() => _temp.Dispose();
}
