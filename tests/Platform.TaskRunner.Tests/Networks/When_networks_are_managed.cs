using Platform.Common.Errors;
using Platform.Common.Networks;
using Platform.Contracts;
using Platform.Contracts.Networks;
using Platform.TaskRunner.Networks;
using Platform.TaskRunner.Store;
using Platform.Testing;
using Xunit;

namespace Platform.TaskRunner.Tests.Networks;

/// <summary>
/// Networks through the client library against the real services: records, subnets, the default network, the in-use
/// rule and prune. Each test works in a namespace of its own; subnets are node-wide, so each test picks its own range.
/// </summary>
public sealed class When_networks_are_managed(NetworkFixture fixture) : IClassFixture<NetworkFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string NewNamespace() => $"net-{Guid.NewGuid():N}"[..12];

    private Task<Network> CreateAsync(string ns, string name, string? subnet = null, string? gateway = null, IReadOnlyDictionary<string, string>? labels = null) =>
        fixture.Client.Networks.CreateAsync(new CreateNetwork { Namespace = ns, Name = name, Subnet = subnet, Gateway = gateway, Labels = labels }, Ct);

    private async Task<PlatformException> RefusedAsync(Func<Task> action) => await Assert.ThrowsAsync<PlatformException>(action);

    [Fact]
    public async Task Create_get_list_and_remove_keep_a_record_and_publish_its_events()
    {
        var ns = NewNamespace();

        var created = await CreateAsync(ns, "appnet", labels: new Dictionary<string, string> { ["owner"] = "ci" });

        Assert.Equal("bridge", created.Driver);
        Assert.Matches("^[0-9a-f]{64}$", created.Id);
        Assert.Equal("plat" + created.Id[..8], created.Bridge);
        Assert.Matches(@"^10\.89\.\d+\.0/24$", created.Subnet);
        Assert.Equal(created.Subnet.Replace(".0/24", ".1"), created.Gateway);
        var got = await fixture.Client.Networks.GetAsync("appnet", ns, Ct);
        Assert.Equal((created.Id, created.Subnet, "ci"), (got.Id, got.Subnet, got.Labels["owner"]));
        Assert.Empty(got.Containers);
        await CreateAsync(ns, "other");
        Assert.Equal(["appnet"], (await fixture.Client.Networks.ListAsync(["labels.owner==ci"], ns, Ct)).Select(n => n.Name));
        Assert.Equal(["appnet", "other"], (await fixture.Client.Networks.ListAsync(null, ns, Ct)).Select(n => n.Name));

        var taken = await RefusedAsync(() => CreateAsync(ns, "appnet"));
        Assert.Equal(ErrorKind.AlreadyExists, taken.Kind);

        await fixture.Client.Networks.RemoveAsync("appnet", ns, Ct);

        Assert.Equal(ErrorKind.NotFound, (await RefusedAsync(() => fixture.Client.Networks.GetAsync("appnet", ns, Ct))).Kind);
        await Eventually.TrueAsync(() => fixture.Events.OfType<NetworkRemoved>().Any(e => e.Namespace == ns && e.Id == created.Id), Ct,
            because: "a subscriber sees NetworkRemoved");
        var events = fixture.Events.Where(e => e.Namespace == ns && e is NetworkCreated { Network.Name: "appnet" } or NetworkRemoved { Name: "appnet" }).ToList();
        Assert.Collection(events,
            e => Assert.Equal((1L, created.Subnet), (e.Sequence, Assert.IsType<NetworkCreated>(e).Network.Subnet)),
            e => Assert.Equal((2L, false), (e.Sequence, Assert.IsType<NetworkRemoved>(e).Pruned)));
    }

    [Theory]
    [InlineData("10.201.0.0", "subnet")]
    [InlineData("10.201.0.0/7", "/8 to /30")]
    [InlineData("10.201.0.0/31", "/8 to /30")]
    [InlineData("10.201.0.5/24", "host bits")]
    [InlineData("300.1.0.0/24", "subnet")]
    [InlineData("127.1.0.0/16", "reserved")]
    [InlineData("fd00::/64", "subnet")]
    public async Task A_bad_subnet_is_refused_naming_the_field_and_rule(string subnet, string rule)
    {
        var refused = await RefusedAsync(() => CreateAsync(NewNamespace(), "appnet", subnet));

        Assert.Equal(ErrorKind.InvalidArgument, refused.Kind);
        Assert.StartsWith("subnet", refused.Message);
        Assert.Contains(rule, refused.Message);
    }

    [Theory]
    [InlineData("10.202.0.0/24", "10.202.1.1", "outside subnet")]
    [InlineData("10.202.0.0/24", "10.202.0.255", "broadcast")]
    [InlineData("10.202.0.0/24", "10.202.0", "IPv4 address")]
    [InlineData(null, "10.202.0.1", "needs a subnet")]
    public async Task A_bad_gateway_is_refused_naming_the_field_and_rule(string? subnet, string gateway, string rule)
    {
        var refused = await RefusedAsync(() => CreateAsync(NewNamespace(), "appnet", subnet, gateway));

        Assert.Equal(ErrorKind.InvalidArgument, refused.Kind);
        Assert.StartsWith("gateway", refused.Message);
        Assert.Contains(rule, refused.Message);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("host")]
    public async Task The_names_of_the_network_modes_are_reserved(string name)
    {
        var refused = await RefusedAsync(() => CreateAsync(NewNamespace(), name));

        Assert.Equal(ErrorKind.InvalidArgument, refused.Kind);
        Assert.Contains("reserved", refused.Message);
    }

    [Fact]
    public async Task A_given_subnet_and_gateway_are_kept_and_an_overlapping_subnet_on_the_node_is_refused_naming_its_network()
    {
        var ns = NewNamespace();
        var created = await CreateAsync(ns, "wide", "10.203.0.0/16", "10.203.0.254");
        Assert.Equal(("10.203.0.0/16", "10.203.0.254"), (created.Subnet, created.Gateway));

        var inside = await RefusedAsync(() => CreateAsync(NewNamespace(), "inner", "10.203.4.0/24"));
        var around = await RefusedAsync(() => CreateAsync(ns, "outer", "10.202.0.0/15"));

        Assert.All([inside, around], e => Assert.Equal(ErrorKind.FailedPrecondition, e.Kind));
        Assert.Contains($"{ns}/wide", inside.Message);
        Assert.Contains("10.203.0.0/16", around.Message);
        await fixture.Client.Networks.RemoveAsync("wide", ns, Ct);
        await CreateAsync(ns, "inner", "10.203.4.0/24"); // free again once the wide one went
    }

    [Fact]
    public async Task The_default_network_is_created_once_on_first_resolve_however_many_resolve_at_once()
    {
        var ns = NewNamespace();
        var directory = fixture.Get<INetworkDirectory>();

        var resolved = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => directory.ResolveAsync(ns, NetworkLabels.DefaultName, Ct), Ct)));

        Assert.Single(resolved.Select(n => n.Id).Distinct());
        var records = await fixture.Get<INetworkStore>().ListAsync(ns, Ct);
        Assert.Equal([NetworkLabels.DefaultName], records.Select(n => n.Name));
        Assert.Equal(resolved[0].Bridge, records[0].Bridge);
        Assert.Equal(resolved[0].Id, (await fixture.Client.Networks.GetAsync(NetworkLabels.DefaultName, ns, Ct)).Id);
        await Eventually.TrueAsync(() => fixture.Events.OfType<NetworkCreated>().Any(e => e.Namespace == ns), Ct);
        Assert.Single(fixture.Events.OfType<NetworkCreated>(), e => e.Namespace == ns);

        var unknown = await RefusedAsync(() => directory.ResolveAsync(ns, "appnet", Ct));
        Assert.Equal(ErrorKind.NotFound, unknown.Kind);
        Assert.Contains($"{ns}/appnet", unknown.Message);
    }

    [Fact]
    public async Task A_network_a_container_names_is_not_removed_and_the_refusal_names_the_container()
    {
        var ns = NewNamespace();
        await CreateAsync(ns, "appnet");
        await fixture.ContainerAsync(ns, "web", "appnet", Ct);
        await fixture.ContainerAsync(ns, "plain", network: null, Ct);

        var refused = await RefusedAsync(() => fixture.Client.Networks.RemoveAsync("appnet", ns, Ct));

        Assert.Equal(ErrorKind.FailedPrecondition, refused.Kind);
        Assert.Contains("web", refused.Message);
        Assert.DoesNotContain("plain", refused.Message);
        Assert.Equal(["web"], (await fixture.Client.Networks.GetAsync("appnet", ns, Ct)).Containers);
        await fixture.Client.Containers.DeleteAsync("web", @namespace: ns, cancellationToken: Ct);
        await fixture.Client.Networks.RemoveAsync("appnet", ns, Ct);
    }

    [Fact]
    public async Task The_default_network_is_removed_only_unused_and_made_again_on_next_use()
    {
        var ns = NewNamespace();
        var directory = fixture.Get<INetworkDirectory>();
        var first = await directory.ResolveAsync(ns, NetworkLabels.DefaultName, Ct);
        await fixture.ContainerAsync(ns, "unlabelled", network: null, Ct);

        var refused = await RefusedAsync(() => fixture.Client.Networks.RemoveAsync(NetworkLabels.DefaultName, ns, Ct));
        Assert.Equal(ErrorKind.FailedPrecondition, refused.Kind);
        Assert.Contains("unlabelled", refused.Message);
        Assert.Equal(["unlabelled"], (await fixture.Client.Networks.ListAsync(null, ns, Ct)).Single().Containers);

        await fixture.Client.Containers.DeleteAsync("unlabelled", @namespace: ns, cancellationToken: Ct);
        await fixture.Client.Networks.RemoveAsync(NetworkLabels.DefaultName, ns, Ct);
        var again = await directory.ResolveAsync(ns, NetworkLabels.DefaultName, Ct);

        Assert.NotEqual(first.Id, again.Id);
    }

    [Fact]
    public async Task Prune_removes_unused_networks_but_keeps_used_ones_and_the_default_network()
    {
        var ns = NewNamespace();
        await fixture.Get<INetworkDirectory>().ResolveAsync(ns, NetworkLabels.DefaultName, Ct);
        await CreateAsync(ns, "used");
        await CreateAsync(ns, "idle-a");
        await CreateAsync(ns, "idle-b", labels: new Dictionary<string, string> { ["tier"] = "tmp" });
        await fixture.ContainerAsync(ns, "web", "used", Ct);

        var filtered = await fixture.Client.Networks.PruneAsync(["labels.tier==tmp"], ns, Ct);
        var pruned = await fixture.Client.Networks.PruneAsync(null, ns, Ct);

        Assert.Equal(["idle-b"], filtered.Removed);
        Assert.Equal(["idle-a"], pruned.Removed);
        Assert.Equal([NetworkLabels.DefaultName, "used"], (await fixture.Client.Networks.ListAsync(null, ns, Ct)).Select(n => n.Name));
        await Eventually.TrueAsync(() => fixture.Events.OfType<NetworkRemoved>().Count(e => e.Namespace == ns) == 2, Ct);
        Assert.All(fixture.Events.OfType<NetworkRemoved>().Where(e => e.Namespace == ns), e => Assert.True(e.Pruned));
    }
}
