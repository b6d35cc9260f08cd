using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Metadata.Containers;
using Platform.Metadata.Store;
using Platform.Testing;
using RabbitMQ.Client;
using Xunit;

namespace Platform.EndToEnd.Tests;

/// <summary>Bad input gets a clear error reply naming the field and the rule, never a timeout or a dead consumer.</summary>
public sealed class When_a_request_is_malformed(PlatformFixture fixture) : IClassFixture<PlatformFixture>
{
    private const string Spec = """{"ociVersion":"1.1.0"}""";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, CreateContainer, string> BadCreates => new()
    {
        { "missing fields", new CreateContainer(), "container id must not be empty" },
        { "invalid id", new CreateContainer { Id = "-bad", Runtime = new() { Name = "runc" }, Spec = Spec }, "container id \"-bad\"" },
        { "wrong namespace", new CreateContainer { Namespace = "a..b", Id = "x", Runtime = new() { Name = "runc" }, Spec = Spec }, "namespace \"a..b\"" },
        { "no runtime", new CreateContainer { Id = "x", Spec = Spec }, "runtime.name must be set" },
        { "malformed spec", new CreateContainer { Id = "x", Runtime = new() { Name = "runc" }, Spec = "{\"process\":" }, "spec is not valid JSON" },
        { "oversize label", new CreateContainer { Id = "x", Runtime = new() { Name = "runc" }, Spec = Spec, Labels = new Dictionary<string, string> { ["big"] = new string('v', 5000) } }, "limit is 4096" },
        { "key without snapshotter", new CreateContainer { Id = "x", Runtime = new() { Name = "runc" }, Spec = Spec, SnapshotKey = "k" }, "snapshotter must be set" },
    };

    [Theory]
    [MemberData(nameof(BadCreates))]
    public async Task Should_refuse_a_bad_create_with_InvalidArgument(string situation, CreateContainer request, string expected)
    {
        var error = await Assert.ThrowsAsync<PlatformException>(() => fixture.Client.Containers.CreateAsync(request with { Namespace = request.Namespace ?? "bad-input" }, Ct));
        Assert.True(error.Kind == ErrorKind.InvalidArgument, $"{situation}: {error}");
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task Should_refuse_a_duplicate_id_with_AlreadyExists()
    {
        var request = new CreateContainer { Namespace = "bad-input", Id = "dup-" + Guid.NewGuid().ToString("N")[..6], Runtime = new() { Name = "runc" }, Spec = Spec };
        await fixture.Client.Containers.CreateAsync(request, Ct);
        var error = await Assert.ThrowsAsync<PlatformException>(() => fixture.Client.Containers.CreateAsync(request, Ct));
        Assert.Equal(ErrorKind.AlreadyExists, error.Kind);
    }

    [Fact]
    public async Task Should_refuse_an_unknown_field_mask_path_and_a_bad_filter()
    {
        var id = "mask-" + Guid.NewGuid().ToString("N")[..6];
        await fixture.Client.Containers.CreateAsync(new CreateContainer { Namespace = "bad-input", Id = id, Runtime = new() { Name = "runc" }, Spec = Spec }, Ct);
        var mask = await Assert.ThrowsAsync<PlatformException>(() => fixture.Client.Containers.UpdateAsync(
            new UpdateContainer { Namespace = "bad-input", Id = id, UpdateMask = ["runtime.name"] }, Ct));
        Assert.Equal(ErrorKind.InvalidArgument, mask.Kind);
        Assert.Contains("cannot update runtime.name", mask.Message);

        var filter = await Assert.ThrowsAsync<PlatformException>(() => fixture.Client.Containers.ListPageAsync(
            new ListContainers { Namespace = "bad-input", Filters = ["labels.a~=/(/"] }, Ct));
        Assert.Equal(ErrorKind.InvalidArgument, filter.Kind);
        Assert.Contains("labels.a~=/(/", filter.Message);
    }

    [Fact]
    public async Task Should_move_a_message_that_is_not_json_to_the_error_queue_and_keep_serving()
    {
        Requirements.RabbitMq();
        var factory = new ConnectionFactory { Uri = Requirements.BusUri };
        await using var connection = await factory.CreateConnectionAsync(Ct);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: Ct);
        var queue = fixture.Prefix + ContainerQueues.Create;
        var properties = new BasicProperties { ContentType = "application/vnd.masstransit+json", MessageId = Guid.NewGuid().ToString() };
        await channel.BasicPublishAsync("", queue, mandatory: true, properties, Encoding.UTF8.GetBytes("{ this is not json"), Ct);

        await Eventually.TrueAsync(async () => await BrokerProbe.MessageCountAsync(queue + "_error", Ct) == 1, Ct,
            because: "the poison message should land in the _error queue");

        var id = "alive-" + Guid.NewGuid().ToString("N")[..6];
        var created = await fixture.Client.Containers.CreateAsync(new CreateContainer { Namespace = "bad-input", Id = id, Runtime = new() { Name = "runc" }, Spec = Spec }, Ct);
        Assert.Equal(id, created.Id);
    }
}

/// <summary>A host whose task guard fails unexpectedly, standing in for any bug inside a consumer.</summary>
public sealed class FaultyTaskGuardFixture : PlatformFixture
{
    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddSingleton<ITaskGuard, ThrowingTaskGuard>();

    private sealed class ThrowingTaskGuard : ITaskGuard
    {
        public Task EnsureDeletableAsync(Container container, bool force, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("task runner state is corrupt");
    }
}

public sealed class When_a_consumer_fails_unexpectedly(FaultyTaskGuardFixture fixture) : IClassFixture<FaultyTaskGuardFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_reply_Internal_after_retries_and_keep_the_message_in_the_error_queue()
    {
        var client = fixture.Client;
        await client.Containers.CreateAsync(new CreateContainer { Id = "victim", Runtime = new() { Name = "runc" }, Spec = "{}" }, Ct);
        // The guard is asked only about a container a task holds: record a hold as the task runner would.
        await fixture.Services.GetRequiredService<IContainerStore>().HoldAsync("default", "victim", generation: 1, Ct);

        var error = await Assert.ThrowsAsync<PlatformException>(() => client.Containers.DeleteAsync("victim", cancellationToken: Ct));

        Assert.Equal(ErrorKind.Internal, error.Kind);
        Assert.Contains("task runner state is corrupt", error.Message);
        Assert.Equal("victim", (await client.Containers.GetAsync("victim", cancellationToken: Ct)).Id);
        await Eventually.TrueAsync(async () => await BrokerProbe.MessageCountAsync(fixture.Prefix + ContainerQueues.Delete + "_error", Ct) == 1, Ct);
    }
}
