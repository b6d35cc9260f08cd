using Platform.Client.Cache;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Testing;
using Xunit;

namespace Platform.EndToEnd.Tests.Cache;

/// <summary>The watch cache through the real broker and host: seeded by a list, kept current by events.</summary>
public sealed class When_a_caller_reads_through_a_watch_cache(PlatformFixture fixture) : IClassFixture<PlatformFixture>
{
    private const string Spec = """{"ociVersion":"1.1.0","process":{"args":["/bin/true"]}}""";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<Container> CreateAsync(string ns, string id, string tier = "front") => fixture.Client.Containers.CreateAsync(new CreateContainer
    {
        Namespace = ns, Id = id, Runtime = new RuntimeInfo { Name = "runc" }, Spec = Spec,
        Labels = new Dictionary<string, string> { ["tier"] = tier },
    }, Ct);

    [Fact]
    public async Task It_starts_with_what_exists_and_follows_creates_updates_and_deletes()
    {
        var client = fixture.Client;
        var ns = "cache-" + Guid.NewGuid().ToString("N")[..8];
        await CreateAsync(ns, "before");

        await using var cache = await ContainerCache.StartAsync(client, ns, cancellationToken: Ct);
        Assert.Equal("before", cache.Get("before")?.Id);
        Assert.Equal(1, cache.State.Count);

        await CreateAsync(ns, "web", "back");
        await Eventually.TrueAsync(() => cache.Get("web") is not null, Ct, because: "the ContainerCreated event reaches the cache");
        var labelled = await client.Containers.SetLabelsAsync("web", new Dictionary<string, string?> { ["tier"] = "front" }, ns, Ct);
        await Eventually.TrueAsync(() => cache.Get("web")?.Version == labelled.Version, Ct, because: "the ContainerUpdated event reaches the cache");
        Assert.Equal(["before", "web"], cache.List(["labels.tier==front"]).Select(c => c.Id));

        await client.Containers.DeleteAsync("before", @namespace: ns, cancellationToken: Ct);
        await Eventually.TrueAsync(() => cache.Get("before") is null, Ct, because: "the ContainerDeleted event reaches the cache");
        var cached = await Assert.ThrowsAsync<PlatformException>(() => cache.GetAsync("before", cancellationToken: Ct));
        Assert.Equal(ErrorKind.NotFound, cached.Kind);
        var consistent = await Assert.ThrowsAsync<PlatformException>(() => cache.GetAsync("before", consistent: true, Ct));
        Assert.Equal(ErrorKind.NotFound, consistent.Kind);
        Assert.Equal(labelled.Version, (await cache.GetAsync("web", consistent: true, Ct)).Version);
        Assert.True(cache.State.EventsApplied >= 3);
        Assert.NotNull(cache.State.LastEventAt);
    }

    [Fact]
    public async Task After_concurrent_writes_settle_it_agrees_with_a_consistent_list()
    {
        var client = fixture.Client;
        var ns = "cache-" + Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < 20; i++)
            await CreateAsync(ns, $"c{i:D2}");

        // Started while the writes below run, so the list and the events it missed or saw twice overlap.
        var writes = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var round = 0; round < 10; round++)
            {
                var id = $"c{(w * 5 + round) % 20:D2}";
                await client.Containers.SetLabelsAsync(id, new Dictionary<string, string?> { [$"w{w}"] = round.ToString() }, ns, Ct);
                if (round % 3 == 0)
                    await CreateAsync(ns, $"x{w}-{round}");
                if (round % 3 == 2)
                    await client.Containers.DeleteAsync($"x{w}-{round - 2}", @namespace: ns, cancellationToken: Ct);
            }
        }, Ct)).ToList();
        await using var cache = await ContainerCache.StartAsync(client, ns, new ContainerCacheOptions { PageSize = 7 }, Ct);
        await Task.WhenAll(writes);

        var truth = await client.Containers.ListAsync(null, ns, cancellationToken: Ct).ToListAsync(Ct);
        await Eventually.TrueAsync(() => Same(truth, cache.List()), Ct, because: "the cache converges on the service's list once the events are in");
    }

    private static bool Same(IReadOnlyList<Container> expected, IReadOnlyList<Container> actual) =>
        expected.Select(c => (c.Id, c.Version, c.CreatedAt)).SequenceEqual(actual.Select(c => (c.Id, c.Version, c.CreatedAt)));
}
