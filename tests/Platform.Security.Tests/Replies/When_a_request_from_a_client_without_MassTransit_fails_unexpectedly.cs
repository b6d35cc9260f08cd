using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts.Containers;
using Platform.Metadata.Containers;
using Platform.Testing;
using Xunit;

namespace Platform.Security.Tests.Replies;

/// <summary>
/// An unexpected failure becomes Internal, never a silent timeout (DESIGN.md), for a client that reads plain replies
/// too: MassTransit's own fault message would go to an exchange it can't declare, so that client gets an error reply.
/// </summary>
public sealed class When_a_request_from_a_client_without_MassTransit_fails_unexpectedly(
    When_a_request_from_a_client_without_MassTransit_fails_unexpectedly.BrokenReferencesFixture fixture)
    : IClassFixture<When_a_request_from_a_client_without_MassTransit_fails_unexpectedly.BrokenReferencesFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task It_gets_Internal_by_name_once_after_the_retries_and_the_request_waits_in_the_error_queue()
    {
        var client = fixture.Client;
        await Service.WarmUpAsync(client, Ct);
        await using var raw = await RawClient.ConnectAsync(fixture.Prefix, Ct);
        var queue = await raw.ServerNamedQueueAsync(Ct);

        await raw.SendAsync("create-container", "platform:containers:CreateContainer",
            new { id = "breaks", runtime = new { name = "io.containerd.runc.v2" }, spec = "{}", snapshotter = "native", snapshotKey = "breaks" },
            RawClient.AddressOf(queue.Name), replyTo: null, Ct);

        var reply = await queue.NextAsync(TimeSpan.FromSeconds(15), Ct);
        Assert.NotNull(reply);
        Assert.Equal("Internal", reply["message"]!["kind"]!.GetValue<string>());
        Assert.Contains("create-container_error", reply["message"]!["message"]!.GetValue<string>());
        Assert.Null(await queue.NextAsync(TimeSpan.FromMilliseconds(500), Ct));
        Assert.Equal(4, fixture.References.Calls); // the first try and three retries: one error reply, after the last
        await Service.AnswersWithinASecondAsync(client, Ct);
        await Service.SettledAsync(fixture.Prefix + "create-container", errors: 1, Ct);
    }

    public sealed class BrokenReferencesFixture : PlatformFixture
    {
        public BrokenReferences References { get; } = new();

        protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<ISnapshotReferences>(References);
    }

    /// <summary>Snapshot references that fail unexpectedly for any container with a snapshot.</summary>
    public sealed class BrokenReferences : ISnapshotReferences
    {
        private int _calls;

        public int Calls => _calls;

        public Task AddAsync(Container container, CancellationToken cancellationToken)
        {
            if (container.SnapshotKey is null)
                return Task.CompletedTask;
            Interlocked.Increment(ref _calls);
            throw new InvalidOperationException("the reference store broke");
        }

        public Task RemoveAsync(Container container, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
