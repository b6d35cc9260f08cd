using Platform.Contracts;
using Platform.Contracts.Resources;
using Platform.Testing;
using Xunit;

namespace Platform.ResourceGc.Tests.Service;

/// <summary>Leases protect snapshots while they live; deleted or expired, they stop protecting and what only they held goes.</summary>
public sealed class When_leases_hold_snapshots(PlatformFixture fixture) : IClassFixture<PlatformFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_keep_a_leased_snapshot_after_its_container_and_remove_it_with_the_lease(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("lease");
        await client.Leases.CreateAsync(new CreateLease { Namespace = ns, Id = "pull" }, Ct);
        var folder = Folders.Of(await client.PrepareAsync(ns, sn, "rootfs", leaseId: "pull"));
        await client.CreateContainerAsync(ns, "web", sn, "rootfs");

        await client.DeleteContainerAsync(ns, "web");

        await Eventually.TrueAsync(async () => (await client.ContainerReasonsAsync(ns, sn, "rootfs")).Count == 0, Ct);
        var why = await client.ExplainAsync(ns, sn, "rootfs");
        Assert.Equal([$"snapshot {sn}/rootfs", $"held by lease {ns}/pull"], Assert.Single(why.Chains));
        await client.Gc.CollectAsync(cancellationToken: Ct);
        Assert.True(await client.SnapshotExistsAsync(ns, sn, "rootfs"));
        Assert.True(Directory.Exists(Folders.Fs(folder)));

        var deleted = await client.Leases.DeleteAsync("pull", ns, Ct);

        Assert.Equal("pull", deleted.Id);
        await client.SnapshotGoneAsync(ns, sn, "rootfs", folder);
        Assert.Empty(await client.Leases.ListAsync(null, ns, Ct));
    }

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_stop_protecting_once_the_lease_expires_and_a_pass_runs(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("expire");
        var expires = DateTimeOffset.UtcNow.AddSeconds(3);
        var lease = await client.Leases.CreateAsync(new CreateLease { Namespace = ns, Id = "brief", ExpiresAt = expires }, Ct);
        Assert.Equal(expires, lease.ExpiresAt);
        var folder = Folders.Of(await client.PrepareAsync(ns, sn, "rootfs", leaseId: "brief"));
        await client.CreateContainerAsync(ns, "web", sn, "rootfs");
        await client.DeleteContainerAsync(ns, "web");
        await Eventually.TrueAsync(async () => (await client.ContainerReasonsAsync(ns, sn, "rootfs")).Count == 0, Ct);

        // Before it expires, the lease alone keeps the snapshot through a full pass.
        await client.Gc.CollectAsync(cancellationToken: Ct);
        if (DateTimeOffset.UtcNow < expires)
        {
            Assert.True(await client.SnapshotExistsAsync(ns, sn, "rootfs"));
            Assert.True((await client.ExplainAsync(ns, sn, "rootfs")).Alive);
        }

        await client.SnapshotGoneAsync(ns, sn, "rootfs", folder, collect: true);

        Assert.True(DateTimeOffset.UtcNow >= expires);
        Assert.Empty(await client.Leases.ListAsync(null, ns, Ct)); // the pass deleted the expired lease too
    }

    [Fact]
    public async Task Should_not_count_an_expired_lease_when_removing_by_hand()
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("expired");
        var expires = DateTimeOffset.UtcNow.AddSeconds(1);
        await client.Leases.CreateAsync(new CreateLease { Namespace = ns, Id = "brief", ExpiresAt = expires }, Ct);
        var folder = Folders.Of(await client.PrepareAsync(ns, Sn.Native, "rw", leaseId: "brief"));

        await Eventually.TrueAsync(() => DateTimeOffset.UtcNow > expires.AddMilliseconds(50), Ct);
        Assert.False((await client.ExplainAsync(ns, Sn.Native, "rw")).Alive);
        await client.Snapshots.RemoveAsync("rw", Sn.Native, ns, Ct);

        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task Should_list_leases_and_their_resources_and_refuse_bad_requests()
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("leases");
        var generated = await client.Leases.CreateAsync(new CreateLease { Namespace = ns, Labels = new Dictionary<string, string> { ["purpose"] = "pull" } }, Ct);
        await client.Leases.CreateAsync(new CreateLease { Namespace = ns, Id = "named" }, Ct);
        await client.PrepareAsync(ns, Sn.Overlay, "a");
        await client.PrepareAsync(ns, Sn.Native, "b");

        Assert.False(string.IsNullOrEmpty(generated.Id));
        Assert.Equal([generated.Id, "named"], (await client.Leases.ListAsync(null, ns, Ct)).Select(l => l.Id).Order(StringComparer.Ordinal));
        Assert.Equal([generated.Id], (await client.Leases.ListAsync(["labels.purpose==pull"], ns, Ct)).Select(l => l.Id));
        Assert.Equal(["named"], (await client.Leases.ListAsync(["id==named"], ns, Ct)).Select(l => l.Id));

        await client.Leases.AddResourceAsync("named", Calls.Ref(Sn.Overlay, "a"), ns, Ct);
        var held = await client.Leases.AddResourceAsync("named", Calls.Ref(Sn.Native, "b"), ns, Ct);
        Assert.Equal(["native/b", "overlayfs/a"], held.Select(r => $"{r.Snapshotter}/{r.Key}"));
        Assert.Equal(held, await client.Leases.ListResourcesAsync("named", ns, Ct));

        await Expect.ErrorAsync(ErrorKind.AlreadyExists, () => client.Leases.CreateAsync(new CreateLease { Namespace = ns, Id = "named" }, Ct));
        await Expect.ErrorAsync(ErrorKind.InvalidArgument, () => client.Leases.CreateAsync(new CreateLease { Namespace = ns, Id = "past", ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1) }, Ct));
        await Expect.ErrorAsync(ErrorKind.InvalidArgument, () => client.Leases.CreateAsync(new CreateLease { Namespace = ns, Id = "bad..id" }, Ct));
        await Expect.ErrorAsync(ErrorKind.NotFound, () => client.Leases.DeleteAsync("nothing", ns, Ct));
        await Expect.ErrorAsync(ErrorKind.NotFound, () => client.Leases.AddResourceAsync("named", Calls.Ref(Sn.Overlay, "ghost"), ns, Ct));
        await Expect.ErrorAsync(ErrorKind.NotFound, () => client.Leases.AddResourceAsync("nothing", Calls.Ref(Sn.Overlay, "a"), ns, Ct));
        await Expect.ErrorAsync(ErrorKind.NotFound, () => client.PrepareAsync(ns, Sn.Overlay, "c", leaseId: "nothing"));
        Assert.False(await client.SnapshotExistsAsync(ns, Sn.Overlay, "c"));
    }

    [Fact]
    public async Task Should_list_leases_in_pages_in_id_order()
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("lease-pages");
        foreach (var id in new[] { "e", "a", "d", "b", "c" })
            await client.Leases.CreateAsync(new CreateLease { Namespace = ns, Id = id, Labels = new Dictionary<string, string> { ["odd"] = id is "a" or "c" or "e" ? "yes" : "no" } }, Ct);

        var pages = new List<IReadOnlyList<string>>();
        string? token = null;
        do
        {
            var page = await client.Leases.ListPageAsync(new ListLeases { Namespace = ns, Limit = 2, ContinuationToken = token }, Ct);
            pages.Add(page.Leases.Select(l => l.Id).ToList());
            token = page.ContinuationToken;
        }
        while (token is not null);

        Assert.Equal([["a", "b"], ["c", "d"], ["e"]], pages);
        var odd = await client.Leases.ListPageAsync(new ListLeases { Namespace = ns, Limit = 2, Filters = ["labels.odd==yes"] }, Ct);
        Assert.Equal(["a", "c"], odd.Leases.Select(l => l.Id));
        var rest = await client.Leases.ListPageAsync(new ListLeases { Namespace = ns, Limit = 2, Filters = ["labels.odd==yes"], ContinuationToken = odd.ContinuationToken }, Ct);
        Assert.Equal(["e"], rest.Leases.Select(l => l.Id));
        Assert.Null(rest.ContinuationToken);
        Assert.Equal(["a", "b", "c", "d", "e"], (await client.Leases.ListAsync(null, ns, Ct)).Select(l => l.Id));

        var limit = await Expect.ErrorAsync(ErrorKind.InvalidArgument, () => client.Leases.ListPageAsync(new ListLeases { Namespace = ns, Limit = -1 }, Ct));
        Assert.Contains("limit", limit.Message);
        var bad = await Expect.ErrorAsync(ErrorKind.InvalidArgument, () => client.Leases.ListPageAsync(new ListLeases { Namespace = ns, ContinuationToken = "not-a-token" }, Ct));
        Assert.Contains("continuationToken", bad.Message);
    }

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_hold_the_committed_snapshot_when_the_active_one_was_leased(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("leasecommit");
        await client.Leases.CreateAsync(new CreateLease { Namespace = ns, Id = "build" }, Ct);
        var folder = Folders.Of(await client.PrepareAsync(ns, sn, "layer-rw", leaseId: "build"));

        await client.CommitAsync(ns, sn, "layer-rw", "layer");

        Assert.Equal(["layer"], (await client.Leases.ListResourcesAsync("build", ns, Ct)).Select(r => r.Key));
        await client.Gc.CollectAsync(cancellationToken: Ct);
        Assert.True(await client.SnapshotExistsAsync(ns, sn, "layer"));
        await client.Leases.DeleteAsync("build", ns, Ct);
        await client.SnapshotGoneAsync(ns, sn, "layer", folder);
    }
}
