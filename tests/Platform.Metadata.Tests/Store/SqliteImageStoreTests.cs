using Microsoft.Data.Sqlite;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Contracts.Images;
using Platform.Hosting.Outbox;
using Platform.Hosting.Storage;
using Platform.Metadata.Store;
using Platform.Metadata.Tests.Support;
using Xunit;

namespace Platform.Metadata.Tests.Store;

/// <summary>The image contract on the embedded store, in a metadata file shared with a container store as the service does. Always runs.</summary>
public sealed class SqliteImageStoreTests : ImageStoreContract
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "platform-metadata-tests", Guid.NewGuid().ToString("N"));
    private SqliteContainerStore? _containers;

    protected override async ValueTask<IImageStore> OpenStoreAsync(CancellationToken cancellationToken)
    {
        var database = new SqliteDatabase(Path.Combine(_folder, "metadata.db"));
        _containers = new SqliteContainerStore(database, new OutboxSignal());
        await _containers.InitializeAsync(cancellationToken);
        return new SqliteImageStore(database, new OutboxSignal());
    }

    protected override async ValueTask CloseStoreAsync()
    {
        if (_containers is not null)
            await _containers.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Should_share_one_outbox_with_containers_so_one_relay_reads_both_in_commit_order()
    {
        var container = Samples.Minimal(Ns, "web-1");
        await CreateAsync(ImageSamples.Image(Ns, "docker.io/library/busybox:latest"));
        await _containers!.CreateAsync(container, seq => new ContainerCreated
        {
            EventId = Guid.NewGuid(), Timestamp = container.CreatedAt, Namespace = Ns, Sequence = seq, Container = container,
        }, Ct);
        await CreateAsync(ImageSamples.Image(Ns, "docker.io/library/alpine:3"));

        // The service registers the container store as the relay's source: what it reads must include image events.
        var relayed = (await _containers.ReadPendingAsync(100, Ct))
            .Select(r => (IPlatformEvent)EventCodec.Deserialize(r.MessageType, r.Payload).Event).ToList();

        Assert.Equal([typeof(ImageCreated), typeof(ContainerCreated), typeof(ImageCreated)], relayed.Select(e => e.GetType()));
        Assert.All(relayed, e => Assert.Equal(1L, e.Sequence));
    }
}
