using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Client;
using Platform.Contracts.Containers;
using Platform.Contracts.Resources;
using Platform.Hosting.Bus;
using Platform.Hosting.Logging;
using Platform.Hosting.Outbox;
using Platform.Metadata;
using Platform.TaskRunner;
using Platform.ResourceGc.Tests.Stress;
using Platform.Testing;
using Xunit;

namespace Platform.ResourceGc.Tests.Crash;

/// <summary>
/// No host runs by itself: the test starts and stops them, on one data root and queue prefix. Passes and the
/// grace are an hour long, so within a test only the ContainerDeleted event can release a container's snapshot.
/// </summary>
public sealed class RestartFixture : PlatformFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ResourceGc:PassInterval"] = "01:00:00",
        ["ResourceGc:Grace"] = "01:00:00",
    };

    public override ValueTask InitializeAsync() => ValueTask.CompletedTask;

    /// <summary>
    /// The metadata service and the task runner (which it asks before deleting a container), without the resource
    /// GC service, as when that runs in its own host and is down.
    /// </summary>
    public IHost BuildHostWithoutResourceGc()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Bus:Uri"] = Requirements.BusUri.ToString(),
            ["Bus:EndpointPrefix"] = Prefix,
            ["Store:DataRoot"] = DataRoot,
            ["Serilog:MinimumLevel:Default"] = "Warning",
        });
        builder.AddPlatformLogging("test");
        builder.Services.AddMetadataService(builder.Configuration);
        builder.Services.AddTaskRunnerService(builder.Configuration);
        builder.Services.AddPlatformBus(builder.Configuration, endpoints => endpoints.AddMetadataConsumers().AddTaskRunnerConsumers());
        builder.Services.AddOutboxRelay(builder.Configuration);
        return builder.Build();
    }
}

/// <summary>
/// The resource GC service is down (stopped, crashed, being upgraded) when a container is deleted: its
/// ContainerDeleted waits in the service's durable queue and, once the service is back, releases the snapshot.
/// </summary>
public sealed class When_the_service_stops_before_consuming_a_deletion(RestartFixture fixture) : IClassFixture<RestartFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_collect_the_snapshot_once_it_is_back()
    {
        Requirements.RabbitMq();
        var ns = "restart-" + Guid.NewGuid().ToString("N")[..8];
        var options = fixture.ClientOptions;
        options.Namespace = ns;

        using (var before = fixture.BuildHost())
        {
            await before.StartAsync(Ct);
            await using var client = await PlatformClient.ConnectAsync(options, Ct);
            var lease = await client.Leases.CreateAsync(new CreateLease(), Ct);
            var prepared = await client.Snapshots.PrepareAsync(new PrepareSnapshot { Key = "rootfs", LeaseId = lease.Id }, Ct);
            await client.Containers.CreateAsync(new CreateContainer
            {
                Id = "web", Runtime = new RuntimeInfo { Name = "runc" }, Spec = "{}", Snapshotter = prepared.Snapshot.Snapshotter, SnapshotKey = "rootfs",
            }, Ct);
            await client.Leases.DeleteAsync(lease.Id, cancellationToken: Ct);
            await before.StopAsync(Ct);
        }
        var folders = DiskState.Folders(fixture.DataRoot);
        Assert.Single(folders);

        using (var metadataOnly = fixture.BuildHostWithoutResourceGc())
        {
            await metadataOnly.StartAsync(Ct);
            await using var client = await PlatformClient.ConnectAsync(options, Ct);
            var published = new ConcurrentQueue<ContainerDeleted>();
            await using (await client.Events.SubscribeAsync((e, _) =>
            {
                if (e is ContainerDeleted deleted && deleted.Namespace == ns)
                    published.Enqueue(deleted);
                return Task.CompletedTask;
            }, cancellationToken: Ct))
            {
                await client.Containers.DeleteAsync("web", cancellationToken: Ct);
                await Eventually.TrueAsync(() => !published.IsEmpty, Ct, because: "ContainerDeleted should be published while the GC service is down");
            }
            await metadataOnly.StopAsync(Ct);
        }
        Assert.True(await BrokerProbe.MessageCountAsync(fixture.Prefix + ResourceQueues.Events, Ct) >= 1, "the deletion should wait in the GC service's queue");
        Assert.Equal(folders, DiskState.Folders(fixture.DataRoot));

        using var after = fixture.BuildHost();
        await after.StartAsync(Ct);
        try
        {
            await using var client = await PlatformClient.ConnectAsync(options, Ct);
            await Eventually.TrueAsync(async () =>
            {
                try
                {
                    await client.Snapshots.StatAsync("rootfs", cancellationToken: Ct);
                    return false;
                }
                catch (Common.Errors.PlatformException e) when (e.Kind == Contracts.ErrorKind.NotFound)
                {
                    return true;
                }
            }, Ct, TimeSpan.FromSeconds(20), "the restarted service should consume the waiting ContainerDeleted and collect rootfs");
            Assert.Empty(DiskState.Folders(fixture.DataRoot));
        }
        finally
        {
            await after.StopAsync(Ct);
        }
    }
}
