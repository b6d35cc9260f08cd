using Platform.Contracts.Resources;
using Platform.Testing;
using Xunit;

namespace Platform.ResourceGc.Tests.Service;

/// <summary>
/// An image as the collector sees it: a manifest labelled to its config and layers, the config labelled to the top of
/// the unpacked snapshot chain. The image's reference on the manifest keeps all of it; releasing it collects all of it.
/// </summary>
public sealed class When_content_labels_keep_an_image_alive(PlatformFixture fixture) : IClassFixture<PlatformFixture>
{
    private const string Image = "docker.io/library/busybox:latest";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Pulled(string Ns, Blob Manifest, Blob Config, Blob Layer0, Blob Layer1, string Folder0, string Folder1);

    /// <summary>Unpacked snapshots chain-0 ← chain-1, a config labelled to chain-1, a manifest labelled to config and layers.</summary>
    private async Task<Pulled> PullAsync(string prefix)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace(prefix);
        var folder0 = await client.CommittedAsync(ns, Sn.Native, "chain-0");
        var folder1 = await client.CommittedAsync(ns, Sn.Native, "chain-1", parent: "chain-0");
        // Bytes of this namespace only: blob files are shared by digest across namespaces.
        var layer0 = Blob.Of($"{ns} layer 0 {new string('0', 3000)}");
        var layer1 = Blob.Of($"{ns} layer 1 {new string('1', 4000)}");
        var config = Blob.Of("{\"rootfs\":{\"diff_ids\":[\"" + ns + "\"]}}");
        await client.WriteAsync(ns, layer0);
        await client.WriteAsync(ns, layer1);
        await client.WriteAsync(ns, config, new Dictionary<string, string> { [ContentCalls.SnapshotRefLabel + Sn.Native] = "chain-1" });
        var manifest = Blob.Of($"config {config.Digest} layers {layer0.Digest} {layer1.Digest}");
        await client.WriteAsync(ns, manifest, new Dictionary<string, string>
        {
            [ContentCalls.ContentRefLabel + "config"] = config.Digest,
            [ContentCalls.ContentRefLabel + "l.0"] = layer0.Digest,
            [ContentCalls.ContentRefLabel + "l.1"] = layer1.Digest,
        });
        await client.ReferenceImageAsync(ns, Image, manifest.Digest);
        return new Pulled(ns, manifest, config, layer0, layer1, folder0, folder1);
    }

    private async Task<bool> AnyOfItLeftAsync(Pulled p)
    {
        var client = fixture.Client;
        foreach (var blob in new[] { p.Manifest, p.Config, p.Layer0, p.Layer1 })
            if (await client.ContentExistsAsync(p.Ns, blob.Digest) || File.Exists(ContentCalls.BlobPath(fixture, blob.Digest)))
                return true;
        return await client.SnapshotExistsAsync(p.Ns, Sn.Native, "chain-0") || await client.SnapshotExistsAsync(p.Ns, Sn.Native, "chain-1")
            || Directory.Exists(p.Folder0) || Directory.Exists(p.Folder1);
    }

    [Fact]
    public async Task Should_keep_every_blob_and_snapshot_of_a_referenced_image_through_a_pass()
    {
        var client = fixture.Client;
        var p = await PullAsync("keep");

        await client.Gc.CollectAsync(cancellationToken: Ct);

        foreach (var blob in new[] { p.Manifest, p.Config, p.Layer0, p.Layer1 })
        {
            Assert.True(await client.ContentExistsAsync(p.Ns, blob.Digest), blob.Digest);
            Assert.True(File.Exists(ContentCalls.BlobPath(fixture, blob.Digest)));
        }
        Assert.True(await client.SnapshotExistsAsync(p.Ns, Sn.Native, "chain-0"));
        Assert.True(await client.SnapshotExistsAsync(p.Ns, Sn.Native, "chain-1"));
        await Expect.ErrorAsync(Contracts.ErrorKind.FailedPrecondition, () => client.Snapshots.RemoveAsync("chain-1", Sn.Native, p.Ns, Ct));
    }

    [Fact]
    public async Task Should_collect_content_and_the_snapshot_chain_at_once_when_the_image_releases_its_manifest()
    {
        var client = fixture.Client;
        var p = await PullAsync("release");
        await using var events = await EventLog.StartAsync(client, p.Ns);

        await client.ReleaseImageAsync(p.Ns, Image, p.Manifest.Digest);

        // No pass and no polling: the release's own collection followed the labels down to the last parent.
        Assert.False(await AnyOfItLeftAsync(p));
        await Eventually.TrueAsync(() => events.Of<ContentRemoved>().Count(e => e.Collected) == 4 && events.Of<SnapshotRemoved>().Count(e => e.Collected) == 2, Ct);
        await Eventually.TrueAsync(() => events.Of<GarbageCollected>().Any(e => e.Removed == 6), Ct);
    }

    [Fact]
    public async Task Should_collect_a_whole_unreferenced_image_and_stray_content_in_one_pass()
    {
        var client = fixture.Client;
        var p = await PullAsync("pass");
        var stray = Blob.Of($"{p.Ns}: nobody wants this");
        await client.WriteAsync(p.Ns, stray);

        var dry = await client.Gc.CollectAsync(dryRun: true, cancellationToken: Ct);
        Assert.Equal([stray.Digest], dry.Removed.Where(r => r.Namespace == p.Ns).Select(r => r.Resource.Key));
        Assert.Equal(stray.Size, dry.Removed.Single(r => r.Namespace == p.Ns).Size);

        // Drop the image's reference without its prompt collection (as a crash in between would): only a pass finds the garbage.
        var store = (ResourceGc.Store.IResourceStore)fixture.Services.GetService(typeof(ResourceGc.Store.IResourceStore))!;
        Assert.True(await store.RemoveReferenceAsync(p.Ns, "content", p.Manifest.Digest, "image", Image, 0, Ct));
        var result = await client.Gc.CollectAsync(cancellationToken: Ct);

        Assert.False(await AnyOfItLeftAsync(p));
        Assert.False(await client.ContentExistsAsync(p.Ns, stray.Digest));
        Assert.False(File.Exists(ContentCalls.BlobPath(fixture, stray.Digest)));
        Assert.Equal(7, result.Removed.Count(r => r.Namespace == p.Ns));
    }

    [Fact]
    public async Task Should_explain_content_and_a_snapshot_kept_through_labels()
    {
        var client = fixture.Client;
        var p = await PullAsync("why");

        var snapshot = await client.ExplainAsync(p.Ns, Sn.Native, "chain-0");
        var layer = await client.Gc.ExplainAsync(ContentCalls.ContentRef(p.Layer1.Digest), p.Ns, Ct);

        Assert.Equal(
            [
                $"snapshot {Sn.Native}/chain-0",
                $"parent of snapshot {Sn.Native}/chain-1",
                $"labelled by content {p.Config.Digest} ({ContentCalls.SnapshotRefLabel}{Sn.Native})",
                $"labelled by content {p.Manifest.Digest} ({ContentCalls.ContentRefLabel}config)",
                $"referenced by image {p.Ns}/{Image}",
            ], Assert.Single(snapshot.Chains));
        Assert.Equal(("content", p.Layer1.Digest), (layer.Resource.Kind, layer.Resource.Key));
        Assert.Equal(
            [$"content {p.Layer1.Digest}", $"labelled by content {p.Manifest.Digest} ({ContentCalls.ContentRefLabel}l.1)", $"referenced by image {p.Ns}/{Image}"],
            Assert.Single(layer.Chains));
    }

    [Fact]
    public async Task Should_protect_content_a_lease_holds_until_the_lease_is_deleted()
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("leased");
        await client.Leases.CreateAsync(new CreateLease { Namespace = ns, Id = "pull" }, Ct);
        var blob = Blob.Of("downloaded under a lease");
        await client.WriteAsync(ns, blob, leaseId: "pull");

        await client.Gc.CollectAsync(cancellationToken: Ct);
        var held = await client.Leases.ListResourcesAsync("pull", ns, Ct);

        Assert.True(await client.ContentExistsAsync(ns, blob.Digest));
        Assert.Equal(("content", blob.Digest, (string?)null), (Assert.Single(held).Kind, held[0].Key, held[0].Snapshotter));
        await client.Leases.DeleteAsync("pull", ns, Ct);
        Assert.False(await client.ContentExistsAsync(ns, blob.Digest));
        Assert.False(File.Exists(ContentCalls.BlobPath(fixture, blob.Digest)));
    }
}
