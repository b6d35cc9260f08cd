using System.Collections.Concurrent;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Testing;
using Xunit;

namespace Platform.EndToEnd.Tests;

/// <summary>Containers through the real broker, the real host and the embedded store, via the client library.</summary>
public sealed class When_a_user_manages_containers(PlatformFixture fixture) : IClassFixture<PlatformFixture>
{
    private const string Spec = """{"ociVersion":"1.1.0","process":{"args":["/bin/true"]}}""";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_get_label_list_and_delete_publish_one_event_each_in_order()
    {
        var client = fixture.Client;
        var ns = "e2e-" + Guid.NewGuid().ToString("N")[..8];
        var events = new ConcurrentQueue<IPlatformEvent>();
        await using (await client.Events.SubscribeAsync((e, _) =>
                     {
                         if (e.Namespace == ns)
                             events.Enqueue(e);
                         return Task.CompletedTask;
                     }, cancellationToken: Ct))
        {
            var created = await client.Containers.CreateAsync(new CreateContainer
            {
                Namespace = ns, Id = "web", Runtime = new RuntimeInfo { Name = "runc" }, Spec = Spec,
                Labels = new Dictionary<string, string> { ["tier"] = "front" },
            }, Ct);
            Assert.Equal(1, created.Version);
            Assert.Equal(created.CreatedAt, created.UpdatedAt);

            var labelled = await client.Containers.SetLabelsAsync("web", new Dictionary<string, string?> { ["owner"] = "alice", ["tier"] = "" }, ns, Ct);
            Assert.Equal(new Dictionary<string, string> { ["owner"] = "alice" }, labelled.Labels);
            Assert.Equal(created.CreatedAt, labelled.CreatedAt);
            Assert.True(labelled.UpdatedAt > created.UpdatedAt);

            var listed = await client.Containers.ListAsync(["labels.owner==alice"], ns, cancellationToken: Ct).ToListAsync(Ct);
            Assert.Equal(["web"], listed.Select(c => c.Id));

            var deleted = await client.Containers.DeleteAsync("web", @namespace: ns, cancellationToken: Ct);
            Assert.Equal(2, deleted.Version);
            var missing = await Assert.ThrowsAsync<PlatformException>(() => client.Containers.GetAsync("web", ns, Ct));
            Assert.Equal(ErrorKind.NotFound, missing.Kind);

            await Eventually.TrueAsync(() => events.Count >= 3, Ct);
        }
        Assert.Collection(events,
            e => Assert.Equal(1, Assert.IsType<ContainerCreated>(e).Sequence),
            e => Assert.Equal(2, Assert.IsType<ContainerUpdated>(e).Sequence),
            e => Assert.Equal(3, Assert.IsType<ContainerDeleted>(e).Sequence));
        Assert.Equal(3, events.Select(e => e.EventId).Distinct().Count());
    }
}
