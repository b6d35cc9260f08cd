using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Networks;
using Platform.Hosting;
using Platform.Hosting.Outbox;
using Platform.TaskRunner.Networks;
using Platform.TaskRunner.Store;
using Xunit;

namespace Platform.TaskRunner.Tests.Networks;

/// <summary>
/// What every <see cref="INetworkStore"/> must do, whatever the database: each subclass opens a fresh, empty database
/// per test with the network store and the task store on it, since the task store's outbox side relays the network
/// events: the event assertions read it, as the relay does.
/// </summary>
public abstract class NetworkStoreContract : IAsyncLifetime
{
    private (INetworkStore Networks, IOutboxStore Outbox)? _stores;

    protected INetworkStore Store => _stores?.Networks ?? throw new InvalidOperationException("the store is not open");

    private IOutboxStore Outbox => _stores?.Outbox ?? throw new InvalidOperationException("the store is not open");

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The signal the subclass hands the network store.</summary>
    protected OutboxSignal Signal { get; } = new();

    /// <summary>Not a whole number of milliseconds: a store that rounds shows up.</summary>
    private static readonly DateTimeOffset Epoch = new DateTimeOffset(2026, 12, 7, 21, 0, 0, TimeSpan.Zero).AddTicks(7_654_321);

    /// <summary>Opens the network store and the task store (not yet initialised) on one new, empty database. May skip.</summary>
    protected abstract ValueTask<(INetworkStore Networks, ITaskStore Tasks)> OpenStoresAsync(CancellationToken cancellationToken);

    protected abstract ValueTask CloseStoresAsync();

    public async ValueTask InitializeAsync()
    {
        var (networks, tasks) = await OpenStoresAsync(Ct);
        _stores = (networks, Assert.IsAssignableFrom<IOutboxStore>(tasks));
        var initializable = Assert.IsAssignableFrom<IInitializableStore>(networks);
        Assert.Equal("networks", initializable.Name);
        await Assert.IsAssignableFrom<IInitializableStore>(tasks).InitializeAsync(Ct);
        await initializable.InitializeAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await CloseStoresAsync();
        GC.SuppressFinalize(this);
    }

    private static NetworkRecord Sample(string ns, string name, string id, string subnet = "10.89.0.0/24") => new()
    {
        Namespace = ns, Name = name, Id = id, Subnet = subnet, Gateway = subnet.Replace(".0/24", ".1"),
        Bridge = NetworkAllocation.BridgeOf(id), CreatedAt = Epoch,
        Labels = new Dictionary<string, string> { ["platform.io/owner"] = "ci", ["tier"] = "gold" },
    };

    private static string Id(char c) => new(c, 64);

    private static EventFactory Created(NetworkRecord n) => seq => new NetworkCreated
    {
        EventId = Guid.NewGuid(), Timestamp = n.CreatedAt, Namespace = n.Namespace, Sequence = seq,
        Network = new Network
        {
            Namespace = n.Namespace, Name = n.Name, Id = n.Id, Driver = n.Driver, Subnet = n.Subnet, Gateway = n.Gateway, Bridge = n.Bridge,
        },
    };

    private static EventFactory Removed(NetworkRecord n) => seq => new NetworkRemoved
    {
        EventId = Guid.NewGuid(), Timestamp = Epoch, Namespace = n.Namespace, Sequence = seq, Name = n.Name, Id = n.Id,
    };

    private async Task<IReadOnlyList<IPlatformEvent>> PendingEventsAsync() =>
        [.. (await Outbox.ReadPendingAsync(1000, Ct)).Select(r => (IPlatformEvent)EventCodec.Deserialize(r.MessageType, r.Payload).Event)];

    private static void Same(NetworkRecord expected, NetworkRecord? actual)
    {
        Assert.NotNull(actual);
        var none = new Dictionary<string, string>(); // records compare dictionaries by reference: labels are compared below
        Assert.Equal(expected with { Labels = none }, actual with { Labels = none });
        Assert.Equal(expected.Labels.OrderBy(l => l.Key), actual.Labels.OrderBy(l => l.Key));
        Assert.Equal(TimeSpan.Zero, actual.CreatedAt.Offset);
    }

    [Fact]
    public async Task Should_read_back_every_field_as_written()
    {
        var network = Sample("team-ns", "appnet", Id('a'));
        await Store.InsertAsync(network, Created(network), Ct);

        Same(network, await Store.GetAsync("team-ns", "appnet", Ct));
        Assert.Null(await Store.GetAsync("other-ns", "appnet", Ct));
        var bare = Sample("team-ns", "bare", Id('b'), "10.89.1.0/24") with { Labels = new Dictionary<string, string>() };
        await Store.InsertAsync(bare, Created(bare), Ct);
        Same(bare, await Store.GetAsync("team-ns", "bare", Ct));
    }

    [Fact]
    public async Task Should_refuse_a_taken_name_id_or_bridge_writing_nothing()
    {
        var network = Sample("team-ns", "appnet", Id('a'));
        await Store.InsertAsync(network, Created(network), Ct);

        var sameName = await Assert.ThrowsAsync<PlatformException>(() => Store.InsertAsync(Sample("team-ns", "appnet", Id('b')), Created(network), Ct));
        var sameId = await Assert.ThrowsAsync<PlatformException>(() => Store.InsertAsync(Sample("team-ns", "other", Id('a')), Created(network), Ct));
        var sameBridge = Sample("x-ns", "other", Id('c')) with { Bridge = network.Bridge };
        var bridge = await Assert.ThrowsAsync<PlatformException>(() => Store.InsertAsync(sameBridge, Created(sameBridge), Ct));

        Assert.All([sameName, sameId, bridge], e => Assert.Equal(ErrorKind.AlreadyExists, e.Kind));
        Assert.Contains("team-ns/appnet", sameName.Message);
        Same(network, await Store.GetAsync("team-ns", "appnet", Ct));
        Assert.Single(await PendingEventsAsync());
    }

    [Fact]
    public async Task Should_keep_names_per_namespace_and_list_in_order()
    {
        foreach (var (ns, name, c) in new[] { ("b-ns", "web", 'a'), ("a-ns", "web", 'b'), ("a-ns", "db", 'c') })
        {
            var network = Sample(ns, name, Id(c));
            await Store.InsertAsync(network, Created(network), Ct);
        }

        Assert.Equal(["a-ns/db", "a-ns/web", "b-ns/web"], (await Store.ListAsync(null, Ct)).Select(n => $"{n.Namespace}/{n.Name}"));
        Assert.Equal(["db", "web"], (await Store.ListAsync("a-ns", Ct)).Select(n => n.Name));
        Assert.Empty(await Store.ListAsync("c-ns", Ct));
    }

    [Fact]
    public async Task Should_delete_only_the_network_with_the_given_id()
    {
        var network = Sample("team-ns", "appnet", Id('a'));
        await Store.InsertAsync(network, Created(network), Ct);

        Assert.False(await Store.DeleteAsync("team-ns", "appnet", Id('f'), Removed(network), Ct));
        Assert.NotNull(await Store.GetAsync("team-ns", "appnet", Ct));
        Assert.Single(await PendingEventsAsync());

        Assert.True(await Store.DeleteAsync("team-ns", "appnet", network.Id, Removed(network), Ct));
        Assert.Null(await Store.GetAsync("team-ns", "appnet", Ct));
        Assert.False(await Store.DeleteAsync("team-ns", "appnet", network.Id, Removed(network), Ct));
        Assert.Empty(await Store.ListAsync(null, Ct));
    }

    [Fact]
    public async Task Should_write_each_event_with_the_change_and_a_sequence_that_survives_removal()
    {
        var first = Sample("team-ns", "appnet", Id('a'));
        var signalled = Signal.Next();
        await Store.InsertAsync(first, Created(first), Ct);
        Assert.True(signalled.IsCompleted, "an insert wakes the relay");
        await Store.DeleteAsync("team-ns", "appnet", first.Id, Removed(first), Ct);
        var second = Sample("team-ns", "appnet", Id('b'));
        await Store.InsertAsync(second, Created(second), Ct);

        var events = await PendingEventsAsync();

        Assert.Collection(events,
            e => Assert.Equal((1L, first.Id), (e.Sequence, Assert.IsType<NetworkCreated>(e).Network.Id)),
            e => Assert.Equal((2L, first.Id), (e.Sequence, Assert.IsType<NetworkRemoved>(e).Id)),
            e => Assert.Equal((3L, second.Id), (e.Sequence, Assert.IsType<NetworkCreated>(e).Network.Id)));
    }
}
